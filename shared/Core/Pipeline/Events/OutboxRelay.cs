using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Audit;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// Moves an accepted inbound event on to the OMS: finishes it if its webhook died half-way, writes its audit
/// entry (idempotent) and returns the CloudEvent for the Service Bus output. Runs under the host's retries: a
/// failure here is answered 500, the queue message comes back, and after maxDequeueCount it lands in the
/// poison queue for a person.
/// </summary>
public sealed partial class OutboxRelay(InboxStore inbox, EventPipeline pipeline, AuditLog audit, ILogger<OutboxRelay> logger)
{
    public async Task<IReadOnlyList<string>> RelayAsync(InboxRef reference, CancellationToken cancellationToken)
    {
        var record = await inbox.FindAsync(reference, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            // Cannot happen by construction (the row is written before the message); say so loudly, publish nothing.
            LogNoInboxRow(logger, reference.Flow, reference.EventId, reference.Tenant, reference.Instance);
            return [];
        }

        var finishedHere = record.Status != InboxStatus.Applied;
        record = await pipeline.CompleteAsync(record, cancellationToken).ConfigureAwait(false);
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

        return record.OmsEvent is null ? [] : [record.OmsEvent];
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message for {Flow} event {EventId} of {Tenant}/{Instance} has no inbox row")]
    private static partial void LogNoInboxRow(ILogger logger, string flow, string eventId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relay finished {Flow} event {EventId} of {Tenant}/{Instance} that its webhook left unfinished")]
    private static partial void LogFinishedByRelay(ILogger logger, string flow, string eventId, string tenant, string instance);

    private static string TableKeyFor(InboxEntity record) => $"{record.Instance}|{record.Flow}|{record.EventId}";
}
