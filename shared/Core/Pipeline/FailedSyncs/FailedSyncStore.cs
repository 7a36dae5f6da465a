using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.FailedSyncs;

public static class FailedSyncDirection
{
    public const string OmsToWms = "oms-to-wms";
    public const string WmsToOms = "wms-to-oms";
    public const string MarketplaceToOms = "marketplace-to-oms";
    public const string HubToMarketplace = "hub-to-marketplace";
}

/// <summary>Where a failed sync stands (stored by name; the operator API spells it in lower case).</summary>
public enum FailedSyncStatus
{
    /// <summary>Waiting for a person: listed, counted by the alerts, replayable.</summary>
    Open,

    /// <summary>An operator's replay is running (under a lease, so a replay that died is taken over).</summary>
    Replaying,

    /// <summary>Replayed successfully: the original message went through.</summary>
    Replayed,

    /// <summary>Closed by an operator: fixed by other means (the reason says how).</summary>
    Resolved,

    /// <summary>Closed by an operator: deliberately not synchronised (the reason says why).</summary>
    Ignored,
}

public static class FailedSyncStatuses
{
    /// <summary>Still a person's to deal with (kept in the index tables).</summary>
    public static bool IsOpen(this FailedSyncStatus status) => status is FailedSyncStatus.Open or FailedSyncStatus.Replaying;

    /// <summary>As the operator API spells it: open, replaying, replayed, resolved, ignored.</summary>
    public static string Name(this FailedSyncStatus status) => StateNames.Of(status);

    /// <summary>A status by its name, in any case (never by number).</summary>
    public static bool TryParse(string name, out FailedSyncStatus status) => StateNames.TryParse(name, StringComparison.OrdinalIgnoreCase, out status);
}

/// <summary>
/// Something that could not be synchronised and will not get better by retrying: a malformed message, a code
/// without a mapping, a WMS that refused the document (its answer, truncated), a WMS that stayed unreachable
/// until the message was about to dead-letter. <see cref="Body"/> is the original message for a replay: it is
/// stored, never logged.
/// </summary>
public sealed record FailedSync(
    string Tenant,
    string Instance,
    string Direction,
    string Flow,
    string EntityType,
    string EntityId,
    string MessageId,
    string ReasonCode,
    string Detail,
    string? CorrelationId,
    string Body,
    FailedSyncOrigin? Origin = null);

/// <summary>Where a captured message was taken from (see docs/failures.md).</summary>
public static class FailedSyncOriginKind
{
    /// <summary>Refused by the queue function itself (it can never succeed): recorded at once, no retries.</summary>
    public const string Queue = "queue";

    /// <summary>Taken from a storage queue's <c>{queue}-poison</c> queue by its watcher.</summary>
    public const string PoisonQueue = "poison-queue";

    /// <summary>Taken from a Service Bus subscription's (or queue's) dead-letter subqueue by its watcher.</summary>
    public const string DeadLetter = "dead-letter";
}

/// <summary>
/// The queue or subscription a failed message came from, as its watcher saw it: <see cref="Entity"/> is the source
/// queue's name or the subscription's entity path (<c>{topic}/Subscriptions/{subscription}</c>); the delivery (or
/// dequeue) count, Service Bus's dead-letter reason and description when it gave them, and how many generations of
/// the retry schedule the message went through.
/// </summary>
public sealed record FailedSyncOrigin(
    string Kind, string Entity, int? DeliveryCount = null, string? DeadLetterReason = null, string? DeadLetterDescription = null, int? RetryGeneration = null);

/// <summary>
/// One failed sync per (tenant, instance, flow, entity, message id). Partition: tenant|instance, so "everything
/// that failed for this WMS" is one partition; row: flow|entity|message id, so a flow is a key range.
/// </summary>
public sealed class FailedSyncEntity : ITableEntity
{
    /// <summary>Table Storage keeps at most 64 KiB per string property: the body is split over Body0..BodyN.</summary>
    public const int BodyChunkChars = 30_000;

    public const int MaxDetailChars = 1_000;

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string Instance { get; set; } = "";

    public string Direction { get; set; } = "";

    public string Flow { get; set; } = "";

    public string EntityType { get; set; } = "";

    public string EntityId { get; set; } = "";

    public string MessageId { get; set; } = "";

    public string ReasonCode { get; set; } = "";

    public string Detail { get; set; } = "";

    public string? CorrelationId { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public int Attempts { get; set; }

    public FailedSyncStatus Status { get; set; } = FailedSyncStatus.Open;

    public int BodyChunks { get; set; }

    /// <summary>Why it was resolved, ignored or replayed (the operator's reason).</summary>
    public string? StatusReason { get; set; }

    /// <summary>Who changed the status last (the acting operator).</summary>
    public string? StatusBy { get; set; }

    public DateTimeOffset? StatusAt { get; set; }

    /// <summary>While <see cref="FailedSyncStatus.Replaying"/>: until when the replay holds it.</summary>
    public DateTimeOffset? ReplayLeaseUntil { get; set; }

    /// <summary>Replays started by operators.</summary>
    public int Replays { get; set; }

    /// <summary>Where the message was captured (<see cref="FailedSyncOriginKind"/>); null for failures a flow recorded itself.</summary>
    public string? OriginKind { get; set; }

    /// <summary>The source queue, or the subscription's entity path.</summary>
    public string? Origin { get; set; }

    public int? DeliveryCount { get; set; }

    public string? DeadLetterReason { get; set; }

    public string? DeadLetterDescription { get; set; }

    public int? RetryGeneration { get; set; }

    public static string PartitionFor(string tenant, string instance) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(instance));

    public static string FlowPrefix(string flow) => TableKeys.Escape(flow) + TableKeys.Separator;

    public static string RowFor(string flow, string entityId, string messageId) =>
        TableKeys.Join(TableKeys.Escape(flow), TableKeys.Escape(entityId), TableKeys.Escape(messageId));
}

/// <summary>Which failed syncs to list: one WMS instance, optionally one flow, a time window and a reason.</summary>
public sealed record FailedSyncQuery(
    string Tenant,
    string Instance,
    string? Flow = null,
    DateTimeOffset? FirstSeenFrom = null,
    DateTimeOffset? FirstSeenTo = null,
    string? ReasonCode = null,
    FailedSyncStatus? Status = null);

public sealed partial class FailedSyncStore(HubStorage storage, TimeProvider time, FailedSyncFlows flows, HubMetrics metrics)
{
    /// <summary>Instance name for a message that failed before it could be routed to any WMS instance.</summary>
    public const string Unrouted = "_unrouted";

    /// <summary>Tenant name for a message whose tenant could not be read or is not configured.</summary>
    public const string UnknownTenant = "_unknown";

    /// <summary>
    /// Records the failure, or, when the same message failed for the same instance before, counts another
    /// attempt and keeps the latest reason and detail. Safe under concurrent and repeated calls. A flow nobody declared
    /// (<see cref="FailedSyncFlows"/>) is a programming error: refused, so nothing unreplayable by oversight is stored.
    /// </summary>
    public async Task<FailedSyncEntity> RecordAsync(FailedSync failure, CancellationToken cancellationToken)
    {
        if (!flows.TryGet(failure.Flow, out _))
        {
            throw new InvalidOperationException($"Flow '{failure.Flow}' is not declared as a failed-sync flow (AddFailedSyncFlow): decide its replay path first.");
        }

        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var entity = ToEntity(failure, now);
        var row = WithBody(entity, failure.Body);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await WriteIndexAsync(entity, cancellationToken).ConfigureAwait(false); // before the row: the index is a superset
                await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                return entity;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                // Seen before: count the attempt under the row's ETag.
            }

            var existing = (await table.GetEntityAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (existing.GetDateTimeOffset(nameof(FailedSyncEntity.FirstSeenAt)) != entity.FirstSeenAt)
            {
                await DeleteIndexAsync(entity, cancellationToken).ConfigureAwait(false); // the rows written for a first sighting that was not one
            }

            var update = new TableEntity(entity.PartitionKey, entity.RowKey)
            {
                [nameof(FailedSyncEntity.ReasonCode)] = entity.ReasonCode,
                [nameof(FailedSyncEntity.Detail)] = entity.Detail,
                [nameof(FailedSyncEntity.LastSeenAt)] = now,
                [nameof(FailedSyncEntity.Attempts)] = (existing.GetInt32(nameof(FailedSyncEntity.Attempts)) ?? 0) + 1,
            };

            // Failing again reopens it (a replay that failed, a resolved message that came back); a running replay decides itself.
            if (existing.GetString(nameof(FailedSyncEntity.Status)) != nameof(FailedSyncStatus.Replaying))
            {
                update[nameof(FailedSyncEntity.Status)] = nameof(FailedSyncStatus.Open);
            }

            var reopened = IndexView(existing, entity.ReasonCode);
            try
            {
                await WriteIndexAsync(reopened, cancellationToken).ConfigureAwait(false);
                await table.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return (await table.GetEntityAsync<FailedSyncEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException changed) when (changed.Status == 412 && attempt < 5)
            {
                // Someone recorded the same failure at the same moment: read again.
            }
        }
    }

    /// <summary>
    /// Records a message a watcher captured (a poison or dead-letter message) exactly once: the same message seen
    /// again (a redelivery of the watcher's own trigger) finds its record and changes nothing, so neither a second
    /// record nor a second attempt. Returns the record and whether this call created it.
    /// </summary>
    public async Task<(FailedSyncEntity Entity, bool Created)> CaptureAsync(FailedSync failure, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(failure, time.GetUtcNow());
        var existing = await table.GetEntityIfExistsAsync<FailedSyncEntity>(entity.PartitionKey, entity.RowKey, SummaryColumns, cancellationToken).ConfigureAwait(false);
        if (existing.HasValue)
        {
            return (existing.Value!, false);
        }

        try
        {
            await WriteIndexAsync(entity, cancellationToken).ConfigureAwait(false); // before the row: the index is a superset
            await table.AddEntityAsync(WithBody(entity, failure.Body), cancellationToken).ConfigureAwait(false);
            return (entity, true);
        }
        catch (RequestFailedException conflict) when (conflict.Status == 409)
        {
            await DeleteIndexAsync(entity, cancellationToken).ConfigureAwait(false); // a racing capture wrote the row (with its own first-seen time)
            return ((await table.GetEntityAsync<FailedSyncEntity>(entity.PartitionKey, entity.RowKey, SummaryColumns, cancellationToken).ConfigureAwait(false)).Value, false);
        }
    }

    /// <summary>
    /// The failed syncs a flow already recorded for one message (its CloudEvent id) in any instance of the tenant: a scan
    /// of the tenant's partitions, for the rare dead letter whose failure its flow recorded before it died.
    /// </summary>
    public async Task<IReadOnlyList<FailedSyncEntity>> FindByMessageAsync(string tenant, string flow, string messageId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var prefix = TableKeys.Escape(tenant) + TableKeys.Separator;
        var filter = TableClient.CreateQueryFilter(
            $"PartitionKey ge {prefix} and PartitionKey lt {TableKeys.PrefixEnd(prefix)} and Flow eq {flow} and MessageId eq {messageId}");
        var found = new List<FailedSyncEntity>();
        await foreach (var row in table.QueryAsync<FailedSyncEntity>(filter, select: SummaryColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(row);
        }

        return found;
    }

    /// <summary>Adds where the message was captured to a failed sync its flow recorded (the columns only: nothing else changes).</summary>
    public async Task<FailedSyncEntity> AddOriginAsync(FailedSyncEntity failed, FailedSyncOrigin origin, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var update = new TableEntity(failed.PartitionKey, failed.RowKey)
        {
            [nameof(FailedSyncEntity.OriginKind)] = origin.Kind,
            [nameof(FailedSyncEntity.Origin)] = origin.Entity,
            [nameof(FailedSyncEntity.DeliveryCount)] = origin.DeliveryCount,
            [nameof(FailedSyncEntity.DeadLetterReason)] = origin.DeadLetterReason is { } reason ? Excerpt(reason, 200) : null,
            [nameof(FailedSyncEntity.DeadLetterDescription)] = origin.DeadLetterDescription is { } description ? Excerpt(description) : null,
        };
        await table.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        return (await table.GetEntityAsync<FailedSyncEntity>(failed.PartitionKey, failed.RowKey, SummaryColumns, cancellationToken).ConfigureAwait(false)).Value;
    }

    public async Task<IReadOnlyList<FailedSyncEntity>> QueryAsync(FailedSyncQuery query, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var filters = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {FailedSyncEntity.PartitionFor(query.Tenant, query.Instance)}") };
        if (query.Flow is { } flow)
        {
            var prefix = FailedSyncEntity.FlowPrefix(flow);
            filters.Add(TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {TableKeys.PrefixEnd(prefix)}"));
        }

        if (query.FirstSeenFrom is { } from)
        {
            filters.Add(TableClient.CreateQueryFilter($"FirstSeenAt ge {from}"));
        }

        if (query.FirstSeenTo is { } to)
        {
            filters.Add(TableClient.CreateQueryFilter($"FirstSeenAt lt {to}"));
        }

        if (query.ReasonCode is { } reason)
        {
            filters.Add(TableClient.CreateQueryFilter($"ReasonCode eq {reason}"));
        }

        if (query.Status is { } status)
        {
            filters.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        var found = new List<FailedSyncEntity>();
        await foreach (var row in table.QueryAsync<FailedSyncEntity>(string.Join(" and ", filters), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found.Add(row);
        }

        return found;
    }

    /// <summary>The original message of a failed sync, for a replay.</summary>
    public async Task<string?> ReadBodyAsync(string tenant, string instance, string rowKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(FailedSyncEntity.PartitionFor(tenant, instance), rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue)
        {
            return null;
        }

        var entity = row.Value!;
        var chunks = entity.GetInt32(nameof(FailedSyncEntity.BodyChunks)) ?? 0;
        var body = new StringBuilder();
        for (var i = 0; i < chunks; i++)
        {
            body.Append(entity.GetString(BodyProperty(i)));
        }

        return body.ToString();
    }

    public static string Excerpt(string text, int max = FailedSyncEntity.MaxDetailChars) =>
        text.Length <= max ? text : text[..(max - 3)] + "...";

    private static string BodyProperty(int index) => "Body" + index.ToString(CultureInfo.InvariantCulture);

    private static TableEntity WithBody(FailedSyncEntity entity, string body)
    {
        var row = new TableEntity(entity.PartitionKey, entity.RowKey)
        {
            [nameof(FailedSyncEntity.Tenant)] = entity.Tenant,
            [nameof(FailedSyncEntity.Instance)] = entity.Instance,
            [nameof(FailedSyncEntity.Direction)] = entity.Direction,
            [nameof(FailedSyncEntity.Flow)] = entity.Flow,
            [nameof(FailedSyncEntity.EntityType)] = entity.EntityType,
            [nameof(FailedSyncEntity.EntityId)] = entity.EntityId,
            [nameof(FailedSyncEntity.MessageId)] = entity.MessageId,
            [nameof(FailedSyncEntity.ReasonCode)] = entity.ReasonCode,
            [nameof(FailedSyncEntity.Detail)] = entity.Detail,
            [nameof(FailedSyncEntity.CorrelationId)] = entity.CorrelationId,
            [nameof(FailedSyncEntity.FirstSeenAt)] = entity.FirstSeenAt,
            [nameof(FailedSyncEntity.LastSeenAt)] = entity.LastSeenAt,
            [nameof(FailedSyncEntity.Attempts)] = entity.Attempts,
            [nameof(FailedSyncEntity.Status)] = entity.Status.ToString(),
            [nameof(FailedSyncEntity.OriginKind)] = entity.OriginKind,
            [nameof(FailedSyncEntity.Origin)] = entity.Origin,
            [nameof(FailedSyncEntity.DeliveryCount)] = entity.DeliveryCount,
            [nameof(FailedSyncEntity.DeadLetterReason)] = entity.DeadLetterReason,
            [nameof(FailedSyncEntity.DeadLetterDescription)] = entity.DeadLetterDescription,
            [nameof(FailedSyncEntity.RetryGeneration)] = entity.RetryGeneration,
        };
        var chunks = 0;
        for (var offset = 0; offset < body.Length; offset += FailedSyncEntity.BodyChunkChars, chunks++)
        {
            row[BodyProperty(chunks)] = body.Substring(offset, Math.Min(FailedSyncEntity.BodyChunkChars, body.Length - offset));
        }

        row[nameof(FailedSyncEntity.BodyChunks)] = chunks;
        entity.BodyChunks = chunks;
        return row;
    }

    private static FailedSyncEntity ToEntity(FailedSync failure, DateTimeOffset now)
    {
        var entity = new FailedSyncEntity
        {
            PartitionKey = FailedSyncEntity.PartitionFor(failure.Tenant, failure.Instance),
            RowKey = FailedSyncEntity.RowFor(failure.Flow, failure.EntityId, failure.MessageId),
            Tenant = failure.Tenant,
            Instance = failure.Instance,
            Direction = failure.Direction,
            Flow = failure.Flow,
            EntityType = failure.EntityType,
            EntityId = failure.EntityId,
            MessageId = failure.MessageId,
            ReasonCode = failure.ReasonCode,
            Detail = Excerpt(failure.Detail),
            CorrelationId = failure.CorrelationId,
            FirstSeenAt = now,
            LastSeenAt = now,
            Attempts = 1,
            Status = FailedSyncStatus.Open,
            OriginKind = failure.Origin?.Kind,
            Origin = failure.Origin?.Entity,
            DeliveryCount = failure.Origin?.DeliveryCount,
            DeadLetterReason = failure.Origin?.DeadLetterReason is { } reason ? Excerpt(reason, 200) : null,
            DeadLetterDescription = failure.Origin?.DeadLetterDescription is { } description ? Excerpt(description) : null,
            RetryGeneration = failure.Origin?.RetryGeneration,
        };
        return entity;
    }
}
