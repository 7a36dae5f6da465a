using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.ReturnReceipts;

/// <summary>Returned goods scanned back in, against one return authorization, each line with what becomes of it.</summary>
public sealed record ReturnReceiptRequest
{
    [Required]
    [Description("The WMS's id for this return receipt: the same on every retry, different for every new one.")]
    public string? EventId { get; init; }

    [Required]
    [Description("When the goods were scanned back in (RFC 3339 with offset); at most 5 minutes ahead of the hub's clock.")]
    public DateTimeOffset? OccurredAt { get; init; }

    [Required]
    [Description("The OMS return authorization (RA) the goods came back under.")]
    public string? ReturnAuthorization { get; init; }

    [Description("The OMS order the goods were sold on, when the WMS knows it.")]
    public string? OrderNumber { get; init; }

    [Required]
    [Description("What came back: 1 to 100 lines.")]
    public IReadOnlyList<ReturnLineRequest>? Lines { get; init; }
}

public sealed record ReturnLineRequest
{
    [Required]
    [Description("The WMS SKU returned.")]
    public string? Sku { get; init; }

    [Required]
    [Description("Units returned, 1 or more.")]
    public long? Quantity { get; init; }

    [Required]
    [Description("restock (R): back to sellable stock at the location; damaged (D) or quarantine (Q): kept apart, never sellable.")]
    public string? Disposition { get; init; }

    [Required]
    [Description("The WMS location the goods were received at (restock: the sellable location they went to).")]
    public string? Location { get; init; }

    [Description("The customer's or the warehouse's return reason code.")]
    public string? ReasonCode { get; init; }
}

/// <summary>The validated, mapped return as the inbox stores it.</summary>
public sealed record ReturnReceiptCommand(
    DateTimeOffset OccurredAt,
    string ReturnAuthorization,
    string? OrderNumber,
    IReadOnlyList<ReturnLineCommand> Lines,
    IReadOnlyList<StockChange> Changes);

/// <summary>One mapped line; <paramref name="ChangeIndex"/> is its stock change, or null when it is only reported.</summary>
public sealed record ReturnLineCommand(
    string Sku, string WmsSku, string Location, long Quantity, StockDisposition Disposition, string? ReasonCode, int? ChangeIndex);

public static class ReturnLineStock
{
    /// <summary>Back in sellable stock.</summary>
    public const string Restocked = "restocked";

    /// <summary>Booked to the instance's damaged or quarantine location: on hand there, not sellable.</summary>
    public const string SetAside = "set-aside";

    /// <summary>Not stocked anywhere (the instance has no location for this disposition); the OMS is told.</summary>
    public const string Reported = "reported";

    /// <summary>Happened before the last count of its area, which already holds it: stock not moved again.</summary>
    public const string Superseded = "superseded";
}

/// <summary>One returned line and what the hub did with it.</summary>
public sealed record ReturnLineView(
    string Sku, string WmsSku, long Quantity, string Disposition, string? ReasonCode, string Stock, string? Warehouse, long? OnHandAfter);

public sealed record ReturnTotals(long Restocked, long Damaged, long Quarantined);

/// <summary>The answer to the WMS: every line with its stock outcome, and the totals per disposition.</summary>
public sealed record ReturnReceiptAnswer(string EventId, string Status, string ReturnAuthorization, IReadOnlyList<ReturnLineView> Lines, ReturnTotals Totals);

/// <summary>The data of the OMS-bound CloudEvent <c>com.wmsfunctions.return.received</c>: what came back, so the OMS can refund.</summary>
public sealed record ReturnReceivedEvent(
    string EventId,
    string Status,
    DateTimeOffset OccurredAt,
    string ReturnAuthorization,
    string? OrderNumber,
    IReadOnlyList<ReturnLineView> Lines,
    ReturnTotals Totals);
