using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Storage;

namespace WmsFunctions.Items;

/// <summary>An OMS item as the hub knows it (filled by the item download flow).</summary>
public sealed class ItemEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string Sku { get; set; } = "";

    public string Description { get; set; } = "";

    public bool Active { get; set; } = true;

    public static string PartitionFor(string tenant) => TableKeys.Escape(tenant);

    public static string RowFor(string sku) => TableKeys.Escape(sku);
}

/// <summary>
/// Answers "does the OMS know this SKU?" for the inbound flows. Known SKUs are remembered for a few minutes;
/// unknown ones are always asked again, so an item downloaded a second ago is accepted at once.
/// </summary>
public sealed class ItemCatalog(HubStorage storage, TimeProvider time)
{
    private static readonly TimeSpan RememberFor = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string Tenant, string Sku), DateTimeOffset> _known = new();

    public async Task<bool> ExistsAsync(string tenant, string sku, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue((tenant, sku), out var until) && until > now)
        {
            return true;
        }

        var table = await storage.TableAsync(HubTable.Items, cancellationToken).ConfigureAwait(false);
        var item = await table.GetEntityIfExistsAsync<ItemEntity>(
            ItemEntity.PartitionFor(tenant), ItemEntity.RowFor(sku), select: ["Sku"], cancellationToken).ConfigureAwait(false);
        if (!item.HasValue)
        {
            return false;
        }

        _known[(tenant, sku)] = now + RememberFor;
        return true;
    }

    public async Task UpsertAsync(string tenant, string sku, string description, bool active, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Items, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(
            new ItemEntity
            {
                PartitionKey = ItemEntity.PartitionFor(tenant),
                RowKey = ItemEntity.RowFor(sku),
                Tenant = tenant,
                Sku = sku,
                Description = description,
                Active = active,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }
}
