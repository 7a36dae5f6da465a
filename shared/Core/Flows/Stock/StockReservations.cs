using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Stock;

/// <summary>
/// Quantity of one SKU held for one open pick slip (or order) in one location: a projection, rewritten from the
/// slip's stored state after every event, deleted when nothing is open. Reserved = the sum of a SKU's rows. Kept in
/// the location's Stock partition (row "resv|{sku}|{source}|{id}") so a hold commits in one batch with its snapshot.
/// </summary>
public sealed class StockReservationEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Sku { get; set; } = "";

    public string Source { get; set; } = "";

    public string ReferenceId { get; set; } = "";

    public long Quantity { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string RowPrefixFor(string sku) => "resv|" + TableKeys.Escape(sku) + "|";

    public static string RowFor(string sku, string source, string referenceId) =>
        RowPrefixFor(sku) + TableKeys.Join(TableKeys.Escape(source), TableKeys.Escape(referenceId));
}

/// <summary>
/// What a decider needs of one SKU in one location: on hand, what open slips and orders hold of it, and the ETag of
/// the snapshot both were read against (null when the SKU has no snapshot there), to hand back to
/// <see cref="StockReservations.TryReserveAsync"/>.
/// </summary>
public sealed record ReservableStock(long OnHand, long Reserved, ETag? SnapshotETag);

/// <summary>
/// The holds of open pick slips and channel orders on a location's stock. They live beside the snapshots (same
/// partition), so a hold can commit together with a no-op write of its snapshot: that moves the snapshot's ETag, and
/// a decider who read availability before the hold has to decide again.
/// </summary>
public sealed class StockReservations(HubStorage storage, StockLedger ledger, TimeProvider time)
{
    /// <summary>On hand and reserved of one SKU in one location, with the snapshot's ETag a reservation is checked against.</summary>
    public async Task<ReservableStock> ReservableAsync(string tenant, string warehouse, string sku, CancellationToken cancellationToken)
    {
        var snapshot = await ledger.GetSnapshotAsync(tenant, warehouse, sku, cancellationToken).ConfigureAwait(false);
        var reserved = await ReservedAsync(tenant, warehouse, sku, cancellationToken).ConfigureAwait(false);
        return new ReservableStock(snapshot?.OnHand ?? 0, reserved, snapshot?.ETag);
    }

    /// <summary>
    /// Sets what one open pick slip (or order) holds of each SKU in one location; 0 removes the hold. A hold also makes a
    /// no-op write of its SKU's snapshot (any ETag), so a channel order that read availability before it must decide
    /// again (<see cref="TryReserveAsync"/>).
    /// </summary>
    public async Task SetReservationsAsync(
        string tenant, string warehouse, string source, string referenceId, IReadOnlyDictionary<string, long> openBySku, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
        var partition = StockSnapshotEntity.PartitionFor(tenant, warehouse);
        var now = time.GetUtcNow();
        var bySku = openBySku.Select(pair => pair.Value > 0
            ? new[]
            {
                Hold(partition, pair.Key, source, referenceId, pair.Value, now),
                new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(partition, StockSnapshotEntity.RowFor(pair.Key)), ETag.All),
            }
            : [new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, StockReservationEntity.RowFor(pair.Key, source, referenceId)), ETag.All)]);
        foreach (var chunk in bySku.Chunk(50))
        {
            try
            {
                await table.SubmitTransactionAsync(chunk.SelectMany(a => a), cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException missing) when (missing.Status == 404)
            {
                // Deleting a hold that is already gone, or holding a SKU with no snapshot: apply the rest one by one.
                foreach (var action in chunk.SelectMany(a => a))
                {
                    try
                    {
                        await (action.ActionType switch
                        {
                            TableTransactionActionType.Delete => table.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, cancellationToken),
                            TableTransactionActionType.UpdateMerge => table.UpdateEntityAsync(action.Entity, ETag.All, TableUpdateMode.Merge, cancellationToken),
                            _ => table.UpsertEntityAsync(action.Entity, TableUpdateMode.Replace, cancellationToken),
                        }).ConfigureAwait(false);
                    }
                    catch (RequestFailedException gone) when (gone.Status == 404 && action.ActionType != TableTransactionActionType.UpsertReplace)
                    {
                    }
                }
            }
        }
    }

    /// <summary>
    /// Sets what an order holds of each SKU in one location only if none of those SKUs' snapshots moved since
    /// availability was read from them (<paramref name="snapshotETags"/>): each hold commits in one batch with a
    /// no-op merge of its snapshot under that ETag, which also moves the ETag, so two deciders that read the same
    /// figure cannot both reserve it (batches of 50 SKUs). False = a snapshot moved (stock changed or another order
    /// reserved): nothing of that batch is written, though earlier batches may have been; release the order's holds,
    /// read availability again and decide again.
    /// </summary>
    public async Task<bool> TryReserveAsync(
        string tenant, string warehouse, string source, string referenceId, IReadOnlyDictionary<string, long> unitsBySku,
        IReadOnlyDictionary<string, ETag> snapshotETags, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
        var partition = StockSnapshotEntity.PartitionFor(tenant, warehouse);
        var now = time.GetUtcNow();
        foreach (var chunk in unitsBySku.Where(u => u.Value > 0).Chunk(50))
        {
            var actions = chunk.SelectMany(pair => new[]
            {
                new TableTransactionAction(
                    TableTransactionActionType.UpdateMerge,
                    new TableEntity(partition, StockSnapshotEntity.RowFor(pair.Key)),
                    snapshotETags.TryGetValue(pair.Key, out var etag) ? etag : throw new ArgumentException($"No snapshot ETag for {pair.Key}.", nameof(snapshotETags))),
                Hold(partition, pair.Key, source, referenceId, pair.Value, now),
            }).ToList();
            try
            {
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException moved) when (moved.Status is 412 or 404)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What open pick slips (and orders) hold of a SKU in one location.</summary>
    public async Task<long> ReservedAsync(string tenant, string warehouse, string sku, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Stock, cancellationToken).ConfigureAwait(false);
        var partition = StockSnapshotEntity.PartitionFor(tenant, warehouse);
        var prefix = StockReservationEntity.RowPrefixFor(sku);
        long reserved = 0;
        await foreach (var hold in table.QueryAsync<StockReservationEntity>(
            r => r.PartitionKey == partition && r.RowKey.CompareTo(prefix) >= 0 && r.RowKey.CompareTo(TableKeys.PrefixEnd(prefix)) < 0,
            select: ["Quantity"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            reserved += hold.Quantity;
        }

        return reserved;
    }

    private static TableTransactionAction Hold(string partition, string sku, string source, string referenceId, long quantity, DateTimeOffset now) =>
        new(TableTransactionActionType.UpsertReplace, new StockReservationEntity
        {
            PartitionKey = partition,
            RowKey = StockReservationEntity.RowFor(sku, source, referenceId),
            Sku = sku,
            Source = source,
            ReferenceId = referenceId,
            Quantity = quantity,
            UpdatedAt = now,
        });
}
