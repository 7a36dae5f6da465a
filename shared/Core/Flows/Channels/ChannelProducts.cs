using System.Collections.Concurrent;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// The marketplace's product id of a SKU, which every stock update needs. Looked up once by SKU and kept (memory and
/// table). A SKU the marketplace does not know, or knows under several products, is refused and flagged in the
/// failed-sync queue: guessing a product would move the wrong stock. Refusals are not remembered, so a fix on the
/// marketplace side is picked up by the next update.
/// </summary>
public sealed class ChannelProducts(HubStorage storage, MarketplaceAdapters adapters, FailedSyncStore failedSyncs)
{
    /// <summary>Failed syncs of stock for the marketplaces (a product lookup, an Absolute or Relative update refused).</summary>
    public const string StockFlow = "channel-stock";

    /// <summary>Failed syncs of shipments reported to the marketplaces.</summary>
    public const string ShipmentsFlow = "channel-shipments";

    /// <summary>The failed sync of a SKU's product lookup (one per SKU and channel; its message id).</summary>
    public const string LookupMessage = "product-lookup";

    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    public async Task<string?> ResolveAsync(Channel channel, string sku, string correlationId, CancellationToken cancellationToken)
    {
        var cacheKey = channel.Key + "|" + sku;
        if (_known.TryGetValue(cacheKey, out var cached))
        {
            return cached;
        }

        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<ChannelProductEntity>(
            ChannelKeys.Partition(channel.Tenant), ChannelKeys.Product(channel.Id, sku), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (row.HasValue)
        {
            return _known[cacheKey] = row.Value!.ProductId;
        }

        var ids = await adapters.For(channel).FindProductIdsAsync(channel, sku, cancellationToken).ConfigureAwait(false);
        if (ids.Count != 1)
        {
            var reason = ids.Count == 0 ? "sku-not-on-marketplace" : "sku-not-unique";
            var detail = ids.Count == 0
                ? $"SKU {sku} has no product on channel {channel.Id}; its stock is not sent there."
                : $"SKU {sku} is carried by {ids.Count} products on channel {channel.Id} ({string.Join(", ", ids.Take(5))}); its stock is not sent there until the SKU is unique.";
            await failedSyncs.RecordAsync(
                new FailedSync(channel.Tenant, channel.InstanceName, FailedSyncDirection.HubToMarketplace, StockFlow, "sku", sku, LookupMessage, reason, detail, correlationId, ""),
                cancellationToken).ConfigureAwait(false);
            return null;
        }

        await table.UpsertEntityAsync(
            new ChannelProductEntity { PartitionKey = ChannelKeys.Partition(channel.Tenant), RowKey = ChannelKeys.Product(channel.Id, sku), ProductId = ids[0] },
            Azure.Data.Tables.TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        return _known[cacheKey] = ids[0];
    }
}
