using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace WmsFunctions.LocalHost;

/// <summary>A message as the Service Bus stand-in keeps it: the body plus the broker properties a trigger sees.</summary>
public sealed record StandInMessage(
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("body")] string Body,
    [property: JsonPropertyName("enqueuedTimeUtc")] DateTimeOffset EnqueuedTimeUtc,
    [property: JsonPropertyName("applicationProperties")] Dictionary<string, string>? ApplicationProperties = null);

/// <summary>
/// Service Bus entities played by Azurite queues (no Service Bus emulator runs here): an entity "x" is the queue
/// "sb-x". What the handler outputs lands there and can be read back, by tests and by the demo.
/// </summary>
public sealed class ServiceBusStandIn(QueueServiceClient queues, TimeProvider time)
{
    public static string QueueFor(string entity)
    {
        var name = "sb-" + new string(entity.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return name.Length > 63 ? name[..63] : name;
    }

    public async Task SendAsync(string entity, string body, CancellationToken cancellationToken)
    {
        var queue = queues.GetQueueClient(QueueFor(entity));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var message = new StandInMessage(Guid.NewGuid().ToString("N"), body, time.GetUtcNow());
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
