using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Events;

/// <summary>Where an inbox row stands (stored by name).</summary>
public enum InboxStatus
{
    /// <summary>Accepted and durable; its effects may be partly applied. The outbox relay finishes it if nobody else does.</summary>
    Received,

    /// <summary>Every effect applied; the answer and the OMS event are stored and never change again.</summary>
    Applied,
}

/// <summary>
/// One inbound event from one WMS instance, keyed by (tenant, instance, flow, event id): the atomic insert of
/// this row is the de-duplication, and the row carries everything needed to finish the event after a crash.
/// </summary>
public sealed class InboxEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string Instance { get; set; } = "";

    public string Flow { get; set; } = "";

    public string EventId { get; set; } = "";

    /// <summary>Hex SHA-256 of the canonical request: the same id with another body is refused.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>The flow's validated, mapped command (JSON), applied from here and never re-mapped.</summary>
    public string Command { get; set; } = "";

    public string CorrelationId { get; set; } = "";

    /// <summary>
    /// The outbox message that finishes and publishes this event: the reservation of the delivery that inserted the
    /// row (or of the delivery that took over a lost one). Any other message naming the row is a stray (a reservation
    /// the SDK retried while storage stalled, landing later) and publishes nothing. Null on rows older than this field.
    /// </summary>
    public string? OutboxMessageId { get; set; }

    /// <summary>The W3C context of the span that accepted the event (the WMS's trace when it sent one): where its journey is traced.</summary>
    public string? TraceParent { get; set; }

    public string? TraceState { get; set; }

    public InboxStatus Status { get; set; } = InboxStatus.Received;

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }

    /// <summary>"applied", "superseded", ...: what the event did, for the audit log.</summary>
    public string? Outcome { get; set; }

    public int? ResponseStatus { get; set; }

    public string? ResponseBody { get; set; }

    /// <summary>The CloudEvent bound for the OMS (JSON), identical on every publication.</summary>
    public string? OmsEvent { get; set; }

    public string? AuditSummary { get; set; }

    public static string PartitionFor(string tenant, string instance) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(instance));

    public static string RowFor(string flow, string eventId) => TableKeys.Join(flow, TableKeys.Escape(eventId));
}

/// <summary>Where an inbox row lives; also the body of the outbox message that completes and publishes it.</summary>
public sealed record InboxRef(string Tenant, string Instance, string Flow, string EventId)
{
    public static InboxRef Of(InboxEntity entity) => new(entity.Tenant, entity.Instance, entity.Flow, entity.EventId);
}

public sealed class InboxStore(HubStorage storage)
{
    /// <summary>Inserts the row, or returns the one already there (Created = false) when the event id was seen.</summary>
    public async Task<(InboxEntity Entity, bool Created)> AddOrGetAsync(InboxEntity entity, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Inbox, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            return (entity, true);
        }
        catch (RequestFailedException conflict) when (conflict.Status == 409)
        {
            var existing = await table.GetEntityAsync<InboxEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (existing.Value, false);
        }
    }

    public async Task<InboxEntity?> FindAsync(InboxRef reference, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Inbox, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<InboxEntity>(
            InboxEntity.PartitionFor(reference.Tenant, reference.Instance),
            InboxEntity.RowFor(reference.Flow, reference.EventId),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>
    /// Stores the outcome under the row's ETag. If another worker finished the same event first, its stored
    /// outcome wins and is returned, so every caller answers and publishes the same thing.
    /// </summary>
    public async Task<InboxEntity> MarkAppliedAsync(InboxEntity entity, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Inbox, cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            entity.ETag = response.Headers.ETag ?? default;
            return entity;
        }
        catch (RequestFailedException conflict) when (conflict.Status == 412)
        {
            var current = (await table.GetEntityAsync<InboxEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (current.Status == InboxStatus.Applied)
            {
                return current;
            }

            throw;
        }
    }
}
