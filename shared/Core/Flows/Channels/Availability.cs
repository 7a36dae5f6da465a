using Azure;
using WmsFunctions.Flows.Stock;

namespace WmsFunctions.Flows.Channels;

/// <summary>One warehouse's figures behind a SKU's availability.</summary>
public sealed record WarehouseAvailability(string Warehouse, long OnHand, long Reserved, long SafetyStock, long AvailableToSell);

/// <summary>What one channel may sell of a SKU: in total and per marketplace distribution centre.</summary>
public sealed record ChannelAvailability(string Channel, long AvailableToSell, IReadOnlyDictionary<string, long> ByDistributionCenter);

/// <summary>A SKU's available-to-sell per warehouse and its split between the tenant's channels.</summary>
public sealed record SkuAvailability(string Sku, IReadOnlyList<WarehouseAvailability> Warehouses, IReadOnlyList<ChannelAvailability> Channels)
{
    public long For(string channel, string? distributionCenter = null) =>
        Channels.FirstOrDefault(c => c.Channel == channel) is { } found
            ? distributionCenter is null ? found.AvailableToSell : found.ByDistributionCenter.GetValueOrDefault(distributionCenter)
            : 0;

    /// <summary>What a channel may sell of the SKU in one warehouse.</summary>
    public IReadOnlyDictionary<(string Channel, string Warehouse), long> ByWarehouse { get; init; } = new Dictionary<(string, string), long>();

    /// <summary>The ETag of each warehouse's snapshot the figures were read from (none where the SKU has no snapshot).</summary>
    public IReadOnlyDictionary<string, ETag> SnapshotETags { get; init; } = new Dictionary<string, ETag>();
}

/// <summary>
/// Available-to-sell per SKU and channel from the stock snapshots and reservations: per warehouse, on hand - reserved
/// (open marketplace orders and pick slips not yet shipped) - safety stock, split between the channels that sell from
/// that warehouse by their rules (<see cref="Allocation.Split"/>); a channel's figure in a distribution centre is the
/// sum over the warehouses mapped to it.
/// </summary>
public sealed class AvailabilityCalculator(StockReservations reservations, ChannelDirectory channels)
{
    public async Task<SkuAvailability> ComputeAsync(string tenant, string sku, CancellationToken cancellationToken)
    {
        var settings = channels.Settings(tenant);
        var all = channels.OfTenant(tenant);
        var safety = settings.SafetyStock.TryGetValue(sku, out var configured) ? configured : settings.DefaultSafetyStock;
        var warehouses = new List<WarehouseAvailability>();
        var byWarehouse = new Dictionary<(string, string), long>();
        var byChannel = all.ToDictionary(c => c.Id, _ => new Dictionary<string, long>(StringComparer.Ordinal), StringComparer.Ordinal);
        var etags = new Dictionary<string, ETag>(StringComparer.Ordinal);

        foreach (var warehouse in all.SelectMany(c => c.Options.Warehouses().Select(w => w.Warehouse)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var (onHand, reserved, snapshotETag) = await reservations.ReservableAsync(tenant, warehouse, sku, cancellationToken).ConfigureAwait(false);
            if (snapshotETag is { } etag)
            {
                etags[warehouse] = etag;
            }

            var available = Allocation.AvailableToSell(onHand, reserved, safety);
            warehouses.Add(new WarehouseAvailability(warehouse, onHand, reserved, safety, available));

            var sellers = all.Where(c => c.Options.DcOf(warehouse) is not null).ToList();
            var split = Allocation.Split(available, sellers
                .Select(c => new ChannelRule(c.Id, c.Options.Allocation.Priority, c.Options.Allocation.Order, c.Options.Allocation.Percent, c.Options.Allocation.Cap))
                .ToList());
            foreach (var channel in sellers)
            {
                var share = split[channel.Id];
                byWarehouse[(channel.Id, warehouse)] = share;
                var dc = channel.Options.DcOf(warehouse)!;
                byChannel[channel.Id][dc] = byChannel[channel.Id].GetValueOrDefault(dc) + share;
            }
        }

        return new SkuAvailability(
            sku,
            warehouses,
            all.Select(c => new ChannelAvailability(c.Id, byChannel[c.Id].Values.Sum(), byChannel[c.Id])).ToList())
        {
            ByWarehouse = byWarehouse,
            SnapshotETags = etags,
        };
    }
}
