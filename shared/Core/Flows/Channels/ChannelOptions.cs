using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// A tenant's sales channels ("Hub:Tenants:{t}:Channels"): the marketplaces it sells on, how the one stock pool is
/// shared between them, and the safety stock kept back from all of them. Nothing here is a secret: a marketplace's
/// access token is read from the app setting <see cref="ChannelOptions.AccessTokenSetting"/> names.
/// </summary>
public sealed class TenantChannelsOptions
{
    /// <summary>Hub:Tenants:{t}:Channels.</summary>
    public const string Section = "Channels";

    /// <summary>Units per SKU kept back from every channel in each warehouse (a buffer against sync lag and miscounts).</summary>
    public Dictionary<string, long> SafetyStock { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Safety stock of a SKU not listed in <see cref="SafetyStock"/>.</summary>
    public long DefaultSafetyStock { get; set; }

    /// <summary>Bundle SKU -> component SKU -> quantity per bundle, where the marketplace does not send the components.</summary>
    public Dictionary<string, Dictionary<string, long>> Bundles { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, ChannelOptions> Marketplaces { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One marketplace account (a channel): where it is, what it is shown, what the hub pulls and pushes.</summary>
public sealed class ChannelOptions
{
    /// <summary>
    /// The marketplace dialect: a registered adapter's <see cref="IMarketplaceAdapter.Name"/>. May be left out while
    /// only one adapter is registered (today's: channeladvisor).
    /// </summary>
    public string? Adapter { get; set; }

    /// <summary>The order source the OMS and the reports see (e.g. "Amazon US").</summary>
    public string? OrderSource { get; set; }

    public string BaseUrl { get; set; } = "";

    /// <summary>The app setting holding the marketplace's access token (a Key Vault reference in Azure).</summary>
    public string AccessTokenSetting { get; set; } = "";

    /// <summary>Marketplace distribution centre id -> the OMS locations (warehouses) whose stock it ships. A DC may take several.</summary>
    public Dictionary<string, List<string>> DistributionCenters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The DC an order without an assigned one ships from; default: the first configured.</summary>
    public string? DefaultDistributionCenter { get; set; }

    public ChannelAllocationOptions Allocation { get; set; } = new();

    public ChannelOrderOptions Orders { get; set; } = new();

    /// <summary>Relative: every warehouse movement is sent as the same adjustment; Absolute: the channel's available-to-sell is set.</summary>
    public StockUpdateType StockUpdates { get; set; } = StockUpdateType.Absolute;

    /// <summary>When the marketplace hears of a shipment: when the WMS reports the slip packed, or shipped.</summary>
    public ShipmentReportPoint ShipmentsAt { get; set; } = ShipmentReportPoint.Shipping;

    /// <summary>
    /// The push variant: names of app settings holding the Standard Webhooks secrets (<c>whsec_</c> + base64) the
    /// marketplace signs pushed orders with, several while rotating. Empty: the channel only pulls.
    /// </summary>
    public List<string> WebhookSecretSettings { get; set; } = [];

    /// <summary>At most this many requests to the marketplace at once (ChannelAdvisor allows 5 per integration).</summary>
    public int MaxConcurrency { get; set; } = 4;

    public OutboundResilienceOptions Resilience { get; set; } = new();

    /// <summary>The DCs the channel ships from, each with its warehouses.</summary>
    public IEnumerable<(string Dc, string Warehouse)> Warehouses() =>
        DistributionCenters.SelectMany(dc => dc.Value.Select(w => (dc.Key, w)));

    public string? DcOf(string warehouse) =>
        DistributionCenters.FirstOrDefault(dc => dc.Value.Contains(warehouse, StringComparer.Ordinal)).Key;
}

public enum StockUpdateType
{
    Relative,
    Absolute,
}

public enum ShipmentReportPoint
{
    Shipping,
    Packing,
}

/// <summary>This channel's rule in <see cref="Allocation.Split"/>.</summary>
public sealed class ChannelAllocationOptions
{
    public bool Priority { get; set; }

    public int Order { get; set; }

    public decimal Percent { get; set; }

    public long? Cap { get; set; }
}

/// <summary>Which orders the pull asks for (an OData $filter) and what holds an order back.</summary>
public sealed class ChannelOrderOptions
{
    public List<long> ProfileIds { get; set; } = [];

    /// <summary>e.g. "Unshipped"; null: any.</summary>
    public string? ShippingStatus { get; set; } = "Unshipped";

    /// <summary>e.g. "Cleared"; null: any (orders not cleared are then pulled and held).</summary>
    public string? PaymentStatus { get; set; }

    /// <summary>Only orders assigned to this distribution centre; null: any.</summary>
    public string? DistributionCenter { get; set; }

    /// <summary>How far behind the watermark each pull starts again, for updates committed late on the marketplace side.</summary>
    public TimeSpan Overlap { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Where the first pull starts when no watermark is stored yet.</summary>
    public TimeSpan FirstPullLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Payment statuses that let an order through; any other holds it.</summary>
    public List<string> AcceptedPaymentStatuses { get; set; } = ["Cleared", "Deposited"];

    public int PageSize { get; set; } = 100;

    /// <summary>At most this many pages per pull (the rest follows on the next run).</summary>
    public int MaxPages { get; set; } = 50;
}

/// <summary>Settings of the channels flows shared by all tenants (app settings).</summary>
public sealed class ChannelStockOptions
{
    public const string StockQueueSetting = "CHANNELS_STOCK_QUEUE";
    public const string PublishWindowSetting = "CHANNELS_PUBLISH_WINDOW_SECONDS";

    public string StockQueue { get; set; } = "channel-stock";

    /// <summary>At most one availability publication per SKU per window; the last change in a window is published when it ends.</summary>
    public TimeSpan PublishWindow { get; set; } = TimeSpan.FromSeconds(60);

    public static void Configure(ChannelStockOptions settings, IConfiguration configuration)
    {
        settings.StockQueue = configuration[StockQueueSetting] ?? settings.StockQueue;
        if (int.TryParse(configuration[PublishWindowSetting], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            settings.PublishWindow = TimeSpan.FromSeconds(seconds);
        }
    }
}

/// <summary>A channel configuration that cannot work fails the start.</summary>
public sealed class ChannelOptionsValidator(IConfiguration? configuration = null, MarketplaceAdapters? adapters = null)
    : IValidateOptions<PerTenant<TenantChannelsOptions>>
{
    public ValidateOptionsResult Validate(string? name, PerTenant<TenantChannelsOptions> options)
    {
        var errors = new List<string>();
        foreach (var (tenantId, channels) in options.All)
        {
            var section = HubSections.Path(tenantId, TenantChannelsOptions.Section);
            foreach (var (id, channel) in channels.Marketplaces)
            {
                var where = $"{section}:Marketplaces:{id}";
                if (adapters?.Check(channel.Adapter) is { } adapterProblem)
                {
                    errors.Add($"{where}:Adapter {adapterProblem}");
                }

                if (!Codes.IsValid(id) || id.Contains('|', StringComparison.Ordinal))
                {
                    errors.Add($"{where}: invalid channel id.");
                }

                if (!Uri.TryCreate(channel.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
                {
                    errors.Add($"{where}:BaseUrl must be an absolute http(s) URL.");
                }

                if (string.IsNullOrWhiteSpace(channel.AccessTokenSetting))
                {
                    errors.Add($"{where}:AccessTokenSetting must name the app setting that holds the token.");
                }
                else if (configuration is not null && string.IsNullOrEmpty(configuration[channel.AccessTokenSetting]))
                {
                    errors.Add($"{where}:AccessTokenSetting names '{channel.AccessTokenSetting}', which is not set.");
                }

                foreach (var secret in channel.WebhookSecretSettings.Where(_ => configuration is not null))
                {
                    if (!StandardWebhooks.TryParseSecret(configuration![secret], out _))
                    {
                        errors.Add($"{where}:WebhookSecretSettings: app setting '{secret}' does not hold a '{StandardWebhooks.SecretPrefix}' secret.");
                    }
                }

                if (channel.DistributionCenters.Count == 0 || channel.DistributionCenters.Values.Any(w => w.Count == 0))
                {
                    errors.Add($"{where}:DistributionCenters must map each marketplace DC to at least one OMS location.");
                }

                if (channel.DefaultDistributionCenter is { } dc && !channel.DistributionCenters.ContainsKey(dc))
                {
                    errors.Add($"{where}:DefaultDistributionCenter '{dc}' is not one of its DistributionCenters.");
                }

                if (channel.Allocation.Percent is < 0 or > 100 || channel.Allocation.Cap < 0)
                {
                    errors.Add($"{where}:Allocation needs a Percent of 0-100 and a Cap of 0 or more.");
                }

                if (channel.MaxConcurrency is < 1 or > 50 || channel.Orders.PageSize is < 1 or > 1000 || channel.Orders.MaxPages < 1)
                {
                    errors.Add($"{where}: MaxConcurrency 1-50, Orders:PageSize 1-1000 and Orders:MaxPages 1 or more.");
                }
            }

            var shared = channels.Marketplaces.Values.Where(c => !c.Allocation.Priority).Sum(c => c.Allocation.Percent);
            if (shared > 100)
            {
                errors.Add($"{section}: the channels' shares add up to {shared}%; at most 100% can be shared.");
            }

            if (channels.SafetyStock.Values.Any(v => v < 0) || channels.DefaultSafetyStock < 0)
            {
                errors.Add($"{section}: safety stock cannot be negative.");
            }

            if (channels.Bundles.Values.Any(b => b.Count == 0 || b.Values.Any(q => q < 1)))
            {
                errors.Add($"{section}:Bundles: each bundle needs components with quantities of 1 or more.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
