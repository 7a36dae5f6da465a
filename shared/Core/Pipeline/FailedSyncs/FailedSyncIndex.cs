using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.FailedSyncs;

/// <summary>
/// An index row of an open failed sync (table FailedSyncIndex). The main table is keyed for "everything of one WMS
/// instance" (partition tenant|instance); the questions an operator asks across instances (the oldest failures,
/// everything with reason X, everything of flow Y) would otherwise scan the whole tenant. So each open failed sync
/// also has three small rows, in partitions tenant|age, tenant|reason|R and tenant|flow|F, each ordered by first
/// seen. They are written before the main row changes to open and deleted after it leaves open, so the index is a
/// superset: a reader checks every hit against the main row (one point read) and skips (and removes) stale hits.
/// The trade-off: three extra writes per new failure and per close, one extra read per listed hit, and closed
/// failures are only found through the instance partition or a tenant-wide scan (rare questions).
/// </summary>
public sealed class FailedSyncIndexEntity : ITableEntity
{
    public const string Age = "age";
    public const string Reason = "reason";
    public const string FlowKind = "flow";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Instance { get; set; } = "";

    public string Flow { get; set; } = "";

    public string ReasonCode { get; set; } = "";

    public string MainPartition { get; set; } = "";

    public string MainRow { get; set; } = "";

    public DateTimeOffset FirstSeenAt { get; set; }

    /// <summary>The failure's origin kind and entity (see <see cref="FailedSyncEntity.OriginKind"/>), for the counts per queue.</summary>
    public string? OriginKind { get; set; }

    public string? Origin { get; set; }

    public static string PartitionFor(string tenant, string kind, string? value = null) =>
        value is null ? TableKeys.Join(TableKeys.Escape(tenant), kind) : TableKeys.Join(TableKeys.Escape(tenant), kind, TableKeys.Escape(value));

    public static string RowFor(DateTimeOffset firstSeen, string instance, string mainRow) =>
        TableKeys.Join(TableKeys.OldestFirst(firstSeen), TableKeys.Escape(instance), mainRow);
}

/// <summary>
/// What an operator lists. Without <see cref="Instance"/> the open queue is read through the index (by reason, else
/// flow, else age); with it, the instance's partition. <see cref="OlderThan"/>/<see cref="NewerThan"/> bound the first-seen time.
/// </summary>
public sealed record FailedSyncListQuery(
    string Tenant,
    string? Instance = null,
    string? Flow = null,
    string? ReasonCode = null,
    FailedSyncStatus Status = FailedSyncStatus.Open,
    DateTimeOffset? OlderThan = null,
    DateTimeOffset? NewerThan = null,
    int Take = 50,
    string? Continuation = null);

public sealed record FailedSyncPage(IReadOnlyList<FailedSyncEntity> Items, string? Continuation);

/// <summary>One open failed sync as the age index holds it: enough to count and age it per reason, flow, origin and WMS instance.</summary>
public sealed record OpenFailure(string ReasonCode, DateTimeOffset FirstSeenAt, string Flow, string? OriginKind, string? Origin, string Instance = "")
{
    /// <summary>Captured from a storage queue: by its poison watcher, or refused by the queue's function itself.</summary>
    public bool FromStorageQueue => OriginKind is FailedSyncOriginKind.PoisonQueue or FailedSyncOriginKind.Queue;

    /// <summary>Where it waits, for the counts: the queue or subscription it was captured from, else the flow that recorded it.</summary>
    public (string Kind, string Name) Source => (OriginKind ?? "flow", Origin ?? Flow);

    /// <summary>
    /// A tenant's open failures as the gauges count them: per reason; per storage queue (poisoned or refused by its
    /// function, as the "poisoned" alert counts); per Service Bus subscription whose dead-letter subqueue they came from.
    /// </summary>
    public static OpenFailureCounts Count(IReadOnlyCollection<OpenFailure> open) => new(
        CountBy(open, _ => true, o => o.ReasonCode),
        CountBy(open, o => o.FromStorageQueue, o => o.Source.Name),
        CountBy(open, o => o.OriginKind == FailedSyncOriginKind.DeadLetter, o => o.Source.Name));

    private static Dictionary<string, int> CountBy(IEnumerable<OpenFailure> open, Func<OpenFailure, bool> which, Func<OpenFailure, string> key) =>
        open.Where(which).GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}

/// <summary>How starting a replay went.</summary>
public enum ReplayStart
{
    Started,
    NotFound,
    NotOpen,
    InProgress,
}

public sealed partial class FailedSyncStore
{
    /// <summary>How long a replay holds its failed sync; a replay that died is taken over after it.</summary>
    public static readonly TimeSpan ReplayLease = TimeSpan.FromMinutes(2);

    /// <summary>The operator API's id of a failed sync: its instance and row key, base64url (keys hold '|' and '%').</summary>
    public static string IdOf(FailedSyncEntity entity) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TableKeys.Join(TableKeys.Escape(entity.Instance), entity.RowKey)));

    /// <summary>
    /// The (partition, row key) of an id, or false for an id that cannot be ours: not base64url, no instance and row
    /// parts, or keys the hub never writes (see <see cref="TableKeys.CouldBeKey"/>).
    /// </summary>
    public static bool TryParseId(string tenant, string id, out string partition, out string rowKey)
    {
        partition = rowKey = "";
        if (id.Length is 0 or > 1400)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(id);
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf(TableKeys.Separator, StringComparison.Ordinal);
        if (split <= 0 || split == text.Length - 1)
        {
            return false;
        }

        partition = TableKeys.Join(TableKeys.Escape(tenant), text[..split]);
        rowKey = text[(split + 1)..];
        return TableKeys.CouldBeKey(partition) && TableKeys.CouldBeKey(rowKey); // e.g. a '/' storage would refuse: no such failed sync

    }

    public async Task<FailedSyncEntity?> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        if (!TryParseId(tenant, id, out var partition, out var row))
        {
            return null;
        }

        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<FailedSyncEntity>(partition, row, SummaryColumns, cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>One page of failed syncs, oldest first where the index is used, in key order within an instance.</summary>
    public async Task<FailedSyncPage> ListAsync(FailedSyncListQuery query, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(query.Take, 1, 200);
        if (query.Instance is null && query.Status.IsOpen())
        {
            return await ListOpenThroughIndexAsync(query, take, cancellationToken).ConfigureAwait(false);
        }

        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var filters = new List<string>();
        if (query.Instance is { } instance)
        {
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey eq {FailedSyncEntity.PartitionFor(query.Tenant, instance)}"));
            if (query.Flow is { } flow)
            {
                var prefix = FailedSyncEntity.FlowPrefix(flow);
                filters.Add(TableClient.CreateQueryFilter($"RowKey ge {prefix} and RowKey lt {TableKeys.PrefixEnd(prefix)}"));
            }
        }
        else
        {
            // Closed failures across instances: every partition of the tenant (the rare, slow question).
            var prefix = TableKeys.Escape(query.Tenant) + TableKeys.Separator;
            filters.Add(TableClient.CreateQueryFilter($"PartitionKey ge {prefix} and PartitionKey lt {TableKeys.PrefixEnd(prefix)}"));
            if (query.Flow is { } flow)
            {
                filters.Add(TableClient.CreateQueryFilter($"Flow eq {flow}"));
            }
        }

        filters.Add(TableClient.CreateQueryFilter($"Status eq {query.Status.ToString()}"));
        if (query.ReasonCode is { } reason)
        {
            filters.Add(TableClient.CreateQueryFilter($"ReasonCode eq {reason}"));
        }

        if (query.OlderThan is { } older)
        {
            filters.Add(TableClient.CreateQueryFilter($"FirstSeenAt lt {older}"));
        }

        if (query.NewerThan is { } newer)
        {
            filters.Add(TableClient.CreateQueryFilter($"FirstSeenAt ge {newer}"));
        }

        var pages = table.QueryAsync<FailedSyncEntity>(string.Join(" and ", filters), take, SummaryColumns, cancellationToken).AsPages(query.Continuation, take);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return new FailedSyncPage(page.Values, page.ContinuationToken);
        }

        return new FailedSyncPage([], null);
    }

    /// <summary>
    /// The reason and first-seen time of every open failed sync of a tenant, oldest first, read from the age index
    /// (small rows, one partition: no scan of the failures themselves). A hit whose failure was closed by a process that
    /// died before cleaning the index is counted until a listing removes it. The counts become the gauges' figures: the
    /// alert timer and the health endpoint read this for every tenant, so the gauges never read storage themselves.
    /// </summary>
    public async Task<IReadOnlyList<OpenFailure>> OpenSummaryAsync(string tenant, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(HubTable.FailedSyncIndex, cancellationToken).ConfigureAwait(false);
        var partition = FailedSyncIndexEntity.PartitionFor(tenant, FailedSyncIndexEntity.Age);
        var open = new List<OpenFailure>();
        await foreach (var hit in index.QueryAsync<FailedSyncIndexEntity>(
            e => e.PartitionKey == partition,
            select: [nameof(FailedSyncIndexEntity.PartitionKey), nameof(FailedSyncIndexEntity.RowKey), nameof(FailedSyncIndexEntity.ReasonCode), nameof(FailedSyncIndexEntity.FirstSeenAt),
                nameof(FailedSyncIndexEntity.Flow), nameof(FailedSyncIndexEntity.OriginKind), nameof(FailedSyncIndexEntity.Origin), nameof(FailedSyncIndexEntity.Instance)],
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            open.Add(new OpenFailure(hit.ReasonCode, hit.FirstSeenAt, hit.Flow, hit.OriginKind, hit.Origin, hit.Instance));
        }

        metrics.ReportOpenFailures(tenant, OpenFailure.Count(open));
        return open;
    }

    /// <summary>
    /// Takes an open failed sync for a replay (atomically, under its ETag): a second replay, or one racing this one,
    /// finds it replaying (or no longer open) and does nothing.
    /// </summary>
    public async Task<(ReplayStart Outcome, FailedSyncEntity? Entity)> BeginReplayAsync(string tenant, string id, string actor, CancellationToken cancellationToken)
    {
        var current = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return (ReplayStart.NotFound, null);
        }

        var now = time.GetUtcNow();
        if (current.Status == FailedSyncStatus.Replaying && current.ReplayLeaseUntil > now)
        {
            return (ReplayStart.InProgress, current);
        }

        if (!current.Status.IsOpen())
        {
            return (ReplayStart.NotOpen, current);
        }

        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var update = new TableEntity(current.PartitionKey, current.RowKey)
        {
            [nameof(FailedSyncEntity.Status)] = nameof(FailedSyncStatus.Replaying),
            [nameof(FailedSyncEntity.ReplayLeaseUntil)] = now + ReplayLease,
            [nameof(FailedSyncEntity.StatusBy)] = actor,
            [nameof(FailedSyncEntity.StatusAt)] = now,
            [nameof(FailedSyncEntity.Replays)] = current.Replays + 1,
        };
        try
        {
            var response = await table.UpdateEntityAsync(update, current.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            current.ETag = response.Headers.ETag ?? default;
            current.Status = FailedSyncStatus.Replaying;
            current.Replays++;
            return (ReplayStart.Started, current);
        }
        catch (RequestFailedException changed) when (changed.Status == 412)
        {
            return (ReplayStart.InProgress, current); // another replay (or close) got there first
        }
    }

    /// <summary>
    /// Ends a replay: succeeded, it is <see cref="FailedSyncStatus.Replayed"/> and leaves the index; failed, it is open
    /// again with the reason the replay ran into (which the flow recorded, or <paramref name="failureReason"/>).
    /// </summary>
    public async Task<FailedSyncEntity> FinishReplayAsync(
        FailedSyncEntity replaying, bool succeeded, string? failureReason, string? failureDetail, string actor, string summary, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        for (var race = 0; ; race++)
        {
            var current = (await table.GetEntityAsync<FailedSyncEntity>(replaying.PartitionKey, replaying.RowKey, SummaryColumns, cancellationToken).ConfigureAwait(false)).Value;
            var now = time.GetUtcNow();
            var update = new TableEntity(current.PartitionKey, current.RowKey)
            {
                [nameof(FailedSyncEntity.Status)] = (succeeded ? FailedSyncStatus.Replayed : FailedSyncStatus.Open).ToString(),
                [nameof(FailedSyncEntity.StatusBy)] = actor,
                [nameof(FailedSyncEntity.StatusAt)] = now,
                [nameof(FailedSyncEntity.StatusReason)] = Excerpt(summary, 500),
                [nameof(FailedSyncEntity.ReplayLeaseUntil)] = null,
            };
            if (!succeeded && failureReason is not null)
            {
                update[nameof(FailedSyncEntity.ReasonCode)] = failureReason;
                update[nameof(FailedSyncEntity.Detail)] = Excerpt(failureDetail ?? failureReason);
                update[nameof(FailedSyncEntity.LastSeenAt)] = now;
                current.ReasonCode = failureReason;
            }

            try
            {
                if (!succeeded)
                {
                    await WriteIndexAsync(current, cancellationToken).ConfigureAwait(false);
                }

                await table.UpdateEntityAsync(update, current.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                if (succeeded)
                {
                    await DeleteIndexAsync(current, cancellationToken).ConfigureAwait(false);
                }

                return (await table.GetEntityAsync<FailedSyncEntity>(current.PartitionKey, current.RowKey, SummaryColumns, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException changed) when (changed.Status == 412 && race < 5)
            {
                // the flow recorded the failure again meanwhile: read again
            }
        }
    }

    /// <summary>Resolves or ignores an open failed sync with the operator's reason; false when it is not open (or changed meanwhile).</summary>
    public async Task<(bool Closed, FailedSyncEntity? Entity)> CloseAsync(
        string tenant, string id, FailedSyncStatus status, string reason, string actor, CancellationToken cancellationToken)
    {
        var current = await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return (false, null);
        }

        if (current.Status != FailedSyncStatus.Open && !(current.Status == FailedSyncStatus.Replaying && current.ReplayLeaseUntil <= time.GetUtcNow()))
        {
            return (false, current);
        }

        var table = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        try
        {
            await table.UpdateEntityAsync(
                new TableEntity(current.PartitionKey, current.RowKey)
                {
                    [nameof(FailedSyncEntity.Status)] = status.ToString(),
                    [nameof(FailedSyncEntity.StatusReason)] = reason,
                    [nameof(FailedSyncEntity.StatusBy)] = actor,
                    [nameof(FailedSyncEntity.StatusAt)] = now,
                },
                current.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException changed) when (changed.Status == 412)
        {
            return (false, await GetAsync(tenant, id, cancellationToken).ConfigureAwait(false));
        }

        await DeleteIndexAsync(current, cancellationToken).ConfigureAwait(false);
        current.Status = status;
        current.StatusReason = reason;
        current.StatusBy = actor;
        current.StatusAt = now;
        return (true, current);
    }

    /// <summary>Every column but the body chunks: listing and viewing never carry the original messages around.</summary>
    private static readonly IReadOnlyList<string> SummaryColumns =
    [
        nameof(FailedSyncEntity.PartitionKey), nameof(FailedSyncEntity.RowKey), nameof(FailedSyncEntity.Tenant), nameof(FailedSyncEntity.Instance), nameof(FailedSyncEntity.Direction), nameof(FailedSyncEntity.Flow),
        nameof(FailedSyncEntity.EntityType), nameof(FailedSyncEntity.EntityId), nameof(FailedSyncEntity.MessageId), nameof(FailedSyncEntity.ReasonCode),
        nameof(FailedSyncEntity.Detail), nameof(FailedSyncEntity.CorrelationId), nameof(FailedSyncEntity.FirstSeenAt), nameof(FailedSyncEntity.LastSeenAt),
        nameof(FailedSyncEntity.Attempts), nameof(FailedSyncEntity.Status), nameof(FailedSyncEntity.BodyChunks), nameof(FailedSyncEntity.StatusReason),
        nameof(FailedSyncEntity.StatusBy), nameof(FailedSyncEntity.StatusAt), nameof(FailedSyncEntity.ReplayLeaseUntil), nameof(FailedSyncEntity.Replays),
        nameof(FailedSyncEntity.OriginKind), nameof(FailedSyncEntity.Origin), nameof(FailedSyncEntity.DeliveryCount), nameof(FailedSyncEntity.DeadLetterReason),
        nameof(FailedSyncEntity.DeadLetterDescription), nameof(FailedSyncEntity.RetryGeneration),
    ];

    private async Task<FailedSyncPage> ListOpenThroughIndexAsync(FailedSyncListQuery query, int take, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(HubTable.FailedSyncIndex, cancellationToken).ConfigureAwait(false);
        var main = await storage.TableAsync(HubTable.FailedSyncs, cancellationToken).ConfigureAwait(false);
        var partition = query.ReasonCode is { } r ? FailedSyncIndexEntity.PartitionFor(query.Tenant, FailedSyncIndexEntity.Reason, r)
            : query.Flow is { } f ? FailedSyncIndexEntity.PartitionFor(query.Tenant, FailedSyncIndexEntity.FlowKind, f)
            : FailedSyncIndexEntity.PartitionFor(query.Tenant, FailedSyncIndexEntity.Age);
        var filters = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {partition}") };
        if (query.NewerThan is { } newer)
        {
            filters.Add(TableClient.CreateQueryFilter($"RowKey ge {TableKeys.OldestFirst(newer)}"));
        }

        if (query.OlderThan is { } older)
        {
            filters.Add(TableClient.CreateQueryFilter($"RowKey lt {TableKeys.OldestFirst(older)}"));
        }

        if (query.ReasonCode is not null && query.Flow is { } flow)
        {
            filters.Add(TableClient.CreateQueryFilter($"Flow eq {flow}"));
        }

        var pages = index.QueryAsync<FailedSyncIndexEntity>(string.Join(" and ", filters), take, cancellationToken: cancellationToken).AsPages(query.Continuation, take);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            var rows = await Task.WhenAll(page.Values.Select(async hit =>
            {
                var found = await main.GetEntityIfExistsAsync<FailedSyncEntity>(hit.MainPartition, hit.MainRow, SummaryColumns, cancellationToken).ConfigureAwait(false);
                var entity = found.HasValue ? found.Value : null;
                var current = entity is not null && entity.Status == query.Status
                    && (query.ReasonCode is null || entity.ReasonCode == query.ReasonCode)
                    && entity.FirstSeenAt == hit.FirstSeenAt;
                if (entity is null || !entity.Status.IsOpen() || entity.FirstSeenAt != hit.FirstSeenAt
                    || (query.ReasonCode is not null && entity.ReasonCode != query.ReasonCode))
                {
                    await TryDeleteAsync(index, hit, cancellationToken).ConfigureAwait(false); // stale: the failure left the open queue, changed reason, or was never new
                }

                return current ? entity : null;
            })).ConfigureAwait(false);
            return new FailedSyncPage(rows.OfType<FailedSyncEntity>().ToArray(), page.ContinuationToken);
        }

        return new FailedSyncPage([], null);
    }

    private static async Task TryDeleteAsync(TableClient index, FailedSyncIndexEntity hit, CancellationToken cancellationToken)
    {
        try
        {
            await index.DeleteEntityAsync(hit.PartitionKey, hit.RowKey, hit.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException)
        {
            // gone or rewritten meanwhile: fine either way
        }
    }

    private static IEnumerable<FailedSyncIndexEntity> IndexRows(FailedSyncEntity entity)
    {
        var row = FailedSyncIndexEntity.RowFor(entity.FirstSeenAt, entity.Instance, entity.RowKey);
        foreach (var partition in new[]
        {
            FailedSyncIndexEntity.PartitionFor(entity.Tenant, FailedSyncIndexEntity.Age),
            FailedSyncIndexEntity.PartitionFor(entity.Tenant, FailedSyncIndexEntity.Reason, entity.ReasonCode),
            FailedSyncIndexEntity.PartitionFor(entity.Tenant, FailedSyncIndexEntity.FlowKind, entity.Flow),
        })
        {
            yield return new FailedSyncIndexEntity
            {
                PartitionKey = partition, RowKey = row, Instance = entity.Instance, Flow = entity.Flow, ReasonCode = entity.ReasonCode,
                MainPartition = entity.PartitionKey, MainRow = entity.RowKey, FirstSeenAt = entity.FirstSeenAt, OriginKind = entity.OriginKind, Origin = entity.Origin,
            };
        }
    }

    private async Task WriteIndexAsync(FailedSyncEntity entity, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(HubTable.FailedSyncIndex, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(IndexRows(entity).Select(row => index.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken))).ConfigureAwait(false);
    }

    private async Task DeleteIndexAsync(FailedSyncEntity entity, CancellationToken cancellationToken)
    {
        var index = await storage.TableAsync(HubTable.FailedSyncIndex, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(IndexRows(entity).Select(async row =>
        {
            try
            {
                await index.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException missing) when (missing.Status == 404)
            {
                // already gone
            }
        })).ConfigureAwait(false);
    }

    private static FailedSyncEntity IndexView(TableEntity existing, string reason) => new()
    {
        PartitionKey = existing.PartitionKey,
        RowKey = existing.RowKey,
        Tenant = existing.GetString(nameof(FailedSyncEntity.Tenant)) ?? "",
        Instance = existing.GetString(nameof(FailedSyncEntity.Instance)) ?? "",
        Flow = existing.GetString(nameof(FailedSyncEntity.Flow)) ?? "",
        ReasonCode = reason,
        FirstSeenAt = existing.GetDateTimeOffset(nameof(FailedSyncEntity.FirstSeenAt)) ?? default,
        OriginKind = existing.GetString(nameof(FailedSyncEntity.OriginKind)),
        Origin = existing.GetString(nameof(FailedSyncEntity.Origin)),
    };
}
