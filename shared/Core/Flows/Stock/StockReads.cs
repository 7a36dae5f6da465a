using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Stock;

/// <summary>
/// One SKU's snapshot in one location as one WMS instance sees it: on hand per area of that instance (the
/// "{instance}:" sync marker left out) and when the snapshot last moved.
/// </summary>
public sealed record InstanceSnapshot(string Warehouse, string Sku, IReadOnlyDictionary<string, long> Areas, DateTimeOffset UpdatedAt);

/// <summary>
/// The reads that explain stock rather than change it: a location's snapshots in key order, for comparing them with a
/// WMS's listing, and a SKU's movements, newest first. <see cref="StockLedger.GetSnapshotAsync"/> answers one SKU.
/// </summary>
public sealed class StockReads(HubStorage storage)
{
    // One client for every read: the reconciliation reads a SKU's movements for each difference, and a TableClient
    // built per call (HubStorage.TableAsync makes a new one each time) costs more than the read's own objects.
    private TableClient? _stock;

    /// <summary>
    /// Every snapshot of one location in row-key order (which is SKU order for SKUs the table keys need not escape),
    /// streamed 1,000 a page with only the columns the comparison needs, so a location of any size is never held in
    /// memory at once.
    /// </summary>
    public async IAsyncEnumerable<InstanceSnapshot> SnapshotsAsync(
        string tenant, string warehouse, string instance, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stock = await TableAsync(cancellationToken).ConfigureAwait(false);
        var areaPrefix = StockLedger.InstanceArea(instance);
        var partition = StockSnapshotEntity.PartitionFor(tenant, warehouse);
        var low = StockSnapshotEntity.RowPrefix;
        var high = TableKeys.PrefixEnd(low);
        var snapshots = stock.QueryAsync<StockSnapshotEntity>(
            s => s.PartitionKey == partition && s.RowKey.CompareTo(low) >= 0 && s.RowKey.CompareTo(high) < 0,
            maxPerPage: 1000,
            select: [nameof(StockSnapshotEntity.Sku), nameof(StockSnapshotEntity.Areas), nameof(StockSnapshotEntity.UpdatedAt)],
            cancellationToken: cancellationToken);
        await foreach (var snapshot in snapshots.ConfigureAwait(false))
        {
            var areas = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (area, figure) in StockLedger.ReadAreas(snapshot))
            {
                if (area.StartsWith(areaPrefix, StringComparison.Ordinal) && area.Length > areaPrefix.Length)
                {
                    areas[area] = figure.OnHand;
                }
            }

            yield return new InstanceSnapshot(warehouse, snapshot.Sku, areas, snapshot.UpdatedAt);
        }
    }

    /// <summary>
    /// Newest first: every movement of a SKU in one location applied at or after <paramref name="since"/> (when given),
    /// and at least the newest <paramref name="atLeast"/>; read 100 a page and stopped as soon as both hold.
    /// </summary>
    public async Task<IReadOnlyList<StockMovementEntity>> MovementsSinceAsync(
        string tenant, string warehouse, string sku, DateTimeOffset? since, int atLeast, CancellationToken cancellationToken)
    {
        var stock = await TableAsync(cancellationToken).ConfigureAwait(false);
        var partition = StockSnapshotEntity.PartitionFor(tenant, warehouse);
        var prefix = StockMovementEntity.RowPrefixFor(sku);
        var high = TableKeys.PrefixEnd(prefix);
        var found = new List<StockMovementEntity>();
        await foreach (var move in stock.QueryAsync<StockMovementEntity>(
            m => m.PartitionKey == partition && m.RowKey.CompareTo(prefix) >= 0 && m.RowKey.CompareTo(high) < 0,
            maxPerPage: 100,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (found.Count >= atLeast && (since is null || move.AppliedAt < since))
            {
                break;
            }

            found.Add(move);
        }

        return found;
    }

    private async ValueTask<TableClient> TableAsync(CancellationToken cancellationToken) =>
        _stock ??= await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
}
