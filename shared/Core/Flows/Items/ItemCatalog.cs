using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Items;

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

    /// <summary>The OMS's version of the item last applied (0: put in by hand, e.g. seeded).</summary>
    public long Version { get; set; }

    /// <summary>The OMS unit of measure of one item (EA unless it says otherwise).</summary>
    public string? UnitOfMeasure { get; set; }

    /// <summary>Its GTINs (14 digits each, check digits verified), space-separated, for look-ups by barcode.</summary>
    public string? Gtins { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

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

    /// <summary>
    /// Applies an item from the OMS's item download unless the catalog already holds that version or a newer
    /// one (an older message arriving late never overwrites a newer one). Returns whether it was applied.
    /// </summary>
    public async Task<bool> ApplyAsync(ItemEntity item, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Items, cancellationToken).ConfigureAwait(false);
        item.PartitionKey = ItemEntity.PartitionFor(item.Tenant);
        item.RowKey = ItemEntity.RowFor(item.Sku);
        for (var race = 0; race < 8; race++)
        {
            var existing = await table.GetEntityIfExistsAsync<ItemEntity>(item.PartitionKey, item.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!existing.HasValue)
                {
                    await table.AddEntityAsync(item, cancellationToken).ConfigureAwait(false);
                }
                else if (existing.Value!.Version >= item.Version)
                {
                    return false;
                }
                else
                {
                    await table.UpdateEntityAsync(item, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                _known[(item.Tenant, item.Sku)] = time.GetUtcNow() + RememberFor;
                return true;
            }
            catch (RequestFailedException raced) when (raced.Status is 409 or 412)
            {
                // another delivery of this item wrote first: compare against its version
            }
        }

        throw new InvalidOperationException($"Item {item.Tenant}/{item.Sku} kept changing; the host will deliver the message again.");
    }

    public async Task<ItemEntity?> GetAsync(string tenant, string sku, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Items, cancellationToken).ConfigureAwait(false);
        var item = await table.GetEntityIfExistsAsync<ItemEntity>(ItemEntity.PartitionFor(tenant), ItemEntity.RowFor(sku), cancellationToken: cancellationToken).ConfigureAwait(false);
        return item.HasValue ? item.Value : null;
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
