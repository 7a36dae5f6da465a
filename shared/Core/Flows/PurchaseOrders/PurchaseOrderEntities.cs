using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PurchaseOrders;

// The hub's copy of the OMS's purchase orders: one partition per (tenant, PO number).
//   header                 the PO as last accepted from the OMS (version, status, vendor, warehouse)
//   line|{line number:D6}   one row per PO line: SKU, expected quantity, status
// The outbound purchase-order flow (OMS -> WMS) writes them; the PO receipt flow (WMS -> OMS) reads the
// expected quantities to tell partial from complete and to flag over-receipts.

/// <summary>Whether the OMS still expects the goods of a PO or of one of its lines (stored by name).</summary>
public enum PurchaseOrderStatus
{
    /// <summary>Expected; a receipt that names no line (X12) goes to the first open line of its SKU.</summary>
    Open,

    /// <summary>Cancelled by the OMS (or no longer listed by it): a receipt against it is accepted and flagged.</summary>
    Cancelled,
}

public sealed class PurchaseOrderHeaderEntity : ITableEntity
{
    public const string HeaderRow = "header";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = HeaderRow;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string PoNumber { get; set; } = "";

    public string? VendorId { get; set; }

    /// <summary>The OMS location the goods are expected at.</summary>
    public string Warehouse { get; set; } = "";

    public PurchaseOrderStatus Status { get; set; } = PurchaseOrderStatus.Open;

    /// <summary>The OMS's version (or modified time as ticks) of the PO: an older one never overwrites a newer one.</summary>
    public long Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the goods are expected, for the whole PO (lines may say otherwise).</summary>
    public DateTimeOffset? ExpectedDate { get; set; }

    public static string PartitionFor(string tenant, string poNumber) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(poNumber));
}

public sealed class PurchaseOrderLineEntity : ITableEntity
{
    public const string RowPrefix = "line|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int LineNumber { get; set; }

    public string Sku { get; set; } = "";

    /// <summary>Eaches expected: the ordered quantity times the pack size (see <see cref="EachesPerUnit"/>).</summary>
    public long ExpectedQuantity { get; set; }

    /// <summary>The quantity as ordered, in <see cref="UnitOfMeasure"/>.</summary>
    public long OrderedQuantity { get; set; }

    public string UnitOfMeasure { get; set; } = "EA";

    /// <summary>Eaches in one <see cref="UnitOfMeasure"/> (1 for EA).</summary>
    public int EachesPerUnit { get; set; } = 1;

    public DateTimeOffset? ExpectedDate { get; set; }

    public PurchaseOrderStatus Status { get; set; } = PurchaseOrderStatus.Open;

    public static string RowFor(int lineNumber) =>
        RowPrefix + lineNumber.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
