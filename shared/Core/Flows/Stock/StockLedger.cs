using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Stock;

public enum StockChangeKind
{
    /// <summary>Add a signed quantity to on hand.</summary>
    Adjust,

    /// <summary>Set on hand to a counted quantity (overlay).</summary>
    Count,

    /// <summary>
    /// Set the total of all of the event's instance's areas in the OMS location to a quantity, booking the
    /// difference from their current on hand into this area; a count of each of those areas at that time.
    /// </summary>
    Sync,
}

/// <summary>
/// One change an inbound event makes to one SKU in one OMS location (<paramref name="Warehouse"/>), in one WMS
/// area of it (<paramref name="Area"/>, "{instance}:{WMS location code}").
/// </summary>
public sealed record StockChange(string Warehouse, string Area, string Sku, StockChangeKind Kind, long Quantity);

/// <summary>
/// What a change did: the delta made to on hand (0 when superseded by a later count of its area) and the
/// location's on hand after it.
/// </summary>
public sealed record StockChangeResult(
    string Warehouse,
    string Area,
    string Sku,
    long Quantity,
    long OnHandAfter,
    bool Applied,
    DateTimeOffset? SupersededByCountAt);

/// <summary>On hand of one WMS area and when it was last counted; kept per snapshot in <see cref="StockSnapshotEntity.Areas"/>.</summary>
public sealed class AreaStock
{
    public long OnHand { get; set; }

    public DateTimeOffset? LastCountAt { get; set; }
}

/// <summary>The event behind a set of changes: its identity makes the changes apply exactly once.</summary>
public sealed record StockEventRef(
    string Tenant,
    string Instance,
    string Flow,
    string EventId,
    DateTimeOffset OccurredAt,
    string Transaction,
    string? ReasonCode);

/// <summary>
/// Applies an event's stock changes exactly once. Per OMS location, one transactional batch adds the event
/// marker (409 = this event was applied here already: its stored results are returned), replaces each touched
/// snapshot under its ETag (412 = someone else moved it: read again and retry) and adds the history rows.
/// A movement that happened before the last count of its WMS area is already inside that count, so it is
/// recorded as superseded and changes nothing: late events never move stock backwards.
/// </summary>
public sealed partial class StockLedger(HubStorage storage, TimeProvider time, ILogger<StockLedger> logger)
{
    private static readonly ResiliencePipeline ConflictRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<ConcurrentStockUpdateException>(),
            MaxRetryAttempts = 15,
            Delay = TimeSpan.FromMilliseconds(4),
            MaxDelay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    private readonly KeyedLock _writers = new();

    public async Task<IReadOnlyList<StockChangeResult>> ApplyAsync(
        StockEventRef ev, IReadOnlyList<StockChange> changes, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
        var results = new StockChangeResult[changes.Count];
        var byLocation = changes
            .Select((change, index) => new IndexedChange(index, change))
            .GroupBy(c => StockSnapshotEntity.PartitionFor(ev.Tenant, c.Change.Warehouse), StringComparer.Ordinal);

        foreach (var location in byLocation)
        {
            var state = new PartitionWork(this, table, ev, location.Key, location.ToArray());
            using var serialized = await _writers.AcquireAsync(
                state.Changes.Select(c => location.Key + TableKeys.Separator + c.Change.Sku), cancellationToken).ConfigureAwait(false);
            var applied = await ConflictRetry.ExecuteAsync(
                static (work, ct) => work.Ledger.ApplyPartitionAsync(work, ct), state, cancellationToken).ConfigureAwait(false);
            foreach (var (index, result) in applied)
            {
                results[index] = result;
            }
        }

        return results;
    }

    /// <summary>On hand of one SKU in one location now (null when the hub holds no snapshot of it there). <see cref="StockReads"/> reads many.</summary>
    public async Task<StockSnapshotEntity?> GetSnapshotAsync(string tenant, string warehouse, string sku, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
        var snapshot = await table.GetEntityIfExistsAsync<StockSnapshotEntity>(
            StockSnapshotEntity.PartitionFor(tenant, warehouse), StockSnapshotEntity.RowFor(sku), cancellationToken: cancellationToken).ConfigureAwait(false);
        return snapshot.HasValue ? snapshot.Value : null;
    }

    private async ValueTask<IReadOnlyList<IndexedResult>> ApplyPartitionAsync(PartitionWork work, CancellationToken cancellationToken)
    {
        var (_, table, ev, partitionKey, changes) = work;
        var appliedAt = time.GetUtcNow();

        var snapshots = new Dictionary<string, (StockSnapshotEntity Entity, Dictionary<string, AreaStock> Areas, bool Exists, bool Touched)>(StringComparer.Ordinal);
        foreach (var sku in changes.Select(c => c.Change.Sku).Distinct(StringComparer.Ordinal))
        {
            var found = await table.GetEntityIfExistsAsync<StockSnapshotEntity>(
                partitionKey, StockSnapshotEntity.RowFor(sku), cancellationToken: cancellationToken).ConfigureAwait(false);
            snapshots[sku] = found.HasValue
                ? (found.Value!, ReadAreas(found.Value!), true, false)
                : (new StockSnapshotEntity
                {
                    PartitionKey = partitionKey,
                    RowKey = StockSnapshotEntity.RowFor(sku),
                    Tenant = ev.Tenant,
                    Warehouse = changes.First(c => c.Change.Sku == sku).Change.Warehouse,
                    Sku = sku,
                }, new Dictionary<string, AreaStock>(StringComparer.Ordinal), false, false);
        }

        var results = new List<IndexedResult>(changes.Count);
        foreach (var (index, change) in changes)
        {
            var (snapshot, areas, exists, touched) = snapshots[change.Sku];
            var area = areas.TryGetValue(change.Area, out var known) ? known : areas[change.Area] = new AreaStock();

            // A sync speaks for every area of its instance here, and for the instance as a whole ("{instance}:", on
            // hand 0), so that an area the instance first reports later still counts as synced at that time.
            var whole = InstanceArea(ev.Instance);
            if (change.Kind == StockChangeKind.Sync && !areas.ContainsKey(whole))
            {
                areas[whole] = new AreaStock();
            }

            IReadOnlyList<AreaStock> scope = change.Kind == StockChangeKind.Sync
                ? areas.Where(a => a.Key.StartsWith(whole, StringComparison.Ordinal)).Select(a => a.Value).ToList()
                : areas.TryGetValue(whole, out var synced) ? [area, synced] : [area];
            StockChangeResult result;
            if (scope.Max(a => a.LastCountAt) is { } countedAt && ev.OccurredAt < countedAt)
            {
                // A count only ever moves LastCountAt forward, so "superseded" cannot turn wrong before we commit.
                result = new StockChangeResult(change.Warehouse, change.Area, change.Sku, 0, snapshot.OnHand, false, countedAt);
            }
            else
            {
                var delta = change.Kind switch
                {
                    StockChangeKind.Count => change.Quantity - area.OnHand,
                    StockChangeKind.Sync => change.Quantity - scope.Sum(a => a.OnHand),
                    _ => change.Quantity,
                };
                area.OnHand += delta;
                snapshot.OnHand += delta;
                if (change.Kind == StockChangeKind.Count)
                {
                    area.LastCountAt = ev.OccurredAt;
                }
                else if (change.Kind == StockChangeKind.Sync)
                {
                    foreach (var counted in scope)
                    {
                        counted.LastCountAt = ev.OccurredAt;
                    }
                }

                touched = true;
                result = new StockChangeResult(change.Warehouse, change.Area, change.Sku, delta, snapshot.OnHand, true, null);
            }

            snapshots[change.Sku] = (snapshot, areas, exists, touched);
            results.Add(new IndexedResult(index, result));
        }

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new StockEventMarkerEntity
            {
                PartitionKey = partitionKey,
                RowKey = StockEventMarkerEntity.RowFor(ev.Instance, ev.Flow, ev.EventId),
                Results = JsonSerializer.Serialize(results, StockJson.Options),
                AppliedAt = appliedAt,
            }),
        };

        foreach (var (snapshot, areas, exists, _) in snapshots.Values.Where(s => s.Touched))
        {
            snapshot.Areas = JsonSerializer.Serialize(areas, StockJson.Options);
            snapshot.Version++;
            snapshot.LastEventId = ev.EventId;
            snapshot.UpdatedAt = appliedAt;
            actions.Add(exists
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, snapshot, snapshot.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, snapshot));
        }

        foreach (var (index, result) in results)
        {
            var change = changes.First(c => c.Index == index).Change;
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, new StockMovementEntity
            {
                PartitionKey = partitionKey,
                RowKey = StockMovementEntity.RowFor(change.Sku, appliedAt, ev.Instance, ev.EventId, index),
                Sku = change.Sku,
                Area = change.Area,
                Instance = ev.Instance,
                Flow = ev.Flow,
                EventId = ev.EventId,
                Transaction = ev.Transaction,
                ReasonCode = ev.ReasonCode,
                Kind = change.Kind.ToString(),
                Requested = change.Quantity,
                Quantity = result.Quantity,
                OnHandAfter = result.OnHandAfter,
                Applied = result.Applied,
                OccurredAt = ev.OccurredAt,
                AppliedAt = appliedAt,
            }));
        }

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return results;
        }
        catch (TableTransactionFailedException failure) when (failure.Status == 409 && failure.FailedTransactionActionIndex == 0)
        {
            // The marker exists: this event was applied to this location before. Answer what it did then.
            var marker = await table.GetEntityAsync<StockEventMarkerEntity>(
                partitionKey, StockEventMarkerEntity.RowFor(ev.Instance, ev.Flow, ev.EventId), cancellationToken: cancellationToken).ConfigureAwait(false);
            LogAlreadyApplied(logger, ev.EventId, ev.Instance, partitionKey);
            return JsonSerializer.Deserialize<List<IndexedResult>>(marker.Value.Results, StockJson.Options)!;
        }
        catch (TableTransactionFailedException failure) when (failure.Status is 409 or 412)
        {
            // A snapshot moved (412) or was created (409) under us: read again and recompute.
            throw new ConcurrentStockUpdateException(failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} from {Instance} was already applied to {Partition}")]
    private static partial void LogAlreadyApplied(ILogger logger, string eventId, string instance, string partition);

    /// <summary>The key under which a snapshot records when an instance last synced the whole location (never a real area: codes are not empty).</summary>
    public static string InstanceArea(string instance) => instance + ":";

    public static Dictionary<string, AreaStock> ReadAreas(StockSnapshotEntity snapshot) =>
        JsonSerializer.Deserialize<Dictionary<string, AreaStock>>(snapshot.Areas, StockJson.Options)
        ?? new Dictionary<string, AreaStock>(StringComparer.Ordinal);

    private sealed record PartitionWork(
        StockLedger Ledger, TableClient Table, StockEventRef Event, string PartitionKey, IReadOnlyList<IndexedChange> Changes);

    private readonly record struct IndexedChange(int Index, StockChange Change);

    internal readonly record struct IndexedResult(int Index, StockChangeResult Result);
}

/// <summary>Another writer changed a snapshot between read and write; retried with fresh reads.</summary>
public sealed class ConcurrentStockUpdateException(Exception inner)
    : Exception("A stock snapshot changed while an event was being applied.", inner);

internal static class StockJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
