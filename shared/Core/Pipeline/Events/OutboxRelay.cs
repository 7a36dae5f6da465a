using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// Moves an accepted inbound event on to the OMS: finishes it if its webhook died half-way, writes its audit
/// entry (idempotent) and returns the CloudEvent for the Service Bus output. Runs under the host's retries: a
/// failure here (or of the output, which the host sends after the answer) brings the queue message back, and after
/// maxDequeueCount it lands in the poison queue, whose watcher puts it back on the outbox queue on the retry
/// schedule (docs/failures.md) and only after a day makes it a failed sync for a person.
/// Handing the CloudEvent to the output ends the event's journey through the hub: the end-to-end lag is measured here.
/// </summary>
public sealed partial class OutboxRelay(
    InboxStore inbox, EventPipeline pipeline, AuditLog audit, HubMetrics metrics, TimeProvider time, ILogger<OutboxRelay> logger)
{
    /// <param name="reference">The inbox row the message names.</param>
    /// <param name="messageId">The queue message's id, to tell the row's own message from a stray one (null: not known).</param>
    /// <param name="cancellationToken">The invocation's token.</param>
    public async Task<IReadOnlyList<string>> RelayAsync(InboxRef reference, string? messageId, CancellationToken cancellationToken)
    {
        var record = await inbox.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            // A reservation whose insert never happened (storage failed, the deadline passed or the process died between
            // the two): nothing was accepted, so there is nothing to publish and the message goes.
            LogNoInboxRow(logger, reference.Flow, reference.EventId, reference.Tenant, reference.Instance);
            return [];
        }

        using var fields = LogFields.Begin(logger, record.Tenant, record.Instance, record.Flow, record.EventId, record.CorrelationId);
        if (IsStray(record, messageId))
        {
            // Another message names this row: a reservation the SDK sent again while storage stalled, or one whose
            // delivery found the row and could not delete it. The row's own message publishes it; this one goes.
            LogStray(logger, record.Flow, record.EventId, record.Tenant, record.Instance);
            return [];
        }

        var finishedHere = record.Status != InboxStatus.Applied;
        record = await pipeline.CompleteAsync(record, cancellationToken).ConfigureAwait(false);
        if (IsStray(record, messageId))
        {
            // A redelivery of the event took the row over while this relay finished it: its message publishes it.
            LogStray(logger, record.Flow, record.EventId, record.Tenant, record.Instance);
            return [];
        }

        if (finishedHere)
        {
            LogFinishedByRelay(logger, record.Flow, record.EventId, record.Tenant, record.Instance);
        }

        var appliedAt = record.AppliedAt ?? record.ReceivedAt;
        await audit.WriteAsync(
            new AuditEntry(
                record.Tenant,
                appliedAt,
                record.Flow,
                record.Outcome ?? "applied",
                Instance: record.Instance,
                EntityType: "event",
                EntityId: record.EventId,
                EventId: record.EventId,
                CorrelationId: record.CorrelationId,
                Summary: record.AuditSummary,
                DurationMs: (appliedAt - record.ReceivedAt).TotalMilliseconds),
            TableKeyFor(record),
            cancellationToken).ConfigureAwait(false);

        if (record.OmsEvent is null)
        {
            return [];
        }

        if (OmsEvent.TimeOf(record.OmsEvent) is { } occurredAt)
        {
            metrics.EventPublished(record.Tenant, record.Instance, record.Flow, time.GetUtcNow() - occurredAt);
        }

        return [record.OmsEvent];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message for {Flow} event {EventId} of {Tenant}/{Instance} has no inbox row (its insert never happened): dropped")]
    private static partial void LogNoInboxRow(ILogger logger, string flow, string eventId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox message for {Flow} event {EventId} of {Tenant}/{Instance} is not the one its inbox row names: dropped")]
    private static partial void LogStray(ILogger logger, string flow, string eventId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay finished {Flow} event {EventId} of {Tenant}/{Instance} that its webhook left unfinished")]
    private static partial void LogFinishedByRelay(ILogger logger, string flow, string eventId, string tenant, string instance);

    /// <summary>Whether the row names another message than this one (unknown id: a message back from the retry schedule).</summary>
    private static bool IsStray(InboxEntity record, string? messageId) =>
        messageId is not null && record.OutboxMessageId is { } owner && !string.Equals(owner, messageId, StringComparison.Ordinal);

    private static string TableKeyFor(InboxEntity record) => $"{record.Instance}|{record.Flow}|{record.EventId}";
}
