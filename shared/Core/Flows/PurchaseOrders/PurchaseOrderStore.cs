using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PurchaseOrders;

/// <summary>
/// The hub's copy of the OMS's purchase orders (layout in <see cref="PurchaseOrderHeaderEntity"/>'s file), kept by
/// the outbound PO flow and read by the PO receipt flow (<see cref="FindLineAsync"/>). A version is applied only
/// over an older one. Header and lines commit in one transactional batch when they fit (up to 99 lines); a larger
/// PO writes its lines first and the header, the version guard, last.
/// </summary>
public sealed class PurchaseOrderStore(HubStorage storage, TimeProvider time)
{
    private const int BatchLimit = 100;

    public async Task<bool> ApplyAsync(string tenant, PurchaseOrderChanged po, bool cancelled, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.PurchaseOrders, cancellationToken).ConfigureAwait(false);
        var partition = PurchaseOrderHeaderEntity.PartitionFor(tenant, po.PoNumber!);
        for (var race = 0; race < 8; race++)
        {
            var existing = await table.GetEntityIfExistsAsync<PurchaseOrderHeaderEntity>(partition, PurchaseOrderHeaderEntity.HeaderRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing.HasValue && existing.Value!.Version >= po.Version)
            {
                return false;
            }

            var now = time.GetUtcNow();
            var header = new PurchaseOrderHeaderEntity
            {
                PartitionKey = partition,
                Tenant = tenant,
                PoNumber = po.PoNumber!,
                VendorId = po.VendorId,
                Warehouse = po.Warehouse!,
                Status = cancelled ? PurchaseOrderStatus.Cancelled : PurchaseOrderStatus.Open,
                Version = po.Version!.Value,
                UpdatedAt = now,
                ExpectedDate = Date(po.ExpectedDate),
            };

            var lines = (po.Lines ?? []).ToDictionary(l => l.LineNumber!.Value);
            var actions = new List<TableTransactionAction>();
            foreach (var line in lines.Values.OrderBy(l => l.LineNumber))
            {
                var eaches = line.EachesPerUnit ?? 1;
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new PurchaseOrderLineEntity
                {
                    PartitionKey = partition,
                    RowKey = PurchaseOrderLineEntity.RowFor(line.LineNumber!.Value),
                    LineNumber = line.LineNumber.Value,
                    Sku = line.Sku!,
                    OrderedQuantity = line.Quantity!.Value,
                    UnitOfMeasure = line.UnitOfMeasure!,
                    EachesPerUnit = eaches,
                    ExpectedQuantity = checked(line.Quantity.Value * eaches),
                    ExpectedDate = Date(line.ExpectedDate ?? po.ExpectedDate),
                    Status = cancelled || line.Cancelled == true ? PurchaseOrderStatus.Cancelled : PurchaseOrderStatus.Open,
                }));
            }

            // Lines the OMS no longer lists are cancelled, not deleted: a receipt may already point at them.
            var prefix = PurchaseOrderLineEntity.RowPrefix;
            await foreach (var old in table.QueryAsync<PurchaseOrderLineEntity>(
                l => l.PartitionKey == partition && l.RowKey.CompareTo(prefix) >= 0 && l.RowKey.CompareTo(TableKeys.PrefixEnd(prefix)) < 0,
                select: ["RowKey", "LineNumber"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (!lines.ContainsKey(old.LineNumber))
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(partition, old.RowKey)
                    {
                        [nameof(PurchaseOrderLineEntity.Status)] = PurchaseOrderStatus.Cancelled.ToString(),
                    }));
                }
            }

            actions.Add(existing.HasValue
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, header, existing.Value!.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, header));
            try
            {
                // Lines first, the header (the version guard) in the last batch.
                foreach (var batch in actions.Chunk(BatchLimit))
                {
                    await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                }

                return true;
            }
            catch (TableTransactionFailedException raced) when (raced.Status is 409 or 412)
            {
                // Another delivery of this PO committed first: compare against its version.
            }
        }

        throw new InvalidOperationException($"Purchase order {tenant}/{po.PoNumber} kept changing; the host will deliver the message again.");
    }

    /// <summary>The PO header and line as the hub last had them from the OMS (null when it has none).</summary>
    public async Task<(PurchaseOrderHeaderEntity? Header, PurchaseOrderLineEntity? Line)> FindLineAsync(
        string tenant, string poNumber, int lineNumber, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.PurchaseOrders, cancellationToken).ConfigureAwait(false);
        var partition = PurchaseOrderHeaderEntity.PartitionFor(tenant, poNumber);
        var header = await table.GetEntityIfExistsAsync<PurchaseOrderHeaderEntity>(partition, PurchaseOrderHeaderEntity.HeaderRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!header.HasValue)
        {
            return (null, null);
        }

        var line = await table.GetEntityIfExistsAsync<PurchaseOrderLineEntity>(partition, PurchaseOrderLineEntity.RowFor(lineNumber), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (header.Value, line.HasValue ? line.Value : null);
    }

    /// <summary>The hub's copy of a PO by SKU: OMS SKU -> its first open line number (null when the PO is unknown; X12 receipts name no line).</summary>
    public async Task<IReadOnlyDictionary<string, int>?> LineNumbersBySkuAsync(string tenant, string poNumber, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.PurchaseOrders, cancellationToken).ConfigureAwait(false);
        var partition = PurchaseOrderHeaderEntity.PartitionFor(tenant, poNumber);
        var found = false;
        var lines = new List<PurchaseOrderLineEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            found = true;
            if (row.RowKey.StartsWith(PurchaseOrderLineEntity.RowPrefix, StringComparison.Ordinal))
            {
                lines.Add(new PurchaseOrderLineEntity
                {
                    LineNumber = row.GetInt32(nameof(PurchaseOrderLineEntity.LineNumber)) ?? 0,
                    Sku = row.GetString(nameof(PurchaseOrderLineEntity.Sku)) ?? "",
                    Status = row.GetString(nameof(PurchaseOrderLineEntity.Status)) is { } status ? Enum.Parse<PurchaseOrderStatus>(status) : PurchaseOrderStatus.Open,
                });
            }
        }

        return found
            ? lines.OrderBy(l => l.Status == PurchaseOrderStatus.Open ? 0 : 1).ThenBy(l => l.LineNumber)
                .GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().LineNumber, StringComparer.Ordinal)
            : null;
    }

    private static DateTimeOffset? Date(DateOnly? date) =>
        date is { } d ? new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
}
