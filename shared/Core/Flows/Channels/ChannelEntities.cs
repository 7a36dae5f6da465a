using System.Runtime.Serialization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// Table "Channels", one partition per tenant: the order-pull watermark per channel ("wm|"), each marketplace order
/// with its decision and what the marketplace was told ("order|"), product ids by SKU ("product|"), the availability
/// publication state per SKU ("ats|") and markers of stock pushes already made ("pushed|").
/// </summary>
public static class ChannelKeys
{
    public static string Partition(string tenant) => TableKeys.Escape(tenant);

    public static string Watermark(string channel) => TableKeys.Join("wm", TableKeys.Escape(channel));

    public const string OrderPrefix = "order|";

    public static string Order(string channel, string orderId) => TableKeys.Join("order", TableKeys.Escape(channel), TableKeys.Escape(orderId));

    public static string Product(string channel, string sku) => TableKeys.Join("product", TableKeys.Escape(channel), TableKeys.Escape(sku));

    public static string Availability(string sku) => TableKeys.Join("ats", TableKeys.Escape(sku));

    public static string Pushed(string channel, string eventId) => TableKeys.Join("pushed", TableKeys.Escape(channel), TableKeys.Escape(eventId));
}

public sealed class ChannelWatermarkEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The newest UpdatedDateUtc of the orders already handed on; the next pull starts there (less the overlap).</summary>
    public DateTimeOffset Watermark { get; set; }

    public DateTimeOffset PulledAt { get; set; }
}

/// <summary>What the hub decided about a marketplace order (stored as its <see cref="ChannelOrderStatuses.Name"/>).</summary>
public enum ChannelOrderStatus
{
    /// <summary>Reserved in the warehouses its SKUs were placed in and handed on to the OMS.</summary>
    Accepted,

    /// <summary>Not handed on: the hold reason and detail say why; a later version of the order is decided again.</summary>
    Held,
}

public static class ChannelOrderStatuses
{
    /// <summary>As stored: accepted, held.</summary>
    public static string Name(this ChannelOrderStatus status) => StateNames.Of(status);

    /// <summary>A status by its <see cref="Name"/>, exactly as stored.</summary>
    public static ChannelOrderStatus Parse(string name) => StateNames.Parse<ChannelOrderStatus>(name);
}

/// <summary>One order line as the hub keeps it: the marketplace item, its components, and how many the marketplace was told shipped.</summary>
public sealed record ChannelOrderLine(string ItemId, string Sku, long Quantity, IReadOnlyList<BundleComponent> Components, long Reported);

public sealed class ChannelOrderEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Channel { get; set; } = "";

    public string OrderId { get; set; } = "";

    public string OmsOrderId { get; set; } = "";

    public string OrderSource { get; set; } = "";

    /// <summary>Held until the hub accepts the order: a row is never taken as accepted by default.</summary>
    [IgnoreDataMember]
    public ChannelOrderStatus Status { get; set; } = ChannelOrderStatus.Held;

    /// <summary>The column "Status": <see cref="Status"/> by its <see cref="ChannelOrderStatuses.Name"/> (accepted, held).</summary>
    [DataMember(Name = nameof(Status))]
    public string StatusName
    {
        get => Status.Name();
        set => Status = ChannelOrderStatuses.Parse(value);
    }

    public string? HoldReason { get; set; }

    public string? HoldDetail { get; set; }

    /// <summary>The marketplace's UpdatedDateUtc of the version decided last: an older version never overrides it.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public string DistributionCenter { get; set; } = "";

    public string Warehouse { get; set; } = "";

    /// <summary>JSON list of <see cref="ChannelOrderLine"/>.</summary>
    public string Lines { get; set; } = "[]";

    /// <summary>JSON: pick slip id -> SKU -> quantity shipped (cumulative, as the slip reports it).</summary>
    public string ShippedBySlip { get; set; } = "{}";

    /// <summary>True once the order's pick slip holds its stock (the order's own reservation is released then).</summary>
    public bool SlipReserved { get; set; }

    public int ShippedLines { get; set; }

    /// <summary>
    /// JSON list of <see cref="MarketplaceShipment"/> decided but not yet confirmed sent: written with the quantities
    /// they report (one commit), then sent, then cleared. A crash in between sends them on the next event or retry,
    /// and a concurrent decision sees the quantities as reported: a shipment is never decided twice.
    /// </summary>
    public string Outstanding { get; set; } = "[]";

    public DateTimeOffset? FirstShippedAt { get; set; }

    public IReadOnlyList<ChannelOrderLine> ReadLines() => JsonSerializer.Deserialize<List<ChannelOrderLine>>(Lines, ChannelJson.Options) ?? [];

    public Dictionary<string, Dictionary<string, long>> ReadShipped() =>
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, long>>>(ShippedBySlip, ChannelJson.Options) ?? [];

    /// <summary>Component quantities per SKU (a bundle counts as its components).</summary>
    public static Dictionary<string, long> UnitsBySku(IEnumerable<ChannelOrderLine> lines)
    {
        var units = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            foreach (var (sku, quantity) in line.Components.Count > 0
                ? line.Components.Select(c => (c.Sku, c.Quantity * line.Quantity))
                : [(line.Sku, line.Quantity)])
            {
                units[sku] = units.GetValueOrDefault(sku) + quantity;
            }
        }

        return units;
    }
}

public sealed class ChannelProductEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ProductId { get; set; } = "";
}

/// <summary>Availability publication of one SKU: when it was last published, and whether a later change waits for the window to end.</summary>
public sealed class ChannelAvailabilityEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Sku { get; set; } = "";

    public DateTimeOffset? LastPublishedAt { get; set; }

    public long Sequence { get; set; }

    public bool Pending { get; set; }

    /// <summary>The end of the window a flush message is already scheduled for.</summary>
    public DateTimeOffset? FlushAt { get; set; }

    /// <summary>The figures last published (JSON), for operators.</summary>
    public string? Published { get; set; }
}

internal static class ChannelJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
