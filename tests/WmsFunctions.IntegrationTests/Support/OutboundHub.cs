using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// The hub with two WMS instances played by real loopback HTTP servers, and every log line captured:
///   acme/east      adapter hub-json,    API key in setting WMS_ACME_EAST_KEY;   serves DC1 (EAST), DC1-QA (EAST-QA)
///   acme/store-12  adapter generic-xml, OAuth 2.0 client credentials;          serves STORE-12 (S12), counts eaches
///   globex/main    no outbound configuration (receives nothing)
/// Both receive every flow unless a test changes <c>Flows</c>. Retries are fast (10 ms backoff) unless changed.
/// </summary>
public sealed class OutboundHub : IAsyncDisposable
{
    public const string EastApiKeySetting = "WMS_ACME_EAST_KEY";
    public const string StoreSecretSetting = "WMS_ACME_STORE12_SECRET";

    private OutboundHub(HubTestHost hub, LoopbackWms east, LoopbackWms store, string eastApiKey, LogCapture logs)
    {
        Hub = hub;
        East = east;
        Store = store;
        EastApiKey = eastApiKey;
        Logs = logs;
    }

    public HubTestHost Hub { get; }

    public LoopbackWms East { get; }

    public LoopbackWms Store { get; }

    public string EastApiKey { get; }

    public LogCapture Logs { get; }

    /// <param name="azurite">The test run's Azurite.</param>
    /// <param name="time">The hub's clock, if not the system's.</param>
    /// <param name="settings">Changes to the settings.</param>
    /// <param name="host">Changes to the host (e.g. an exporter of its own for the hub's spans).</param>
    public static async Task<OutboundHub> StartAsync(
        AzuriteFixture azurite, TimeProvider? time = null, Action<Dictionary<string, string?>>? settings = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? host = null)
    {
        var east = await LoopbackWms.StartAsync("east");
        var store = await LoopbackWms.StartAsync("store-12");
        var eastKey = "key-" + Guid.NewGuid().ToString("N");
        var logs = new LogCapture();
        var hub = await HubTestHost.StartAsync(
            azurite,
            time,
            values =>
            {
                var e = "Hub:Tenants:acme:Instances:east:";
                values[e + "Adapter"] = "hub-json";
                values[e + "Outbound:BaseUrl"] = east.BaseUrl;
                values[e + "Outbound:Auth:Scheme"] = OutboundAuthOptions.ApiKeyScheme;
                values[e + "Outbound:Auth:ApiKeySetting"] = EastApiKeySetting;
                values[EastApiKeySetting] = eastKey;
                values[e + "Outbound:Warehouses:DC1"] = "EAST";
                values[e + "Outbound:Warehouses:DC1-QA"] = "EAST-QA";
                values[e + "Outbound:Units:EA"] = "EACH";
                values[e + "Outbound:Units:CS"] = "CASE";
                values[e + "Outbound:Carriers:UPS"] = "UPSN";
                values[e + "Outbound:Services:GROUND"] = "GND";
                values[e + "Outbound:ReasonCodes:CUST"] = "CR";
                values[e + "Outbound:ReasonCodes:DMG"] = "DAMAGED";
                Fast(values, e);

                var s = "Hub:Tenants:acme:Instances:store-12:";
                values[s + "Adapter"] = "generic-xml";
                values[s + "Outbound:BaseUrl"] = store.BaseUrl;
                values[s + "Outbound:Auth:Scheme"] = OutboundAuthOptions.OAuth2Scheme;
                values[s + "Outbound:Auth:TokenUrl"] = store.TokenUrl;
                values[s + "Outbound:Auth:ClientId"] = store.ClientId;
                values[s + "Outbound:Auth:ClientSecretSetting"] = StoreSecretSetting;
                values[s + "Outbound:Auth:Scope"] = "wms.write";
                values[StoreSecretSetting] = store.ClientSecret;
                values[s + "Outbound:Warehouses:STORE-12"] = "S12";
                values[s + "Outbound:QuantitiesInEaches"] = "true";
                values[s + "Outbound:Units:EA"] = "EA";
                values[s + "Outbound:Units:CS"] = "CS";
                values[s + "Outbound:Carriers:UPS"] = "UPS";
                values[s + "Outbound:Services:GROUND"] = "GRD";
                values[s + "Outbound:ReasonCodes:CUST"] = "01";
                values[s + "Outbound:ReasonCodes:DMG"] = "02";
                Fast(values, s);
                for (var i = 0; i < HubFlows.OmsToWms.Count; i++)
                {
                    values[e + $"Outbound:Flows:{i}"] = HubFlows.OmsToWms[i].Name;
                    values[s + $"Outbound:Flows:{i}"] = HubFlows.OmsToWms[i].Name;
                }

                settings?.Invoke(values);
            },
            builder =>
            {
                builder.Logging.AddProvider(logs);
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                host?.Invoke(builder);
            });
        return new OutboundHub(hub, east, store, eastKey, logs);
    }

    private static void Fast(Dictionary<string, string?> values, string prefix)
    {
        values[prefix + "Outbound:Resilience:MaxRetryAttempts"] = "2";
        values[prefix + "Outbound:Resilience:BaseDelay"] = "00:00:00.010";
        values[prefix + "Outbound:Resilience:MaxDelay"] = "00:00:00.050";
        values[prefix + "Outbound:Resilience:AttemptTimeout"] = "00:00:05";
        values[prefix + "Outbound:Resilience:TotalTimeout"] = "00:00:30";
        values[prefix + "Outbound:Resilience:MinimumThroughput"] = "20";
    }

    /// <summary>A CloudEvent as the OMS sends it.</summary>
    public static string CloudEvent(string type, string id, object data, string tenant = "acme") =>
        JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id,
            source = "/oms/test",
            type = "com.wmsfunctions.oms." + type,
            subject = id,
            time = "2026-11-23T10:00:00Z",
            datacontenttype = "application/json",
            tenant,
            correlationid = "corr-" + id,
            data,
        });

    /// <summary>The OMS sends a message to the flow's topic; the host delivers it once to the function (one receive).</summary>
    public async Task<InvocationRecord> SendAsync(string function, string body)
    {
        await Hub.ServiceBus.SendAsync(Topic(function), body, TestContext.Current.CancellationToken);
        return Assert.Single(await Hub.Functions.ReceiveOnceAsync(function, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Posts the host's exact Service Bus invocation for <paramref name="body"/> straight to the handler (no queue in
    /// between): for tests that play several deliveries of one message themselves. Returns the handler's status.
    /// </summary>
    public async Task<int> InvokeAsync(string function, string body, int deliveryCount = 1, string messageId = "sb-1")
    {
        var folder = Hub.FunctionApp[function];
        var payload = HostPayloads.ServiceBusTrigger(
            folder.BindingName, function, body, messageId, deliveryCount, 1, DateTimeOffset.UtcNow, null, "application/json", null,
            new Dictionary<string, string>(), DateTime.UtcNow);
        var (status, _) = await Hub.Functions.InvokeAsync(function, payload, TestContext.Current.CancellationToken);
        return status;
    }

    /// <summary>The next delivery of whatever is on the function's subscription (a redelivery after a 500).</summary>
    public async Task<InvocationRecord> RedeliverAsync(string function) =>
        Assert.Single(await Hub.Functions.ReceiveOnceAsync(function, TestContext.Current.CancellationToken));

    public static string Topic(string function)
    {
        var trigger = (ServiceBusTrigger)FunctionCatalog.All.Single(f => f.Name == function).Trigger;
        return trigger.TopicName!;
    }

    public string SubscriptionPath(string function) => LocalFunctionsHost.EntityPathOf(Hub.FunctionApp[function]);

    public async Task<IReadOnlyList<FailedSyncEntity>> FailedSyncsAsync(string instance, string? flow = null, string tenant = "acme") =>
        await Hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery(tenant, instance, flow), TestContext.Current.CancellationToken);

    public async Task<IReadOnlyList<TableEntity>> AuditAsync(string? flow = null) =>
        (await Hub.RowsAsync(HubTable.Audit)).Where(a => flow is null || a.GetString("Flow") == flow).OrderBy(a => a.GetDateTimeOffset("At")).ToList();

    /// <summary>Every message on the pick-slip hand-off queue (read and removed).</summary>
    public async Task<IReadOnlyList<PickSlipHandedOff>> HandOffsAsync()
    {
        var storage = Hub.Services.GetRequiredService<HubStorage>();
        var queue = await storage.QueueAsync(Hub.App.Configuration["PICKSLIP_EVENTS_QUEUE"]!, TestContext.Current.CancellationToken);
        var found = new List<PickSlipHandedOff>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).Value;
            if (batch.Length == 0)
            {
                return found;
            }

            foreach (var message in batch)
            {
                found.Add(PickSlipHandedOff.Parse(message.Body.ToString())!);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, TestContext.Current.CancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await East.DisposeAsync();
        await Store.DisposeAsync();
    }
}

/// <summary>Keeps every log line the handler writes (message and exception), to prove what never appears in logs.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{structured}] {exception}");
        }
    }
}
