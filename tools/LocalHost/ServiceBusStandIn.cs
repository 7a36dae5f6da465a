using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace WmsFunctions.LocalHost;

/// <summary>A message as the Service Bus stand-in keeps it: the body plus the broker properties a trigger sees.</summary>
public sealed record StandInMessage(
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("enqueuedTimeUtc")] DateTimeOffset EnqueuedTimeUtc,
    [property: JsonPropertyName("applicationProperties")] Dictionary<string, string>? ApplicationProperties = null,
    [property: JsonPropertyName("sequenceNumber")] long SequenceNumber = 0,
    [property: JsonPropertyName("correlationId")] string? CorrelationId = null,
    [property: JsonPropertyName("contentType")] string? ContentType = null,
    [property: JsonPropertyName("subject")] string? Subject = null);

/// <summary>
/// Service Bus entities played by Azurite queues (no Service Bus emulator runs here): an entity "x" is the queue
/// "sb-x". What the handler outputs lands there and can be read back, by tests and by the demo. A topic that
/// the app's function.json files read through subscriptions fans out, as Service Bus does, to one queue per
/// subscription ("sb-{topic}-subscriptions-{subscription}"); a message a trigger failed <see cref="MaxDeliveryCount"/>
/// times moves to that entity's dead-letter queue ("...-deadletterqueue").
/// </summary>
public sealed class ServiceBusStandIn(QueueServiceClient queues, TimeProvider time, IReadOnlyDictionary<string, string[]>? subscriptions = null)
{
    /// <summary>The subscriptions' and queues' MaxDeliveryCount in infra-bicep/modules/servicebus.bicep.</summary>
    public const int MaxDeliveryCount = 10;

    private static long s_sequence = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private long _failSendsUntilTicks;
    private int _refusedSends;

    /// <summary>
    /// Plays a Service Bus outage: every send until <paramref name="until"/> throws, as the host's output binding
    /// does when the namespace cannot be reached, so the invocation that asked for it counts as failed. Tests and the
    /// soak use it; <see cref="DateTimeOffset.MinValue"/> ends the outage at once.
    /// </summary>
    public void FailSendsUntil(DateTimeOffset until) => Interlocked.Exchange(ref _failSendsUntilTicks, until.UtcTicks);

    /// <summary>Sends refused so far by <see cref="FailSendsUntil"/>.</summary>
    public int RefusedSends => _refusedSends;

    /// <summary>The Azurite queue of an entity path: "sb-" and the path in queue-name characters (no double dashes).</summary>
    public static string QueueFor(string entity)
    {
        var name = "sb-" + string.Join('-', new string(entity.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray())
            .Split('-', StringSplitOptions.RemoveEmptyEntries));
        return name.Length > 63 ? name[..63].TrimEnd('-') : name;
    }

    /// <summary>The entity path a trigger reads, as Service Bus names it: a queue, or "{topic}/Subscriptions/{subscription}".</summary>
    public static string EntityPath(string? queueName, string? topicName, string? subscriptionName) =>
        queueName ?? $"{topicName}/Subscriptions/{subscriptionName}";

    public static string DeadLetterPath(string entityPath) => entityPath + DeadLetterSuffix;

    public const string DeadLetterSuffix = "/$DeadLetterQueue";

    /// <summary>A dead-letter subqueue (of a queue or subscription): read by its own trigger, never fanned out to, never dead-lettered again.</summary>
    public static bool IsDeadLetterPath(string entityPath) => entityPath.EndsWith(DeadLetterSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The message as Service Bus dead-letters it after MaxDeliveryCount: the reason and description are kept as
    /// application properties of the message (which the host passes in Metadata.ApplicationProperties).
    /// </summary>
    public static StandInMessage DeadLettered(StandInMessage message) => message with
    {
        ApplicationProperties = new Dictionary<string, string>(message.ApplicationProperties ?? [], StringComparer.Ordinal)
        {
            ["DeadLetterReason"] = "MaxDeliveryCountExceeded",
            ["DeadLetterErrorDescription"] = $"Message could not be consumed after {MaxDeliveryCount} delivery attempts.",
        },
    };

    /// <summary>Every topic -> subscription a Service Bus trigger of the app reads, from its function.json files.</summary>
    public static IReadOnlyDictionary<string, string[]> SubscriptionsOf(FunctionApp app) =>
        app.Functions
            .Where(f => f.TriggerType == "serviceBusTrigger" && f.Trigger["topicName"] is not null && !IsDeadLetterPath((string)f.Trigger["subscriptionName"]!))
            .GroupBy(f => (string)f.Trigger["topicName"]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(f => (string)f.Trigger["subscriptionName"]!).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    public Task SendAsync(string entity, string body, CancellationToken cancellationToken) =>
        SendAsync(entity, body, correlationId: null, cancellationToken);

    /// <summary>Sends to a queue, or to a topic: then to each of its subscriptions the app reads, and to "sb-{topic}" for everyone else.</summary>
    public async Task SendAsync(string entity, string body, string? correlationId, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow().UtcTicks < Interlocked.Read(ref _failSendsUntilTicks))
        {
            Interlocked.Increment(ref _refusedSends);
            throw new ServiceBusUnavailableException($"Service Bus stand-in: '{entity}' is unreachable (outage set by FailSendsUntil).");
        }

        var message = new StandInMessage(
            Guid.NewGuid().ToString("N"), body, time.GetUtcNow(), SequenceNumber: Interlocked.Increment(ref s_sequence), CorrelationId: correlationId,
            ContentType: "application/json");
        // Readers outside the app (the OMS on its own subscription) read "sb-{topic}", so it always gets a copy.
        var targets = subscriptions is not null && subscriptions.TryGetValue(entity, out var subs)
            ? subs.Select(sub => EntityPath(null, entity, sub)).Append(entity)
            : [entity];
        foreach (var target in targets)
        {
            await EnqueueAsync(target, message, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Puts a message on an entity path as it is (the dead-letter move keeps its id and properties).</summary>
    public async Task EnqueueAsync(string entityPath, StandInMessage message, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(QueueFor(entityPath));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(JsonSerializer.Serialize(message), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes every message now on the entity (the OMS side reading what the hub sent).</summary>
    public async Task<IReadOnlyList<StandInMessage>> ReceiveAllAsync(string entity, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(QueueFor(entity));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var received = new List<StandInMessage>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                return received;
            }

            foreach (var message in batch)
            {
                received.Add(JsonSerializer.Deserialize<StandInMessage>(message.Body.ToString())!);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>What a send throws while the stand-in plays an outage (<see cref="ServiceBusStandIn.FailSendsUntil"/>).</summary>
public sealed class ServiceBusUnavailableException(string message) : Exception(message);
