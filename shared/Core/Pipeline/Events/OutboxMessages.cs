using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// The durable hand-off from a webhook to the OMS. A forwarded HTTP function cannot have a Service Bus output
/// binding, so each accepted event puts a reference to its inbox row on a Storage queue; the queue-triggered
/// relay (with the Service Bus output) completes the row if needed and publishes its CloudEvent.
///
/// The message is written hidden *before* the inbox row ("reserve") and made visible once the event is complete
/// ("release"); a delivery that finds the row there already deletes its own ("cancel"). If the process dies in
/// between, the message appears by itself after <see cref="ReservationTimeout"/> and the relay finishes the event
/// (or drops the message when its row was never inserted): nothing acknowledged is ever stranded, and nothing
/// depends on a sweep over the tables.
/// </summary>
public sealed class OutboxMessages(HubStorage storage, IOptions<OutageOptions> outage, HubMetrics metrics, TimeProvider time)
{
    /// <summary>How long a reserved message stays hidden (Hub:Outage:OutboxReservation, 30 s by default).</summary>
    public TimeSpan ReservationTimeout => outage.Value.OutboxReservation;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <param name="reference">The inbox row the message names.</param>
    /// <param name="trace">The context of the span that accepted the event: the relay's span continues it.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    public async Task<OutboxReservation> ReserveAsync(InboxRef reference, TraceContext? trace, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(cancellationToken).ConfigureAwait(false);
        var text = Serialize(reference, trace);
        var receipt = await queue.SendMessageAsync(
            text, visibilityTimeout: ReservationTimeout, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
        return new OutboxReservation(receipt.Value.MessageId, receipt.Value.PopReceipt, text);
    }

    /// <summary>Makes the reserved message visible now, so the relay publishes without waiting.</summary>
    public async Task ReleaseAsync(OutboxReservation reservation, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(cancellationToken).ConfigureAwait(false);
        await queue.UpdateMessageAsync(
            reservation.MessageId, reservation.PopReceipt, reservation.Text, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a reserved message that is not needed: its delivery found the event's row already there.</summary>
    public async Task CancelAsync(OutboxReservation reservation, CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(cancellationToken).ConfigureAwait(false);
        await queue.DeleteMessageAsync(reservation.MessageId, reservation.PopReceipt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// How many messages wait (approximately) and how long the oldest has (zero when none): a peek at the head (the queue
    /// is first in, first out) and the queue's properties. The health endpoint and the alert timer ask; the outbox gauges
    /// keep the figures until the next one asks. Reserved messages are not visible, so a webhook still at work is not lag.
    /// </summary>
    public async Task<OutboxLag> MeasureAsync(CancellationToken cancellationToken)
    {
        var queue = await QueueAsync(cancellationToken).ConfigureAwait(false);
        var head = (await queue.PeekMessagesAsync(1, cancellationToken).ConfigureAwait(false)).Value;
        var depth = (await queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        var oldest = head.Length > 0 && head[0].InsertedOn is { } at ? time.GetUtcNow() - at : TimeSpan.Zero;
        var lag = new OutboxLag(depth, oldest < TimeSpan.Zero ? TimeSpan.Zero : oldest);
        metrics.ReportOutbox(lag.Depth, lag.OldestAge);
        return lag;
    }

    /// <summary>The message: the row's keys, and the trace context as a CloudEvent carries it (traceparent, tracestate).</summary>
    public static string Serialize(InboxRef reference, TraceContext? trace = null) =>
        JsonSerializer.Serialize(
            new OutboxMessage(reference.Tenant, reference.Instance, reference.Flow, reference.EventId, trace?.TraceParent, trace?.TraceState), Json);

    /// <summary>The inbox row a message names, or null when the text is not such a message.</summary>
    public static InboxRef? Deserialize(string text)
    {
        try
        {
            var reference = JsonSerializer.Deserialize<InboxRef>(text, Json);
            return reference is { Tenant.Length: > 0, Instance.Length: > 0, Flow.Length: > 0, EventId.Length: > 0 } ? reference : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ValueTask<QueueClient> QueueAsync(CancellationToken cancellationToken) =>
        storage.QueueAsync(storage.OutboxQueueName, cancellationToken);
}

public sealed record OutboxReservation(string MessageId, string PopReceipt, string Text);

/// <summary>The outbox queue now: messages waiting (approximate) and the age of the oldest.</summary>
public sealed record OutboxLag(int Depth, TimeSpan OldestAge);

internal sealed record OutboxMessage(
    string Tenant,
    string Instance,
    string Flow,
    string EventId,
    [property: JsonPropertyName(TraceContext.ParentAttribute)] string? TraceParent,
    [property: JsonPropertyName(TraceContext.StateAttribute)] string? TraceState);
