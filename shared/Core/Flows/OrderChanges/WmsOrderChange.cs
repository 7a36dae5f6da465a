using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.OrderChanges;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsOrderChange(string OrderId, string Location, string? Reason, IReadOnlyList<WmsOrderLine> Lines) : WmsDocument;

/// <summary>An order line as it must be after the change (quantity 0 removes it).</summary>
public sealed record WmsOrderLine(int LineNumber, string Sku, long Quantity, string Unit);
