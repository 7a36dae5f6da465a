using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PurchaseOrders;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsPurchaseOrder(
    string PoNumber,
    string Location,
    string? VendorId,
    DateOnly? ExpectedDate,
    IReadOnlyList<WmsPurchaseOrderLine> Lines) : WmsDocument;

public sealed record WmsPurchaseOrderLine(int LineNumber, string Sku, long Quantity, string Unit, DateOnly? ExpectedDate, bool Cancelled);
