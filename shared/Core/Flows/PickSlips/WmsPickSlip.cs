using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsPickSlip(
    string PickSlipId,
    string OrderId,
    string Location,
    bool Reprint,
    string? Carrier,
    string? Service,
    WmsShipTo? ShipTo,
    string? Reason,
    IReadOnlyList<WmsPickLine> Lines) : WmsDocument;

public sealed record WmsShipTo(string Name, string? Company, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone);

/// <summary>A pick line. A backordered line is listed for the packing slip but not picked.</summary>
public sealed record WmsPickLine(int LineNumber, string Sku, long Quantity, string Unit, bool Backordered);
