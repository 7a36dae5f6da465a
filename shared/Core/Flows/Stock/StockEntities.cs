using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Stock;

// One partition per (tenant, OMS location): the snapshot of every SKU stocked there, a marker per applied
// event and the movement history. Everything one event changes in one location commits in one batch.
//   sku|{sku}                                      the stock snapshot
//   event|{instance}|{flow}|{eventId}               "this event is applied here", with its results
//   move|{sku}|{newest-first ticks}|{instance}|{eventId}|{n}   one history row per change
//   resv|{sku}|{source}|{id}                       quantity reserved by an open pick slip (or order) of that SKU (StockReservations)

/// <summary>On hand of one SKU in one OMS location, as the hub last knew it.</summary>
public sealed class StockSnapshotEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string Warehouse { get; set; } = "";

    public string Sku { get; set; } = "";

    /// <summary>On hand in the OMS location: the sum of its areas.</summary>
    public long OnHand { get; set; }

    /// <summary>
    /// JSON: on hand per WMS area ("{instance}:{location code}") and when each was last counted. Several WMS areas
    /// may map to one OMS location; a count of one area must only replace that area's figure. "{instance}:" (no
    /// code, on hand 0) holds when the instance last synced its total for the whole location.
    /// </summary>
    public string Areas { get; set; } = "{}";

    /// <summary>Grows by one with every applied change: a cheap way to see that a snapshot moved.</summary>
    public long Version { get; set; }

    public string? LastEventId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public const string RowPrefix = "sku|";

    public static string PartitionFor(string tenant, string warehouse) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(warehouse));

    public static string RowFor(string sku) => RowPrefix + TableKeys.Escape(sku);
}

/// <summary>Proof that one event's changes to one location were applied, and what they gave.</summary>
public sealed class StockEventMarkerEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>JSON array of the indexed results, replayed when the same event arrives again.</summary>
    public string Results { get; set; } = "[]";

    public DateTimeOffset AppliedAt { get; set; }

    public static string RowFor(string instance, string flow, string eventId) =>
        "event|" + TableKeys.Join(TableKeys.Escape(instance), flow, TableKeys.Escape(eventId));
}

/// <summary>One change to one SKU's stock, newest first per SKU.</summary>
public sealed class StockMovementEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Sku { get; set; } = "";

    public string Area { get; set; } = "";

    public string Instance { get; set; } = "";

    public string Flow { get; set; } = "";

    public string EventId { get; set; } = "";

    public string Transaction { get; set; } = "";

    public string? ReasonCode { get; set; }

    public string Kind { get; set; } = "";

    /// <summary>The change the WMS asked for: a signed delta, or the counted quantity.</summary>
    public long Requested { get; set; }

    /// <summary>The change to on hand that was made (0 when superseded).</summary>
    public long Quantity { get; set; }

    public long OnHandAfter { get; set; }

    public bool Applied { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset AppliedAt { get; set; }

    public static string RowPrefixFor(string sku) => "move|" + TableKeys.Escape(sku) + "|";

    public static string RowFor(string sku, DateTimeOffset appliedAt, string instance, string eventId, int index) =>
        RowPrefixFor(sku) + TableKeys.Join(TableKeys.NewestFirst(appliedAt), TableKeys.Escape(instance), TableKeys.Escape(eventId), index.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
