using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PurchaseOrderReceipts;

/// <summary>
/// The receipt of one purchase-order line into one location, as a WMS reports it (several locations are several
/// receipts). Codes are the WMS's own; the hub maps them and checks the line against its copy of the PO.
/// </summary>
public sealed record PurchaseOrderReceiptRequest
{
    [Required]
    [Description("The WMS's id for this receipt: the same on every retry, different for every new receipt.")]
    public string? EventId { get; init; }

    [Required]
    [Description("When the goods were received (RFC 3339 with offset); at most 5 minutes ahead of the hub's clock.")]
    public DateTimeOffset? OccurredAt { get; init; }

    [Required]
    [Description("The OMS purchase order number.")]
    public string? PoNumber { get; init; }

    [Required]
    [Description("The PO line received against (1 or more).")]
    [Range(1, 999_999)]
    public int? LineNumber { get; init; }

    [Required]
    [Description("The WMS SKU received; must be the line's SKU once mapped.")]
    public string? Sku { get; init; }

    [Required]
    [Description("The WMS location the good units were put into (sellable stock).")]
    public string? Location { get; init; }

    [Required]
    [Description("Units received in good condition, 0 or more; they add to sellable stock at the location.")]
    public long? Quantity { get; init; }

    [Description("Units received damaged, 0 or more (default 0); they count as received but never as sellable stock.")]
    public long? DamagedQuantity { get; init; }

    [Description("Free text, e.g. the receipt or ASN document number (at most 256 characters).")]
    public string? Reference { get; init; }
}

/// <summary>The validated, mapped receipt as the inbox stores it. The PO line as the hub knew it at acceptance.</summary>
public sealed record PurchaseOrderReceiptCommand(
    DateTimeOffset OccurredAt,
    string PoNumber,
    int LineNumber,
    string Sku,
    long ExpectedQuantity,
    bool LineCancelled,
    long Quantity,
    long DamagedQuantity,
    string? DamagedWarehouse,
    string? Reference,
    ReceiptWmsCodes Wms,
    IReadOnlyList<StockChange> Changes);

/// <summary>The codes as the WMS sent them.</summary>
public sealed record ReceiptWmsCodes(string Sku, string Location);

public static class ReceiptFlags
{
    /// <summary>More received on the line, in all, than the PO expects.</summary>
    public const string OverReceipt = "over-receipt";

    /// <summary>Received against a line (or PO) the OMS has cancelled.</summary>
    public const string CancelledLine = "cancelled-line";
}

/// <summary>A PO line after a receipt (in answers and events as its <see cref="ReceiptLineStatuses.Name"/>).</summary>
public enum ReceiptLineStatus
{
    /// <summary>Less has arrived in all than the line expects.</summary>
    Partial,

    /// <summary>Exactly what the line expects has arrived.</summary>
    Complete,

    /// <summary>More has arrived in all than the line expects (flagged as an over-receipt).</summary>
    OverReceived,

    /// <summary>The OMS has cancelled the line or its PO (flagged, whatever the quantities).</summary>
    Cancelled,
}

public static class ReceiptLineStatuses
{
    /// <summary>As the WMS's answer and the OMS event spell it: partial, complete, over-received, cancelled.</summary>
    public static string Name(this ReceiptLineStatus status) => StateNames.Of(status);
}

/// <summary>The PO line after this receipt: what it expects, what this receipt added and what has arrived in all.</summary>
public sealed record ReceiptLineView(
    string PoNumber,
    int LineNumber,
    string Sku,
    long ExpectedQuantity,
    long Quantity,
    long DamagedQuantity,
    long ReceivedBefore,
    long ReceivedTotal,
    long DamagedTotal,
    long OverReceived,
    string LineStatus,
    string? DamagedWarehouse);

/// <summary>
/// The answer to the WMS and the data of the OMS event. <c>status</c> is "applied", or "flagged" when
/// <c>flags</c> name something a person should look at (an over-receipt, a receipt on a cancelled line).
/// </summary>
public sealed record PurchaseOrderReceiptAnswer(
    string EventId,
    string Status,
    IReadOnlyList<string> Flags,
    ReceiptLineView Line,
    IReadOnlyList<MovementView> Movements);

/// <summary>The data of the OMS-bound CloudEvent <c>com.wmsfunctions.purchase-order.received</c>.</summary>
public sealed record PurchaseOrderReceivedEvent(
    string EventId,
    string Status,
    IReadOnlyList<string> Flags,
    DateTimeOffset OccurredAt,
    string? Reference,
    ReceiptLineView Line,
    IReadOnlyList<MovementView> Movements,
    ReceiptWmsCodes Wms);
