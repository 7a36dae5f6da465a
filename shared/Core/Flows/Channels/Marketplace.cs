using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// The seam to a marketplace: pull orders, report shipments, set or adjust stock, find a product by SKU.
/// One implementation per marketplace dialect; everything else in the channels flows is marketplace-neutral.
/// Transient failures (unreachable, 429/5xx after the retries) throw <see cref="MarketplaceUnavailableException"/>;
/// a refusal (4xx) throws <see cref="MarketplaceRefusedException"/>: retrying will not change it.
/// </summary>
public interface IMarketplaceAdapter
{
    string Name { get; }

    /// <summary>One page of orders updated at or after <paramref name="updatedSince"/>, oldest update first; or the page <paramref name="nextLink"/> names.</summary>
    Task<MarketplaceOrderPage> PullOrdersAsync(Channel channel, DateTimeOffset updatedSince, string? nextLink, CancellationToken cancellationToken);

    /// <summary>Reports one shipment of some lines of an order (only the quantities shipped).</summary>
    Task ReportShipmentAsync(Channel channel, MarketplaceShipment shipment, CancellationToken cancellationToken);

    /// <summary>Adjusts (Relative) or sets (Absolute) one product's quantity in one or more distribution centres, in one request.</summary>
    Task UpdateStockAsync(Channel channel, string productId, StockUpdateType type, IReadOnlyList<DcQuantity> updates, CancellationToken cancellationToken);

    /// <summary>An order the marketplace pushed (its webhook body), in the same shape as a pulled one; throws JsonException when unreadable.</summary>
    MarketplaceOrder ReadPushedOrder(ReadOnlySpan<byte> body);

    /// <summary>The marketplace's product ids that carry this SKU (0, 1, or, wrongly, several).</summary>
    Task<IReadOnlyList<string>> FindProductIdsAsync(Channel channel, string sku, CancellationToken cancellationToken);
}

/// <summary>A configured channel of a tenant, as the flows use it.</summary>
public sealed record Channel(string Tenant, string Id, ChannelOptions Options)
{
    /// <summary>Where this channel appears as an "instance" (inbox, audit, failed syncs).</summary>
    public string InstanceName => "channel:" + Id;

    public string OrderSource => Options.OrderSource ?? Id;

    public string Key => Tenant + "/" + Id;

    /// <summary>The order id the OMS knows the marketplace order by: unique across channels.</summary>
    public string OmsOrderId(string marketplaceOrderId) => $"{Id}-{marketplaceOrderId}";
}

public sealed record MarketplaceOrderPage(IReadOnlyList<MarketplaceOrder> Orders, string? NextLink);

public sealed record MarketplaceOrder(
    string Id,
    long? ProfileId,
    string? SiteOrderId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? PaymentStatus,
    string? ShippingStatus,
    string? DistributionCenter,
    bool Flagged,
    string? FlagReason,
    MarketplaceAddress? ShipTo,
    string? RequestedCarrier,
    string? RequestedClass,
    IReadOnlyList<MarketplaceOrderItem> Items);

public sealed record MarketplaceAddress(string? Name, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country);

/// <summary>One order line; a bundle carries its components (from the marketplace, or empty: then from configuration).</summary>
public sealed record MarketplaceOrderItem(string Id, string Sku, long Quantity, decimal? UnitPrice, bool IsBundle, IReadOnlyList<BundleComponent> Components);

public sealed record BundleComponent(string Sku, long Quantity);

public sealed record MarketplaceShipment(
    string OrderId,
    DateTimeOffset ShippedAt,
    string? Carrier,
    string? ShippingClass,
    string? TrackingNumber,
    string? DistributionCenter,
    IReadOnlyList<ShippedItem> Items);

public sealed record ShippedItem(string OrderItemId, long Quantity);

public sealed record DcQuantity(string DistributionCenter, long Quantity);

/// <summary>The marketplace could not take the request now (unreachable, 429/5xx beyond the retries, circuit open).</summary>
public sealed class MarketplaceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The marketplace refused the request (4xx): retrying will not help; a person must look.</summary>
public sealed class MarketplaceRefusedException(int status, string excerpt)
    : Exception($"The marketplace refused the request with HTTP {status}: {excerpt}")
{
    public int Status { get; } = status;

    public string Excerpt { get; } = excerpt;
}

/// <summary>Finds the adapter of a channel by its configured dialect.</summary>
public sealed class MarketplaceAdapters(IEnumerable<IMarketplaceAdapter> adapters)
{
    private readonly Dictionary<string, IMarketplaceAdapter> _byName = adapters.ToDictionary(a => a.Name, StringComparer.OrdinalIgnoreCase);

    public IMarketplaceAdapter For(Channel channel) =>
        Find(channel.Options.Adapter)
            ?? throw new InvalidOperationException($"No marketplace adapter '{channel.Options.Adapter}' for channel {channel.Key}.");

    /// <summary>Why a channel's Adapter names no registered adapter (checked at start-up), or null when it does.</summary>
    public string? Check(string? name) =>
        Find(name) is not null ? null
        : string.IsNullOrEmpty(name) ? $"is required: one of {Names()}."
        : $"'{name}' is not a registered marketplace adapter: one of {Names()}.";

    /// <summary>The adapter a channel names, or the only one when it names none.</summary>
    private IMarketplaceAdapter? Find(string? name) =>
        string.IsNullOrEmpty(name) ? (_byName.Count == 1 ? _byName.Values.Single() : null)
        : _byName.GetValueOrDefault(name);

    private string Names() => string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
}

/// <summary>The tenants' channels from configuration.</summary>
public sealed class ChannelDirectory(IOptions<PerTenant<TenantChannelsOptions>> options)
{
    public IEnumerable<Channel> All => options.Value.All.SelectMany(t => t.Options.Marketplaces.Select(c => new Channel(t.Tenant, c.Key, c.Value)));

    public IReadOnlyList<Channel> OfTenant(string tenant) =>
        options.Value.Find(tenant) is { } t ? t.Marketplaces.Select(c => new Channel(tenant, c.Key, c.Value)).ToList() : [];

    public TenantChannelsOptions Settings(string tenant) => options.Value.Find(tenant) ?? new TenantChannelsOptions();

    public bool TryGet(string tenant, string channel, out Channel found)
    {
        found = null!;
        if (options.Value.Find(tenant) is { } t && t.Marketplaces.TryGetValue(channel, out var o))
        {
            found = new Channel(tenant, channel, o);
            return true;
        }

        return false;
    }
}
