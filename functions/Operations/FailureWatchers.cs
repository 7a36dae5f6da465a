using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// The watchers the catalog adds for every function that reads a queue (docs/failures.md): a queue trigger gets one
/// on its <c>{queue}-poison</c> queue (<see cref="PoisonQueueFunction"/>: back on the queue after the next delay of
/// the retry schedule, or a failed sync), a Service Bus trigger one on its subscription's dead-letter subqueue
/// (<see cref="DeadLetterFunction"/>: a failed sync). Derived from the catalog, so a queue function added later is
/// watched without anyone remembering to.
/// </summary>
public static class FailureWatchers
{
    public const string Input = "message";

    public static IEnumerable<FunctionDefinition> For(FunctionDefinition function) => function.Trigger switch
    {
        QueueTrigger queue when queue.Suffix.Length == 0 =>
        [
            new FunctionDefinition(
                function.Name + "Poison",
                new QueueTrigger(Input, queue.QueueNameSetting, queue.Connection) { Suffix = "-poison" },
                [],
                null,
                null,
                services => new PoisonQueueFunction(services.GetRequiredService<PoisonedMessages>(), queue.QueueNameSetting)),
        ],
        ServiceBusTrigger { DeadLetter: false } bus =>
        [
            new FunctionDefinition(
                function.Name + "DeadLetters",
                bus with { BindingName = Input, DeadLetter = true },
                [],
                null,
                null,
                services => new DeadLetterFunction(
                    services.GetRequiredService<DeadLetters>(),
                    services.GetRequiredService<IConfiguration>(),
                    bus,
                    function.Failures ?? throw new InvalidOperationException($"{function.Name} reads Service Bus but names no flow for its dead letters."))),
        ],
        _ => [],
    };
}

/// <summary>Queue-triggered on <c>{queue}-poison</c>: the poisoned message goes round the retry schedule, or to a person.</summary>
public sealed class PoisonQueueFunction(PoisonedMessages poisoned, string queueSetting) : IInvokedFunction
{
    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var id = invocation.MetadataString("Id") ?? throw new InvalidInvocationException("The poison message has no Id.");
        var outcome = await poisoned.HandleAsync(queueSetting, invocation.ReadString(FailureWatchers.Input), id, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log(outcome.ToString());
    }
}

/// <summary>Service Bus-triggered on a subscription's dead-letter subqueue: each dead letter becomes a failed sync, once.</summary>
public sealed class DeadLetterFunction(DeadLetters deadLetters, IConfiguration configuration, ServiceBusTrigger watched, FailureFlow flow) : IInvokedFunction
{
    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var letter = new DeadLetter(
            flow.Flow,
            flow.Direction,
            EntityPath(),
            invocation.ReadString(FailureWatchers.Input),
            invocation.MetadataString("MessageId"),
            invocation.MetadataInt64("DeliveryCount") is { } count ? (int)Math.Clamp(count, 0, int.MaxValue) : null,
            Property(invocation, "DeadLetterReason"),
            Property(invocation, "DeadLetterErrorDescription"),
            invocation.MetadataString("CorrelationId"));
        var (failed, created) = await deadLetters.CaptureAsync(letter, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log($"dead letter of {letter.EntityPath}: failed sync {failed.Flow}/{failed.EntityId} ({(created ? "recorded" : "already recorded")})");
    }

    /// <summary>The entity the watched function reads, as Service Bus names it: a queue, or "{topic}/Subscriptions/{subscription}".</summary>
    private string EntityPath() =>
        watched.QueueNameSetting is { } queue
            ? configuration[queue] ?? queue
            : $"{watched.TopicName ?? configuration[watched.TopicNameSetting!]}/Subscriptions/{configuration[watched.SubscriptionNameSetting!]}";

    /// <summary>
    /// Service Bus keeps a dead letter's reason and description as application properties of the message; the host
    /// passes those in Metadata.ApplicationProperties (and UserProperties).
    /// </summary>
    private static string? Property(Invocation invocation, string name)
    {
        foreach (var bag in new[] { "ApplicationProperties", "UserProperties" })
        {
            if (invocation.Metadata.TryGetProperty(bag, out var properties) && properties.ValueKind == System.Text.Json.JsonValueKind.Object
                && properties.TryGetProperty(name, out var value) && value.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined))
            {
                return HostValues.DecodeString(value);
            }
        }

        return invocation.MetadataString(name);
    }
}
