using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.ReturnAuthorizations;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsReturnAuthorization(string RaNumber, string? OrderId, string Location, string? Reason, IReadOnlyList<WmsReturnLine> Lines) : WmsDocument;

public sealed record WmsReturnLine(int LineNumber, string Sku, long Quantity, string Unit, string? Reason);
