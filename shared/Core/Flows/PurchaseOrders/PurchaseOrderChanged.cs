namespace WmsFunctions.Flows.PurchaseOrders;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.purchase-order.created</c> / <c>.changed</c> / <c>.cancelled</c>: the whole
/// PO as the OMS now has it. A line left out of a change is cancelled; a cancelled PO may leave its lines out.
/// </summary>
public sealed record PurchaseOrderChanged
{
    public string? PoNumber { get; init; }

    public long? Version { get; init; }

    public string? VendorId { get; init; }

    /// <summary>The OMS warehouse the goods are expected at: decides which WMS instance receives the PO.</summary>
    public string? Warehouse { get; init; }

    public DateOnly? ExpectedDate { get; init; }

    public IReadOnlyList<PurchaseOrderLine>? Lines { get; init; }
}

public sealed record PurchaseOrderLine
{
    public int? LineNumber { get; init; }

    public string? Sku { get; init; }

    public long? Quantity { get; init; }

    /// <summary>EA, or a pack unit with <see cref="EachesPerUnit"/>.</summary>
    public string? UnitOfMeasure { get; init; }

    public int? EachesPerUnit { get; init; }

    public DateOnly? ExpectedDate { get; init; }

    public bool? Cancelled { get; init; }
}
