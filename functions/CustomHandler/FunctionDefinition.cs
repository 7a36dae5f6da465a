using System.Text.Json.Nodes;

namespace WmsFunctions.Handler.CustomHandler;

/// <summary>What starts a function. Names of queues, topics and schedules are app settings (<c>%SETTING%</c>).</summary>
public abstract record Trigger(string BindingName);

/// <summary>Who calls a forwarded HTTP function: a WMS (a webhook), an operator (the operations API) or anyone (readiness).</summary>
public enum HttpAudience
{
    Wms,
    Operator,

    /// <summary>A marketplace pushing orders (signed per channel; see ChannelOrdersWebhook).</summary>
    Marketplace,
    Anonymous,
}

/// <summary>A forwarded HTTP function: the host passes the original request through and returns our answer as is.</summary>
public sealed record HttpTrigger(string Route, params string[] Methods) : Trigger("req")
{
    public string AuthLevel { get; init; } = "function";

    public HttpAudience Audience { get; init; } = HttpAudience.Wms;
}

/// <summary>A storage queue trigger; <see cref="Suffix"/> reads a queue named after the setting's value (the poison queue: "-poison").</summary>
public sealed record QueueTrigger(string BindingName, string QueueNameSetting, string Connection) : Trigger(BindingName)
{
    /// <summary>Appended to the resolved queue name (<c>"%SETTING%-poison"</c>: the host resolves a setting anywhere in the string).</summary>
    public string Suffix { get; init; } = "";
}

/// <summary>
/// A Service Bus trigger. Entity names are app settings (<c>%SETTING%</c>), except a fixed <see cref="TopicName"/>:
/// each OMS -> WMS flow's topic is named in the flow's definition, so adding a flow adds no setting.
/// </summary>
public sealed record ServiceBusTrigger(
    string BindingName,
    string Connection,
    string? QueueNameSetting = null,
    string? TopicNameSetting = null,
    string? SubscriptionNameSetting = null,
    string? TopicName = null) : Trigger(BindingName)
{
    /// <summary>
    /// Reads the entity's dead-letter subqueue: the subscription (or queue) name gets "/$DeadLetterQueue", so the host
    /// receives from <c>{topic}/Subscriptions/{subscription}/$DeadLetterQueue</c>.
    /// </summary>
    public bool DeadLetter { get; init; }
}

/// <summary>The flow (and direction) a Service Bus function's failures are filed under: its dead letters' failed syncs.</summary>
public sealed record FailureFlow(string Flow, string Direction);

public sealed record TimerTrigger(string BindingName, string ScheduleSetting) : Trigger(BindingName);

/// <summary>An output binding the host performs with what the handler returns.</summary>
public abstract record OutputBinding(string Name);

public sealed record ServiceBusOutput(
    string Name,
    string Connection,
    string? QueueNameSetting = null,
    string? TopicNameSetting = null) : OutputBinding(Name);

/// <summary>
/// One Azure Function: its name (the function folder), trigger, outputs and the code that runs it: a minimal-API
/// delegate for forwarded HTTP functions, an <see cref="IInvokedFunction"/> for everything else (its type, registered
/// in DI, and how one is made for an invocation).
/// </summary>
public sealed record FunctionDefinition(
    string Name,
    Trigger Trigger,
    IReadOnlyList<OutputBinding> Outputs,
    Delegate? HttpHandler,
    Type? InvokedType,
    Func<IServiceProvider, IInvokedFunction>? CreateInvoked = null)
{
    /// <summary>
    /// What a forwarded HTTP function's endpoint is described with besides its delegate's own attributes (a flow's
    /// webhook: summary, description, the JSON it reads and its answer, from the flow's definition).
    /// </summary>
    public IReadOnlyList<object> EndpointMetadata { get; init; } = [];

    /// <summary>For a Service Bus function: the flow its dead letters are filed under (see FailureWatchers).</summary>
    public FailureFlow? Failures { get; init; }

    /// <summary>A webhook a WMS calls (WMS credentials, the webhook refusals).</summary>
    public static FunctionDefinition Webhook(string name, HttpTrigger trigger, Delegate handler, params object[] endpointMetadata) =>
        new(name, trigger with { Audience = HttpAudience.Wms }, [], handler, null) { EndpointMetadata = endpointMetadata };

    /// <summary>An endpoint of the operations API (operator credentials).</summary>
    public static FunctionDefinition Operator(string name, HttpTrigger trigger, Delegate handler) =>
        new(name, trigger with { Audience = HttpAudience.Operator }, [], handler, null);

    /// <summary>A webhook a marketplace calls (the channel's own signature check).</summary>
    public static FunctionDefinition MarketplaceWebhook(string name, HttpTrigger trigger, Delegate handler) =>
        new(name, trigger with { Audience = HttpAudience.Marketplace }, [], handler, null);
    /// <summary>An endpoint anyone may call (authLevel anonymous): it must answer nothing tenant-specific or secret.</summary>
    public static FunctionDefinition Anonymous(string name, HttpTrigger trigger, Delegate handler) =>
        new(name, trigger with { Audience = HttpAudience.Anonymous, AuthLevel = "anonymous" }, [], handler, null);

    public static FunctionDefinition Invoked<TFunction>(string name, Trigger trigger, params OutputBinding[] outputs)
        where TFunction : IInvokedFunction =>
        new(name, trigger, outputs, null, typeof(TFunction), services => services.GetRequiredService<TFunction>());

    public bool IsForwardedHttp => Trigger is HttpTrigger;

    public bool IsWebhook => Trigger is HttpTrigger { Audience: HttpAudience.Wms };

    public bool IsOperatorEndpoint => Trigger is HttpTrigger { Audience: HttpAudience.Operator };

    /// <summary>The path the handler answers on: the original path for forwarded HTTP, <c>/{Name}</c> otherwise.</summary>
    public string HandlerRoute(string routePrefix) =>
        Trigger is HttpTrigger http ? $"/{routePrefix}/{http.Route}" : $"/{Name}";

    /// <summary>Every app setting this function's bindings name.</summary>
    public IEnumerable<string> Settings()
    {
        IEnumerable<string?> names = Trigger switch
        {
            QueueTrigger q => [q.QueueNameSetting],
            ServiceBusTrigger s => [s.QueueNameSetting, s.TopicNameSetting, s.SubscriptionNameSetting],
            TimerTrigger t => [t.ScheduleSetting],
            _ => [],
        };
        var outputs = Outputs.OfType<ServiceBusOutput>().SelectMany(o => new[] { o.QueueNameSetting, o.TopicNameSetting });
        return names.Concat(outputs).OfType<string>().Distinct(StringComparer.Ordinal);
    }

    /// <summary>The function.json the host reads for this function.</summary>
    public JsonObject ToFunctionJson()
    {
        var bindings = new JsonArray { TriggerBinding() };
        if (Trigger is HttpTrigger)
        {
            bindings.Add(new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" });
        }

        foreach (var output in Outputs)
        {
            bindings.Add(output switch
            {
                ServiceBusOutput sb => WithEntity(
                    new JsonObject { ["type"] = "serviceBus", ["direction"] = "out", ["name"] = sb.Name, ["connection"] = sb.Connection },
                    ("queueName", sb.QueueNameSetting),
                    ("topicName", sb.TopicNameSetting)),
                _ => throw new NotSupportedException($"Output binding {output.GetType().Name} has no function.json shape."),
            });
        }

        return new JsonObject { ["bindings"] = bindings };
    }

    private JsonObject TriggerBinding() => Trigger switch
    {
        HttpTrigger http => new JsonObject
        {
            ["type"] = "httpTrigger",
            ["direction"] = "in",
            ["name"] = http.BindingName,
            ["authLevel"] = http.AuthLevel,
            ["methods"] = new JsonArray(http.Methods.Select(m => (JsonNode)JsonValue.Create(m.ToLowerInvariant())).ToArray()),
            ["route"] = http.Route,
        },
        QueueTrigger queue => new JsonObject
        {
            ["type"] = "queueTrigger",
            ["direction"] = "in",
            ["name"] = queue.BindingName,
            ["queueName"] = Setting(queue.QueueNameSetting) + queue.Suffix,
            ["connection"] = queue.Connection,
        },
        ServiceBusTrigger sb => WithEntity(
            new JsonObject
            {
                ["type"] = "serviceBusTrigger",
                ["direction"] = "in",
                ["name"] = sb.BindingName,
                ["connection"] = sb.Connection,
                ["cardinality"] = "one",
                ["dataType"] = "string",
            },
            [("queueName", sb.QueueNameSetting), ("topicName", sb.TopicNameSetting), ("subscriptionName", sb.SubscriptionNameSetting)],
            sb.TopicName,
            sb.DeadLetter ? (sb.QueueNameSetting is not null ? "queueName" : "subscriptionName") : null),
        TimerTrigger timer => new JsonObject
        {
            ["type"] = "timerTrigger",
            ["direction"] = "in",
            ["name"] = timer.BindingName,
            ["schedule"] = Setting(timer.ScheduleSetting),
        },
        _ => throw new NotSupportedException($"Trigger {Trigger.GetType().Name} has no function.json shape."),
    };

    private static JsonObject WithEntity(JsonObject binding, params (string Property, string? Setting)[] entities) =>
        WithEntity(binding, entities, fixedTopic: null, deadLetterOn: null);

    /// <summary>
    /// The entity properties named by app settings, in order; a fixed topic name in place of a setting; the dead-letter
    /// subqueue's suffix on <paramref name="deadLetterOn"/>.
    /// </summary>
    private static JsonObject WithEntity(JsonObject binding, (string Property, string? Setting)[] entities, string? fixedTopic, string? deadLetterOn)
    {
        foreach (var (property, setting) in entities)
        {
            if (property == "topicName" && fixedTopic is not null)
            {
                binding[property] = fixedTopic;
            }
            else if (setting is not null)
            {
                binding[property] = Setting(setting) + (property == deadLetterOn ? DeadLetterSuffix : "");
            }
        }

        return binding;
    }

    private static string Setting(string name) => $"%{name}%";

    /// <summary>The dead-letter subqueue of a queue or subscription, as Service Bus names it.</summary>
    public const string DeadLetterSuffix = "/$DeadLetterQueue";
}
