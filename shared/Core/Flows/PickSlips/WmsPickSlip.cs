using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PickSlips;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records.

/// <summary>
/// The pick slip the hub sends a WMS to pick and ship an order (generated, reprinted or voided), its codes the
/// instance's own (the hub-json dialect serializes it as is). Its ship-to is personal data.
/// </summary>
[Description("Generated, reprinted or voided pick slip. The ship-to is personal data.")]
public sealed record WmsPickSlip(
    [property: StringLength(128, MinimumLength = 1)]
    string PickSlipId,
    [property: StringLength(128, MinimumLength = 1)]
    string OrderId,
    [property: StringLength(128, MinimumLength = 1)]
    string Location,
    bool Reprint,
    [property: StringLength(128, MinimumLength = 1)]
    string? Carrier,
    [property: StringLength(128, MinimumLength = 1)]
    string? Service,
    WmsShipTo? ShipTo,
    [property: Description("Void only.")]
    [property: StringLength(128, MinimumLength = 1)]
    string? Reason,
    [property: Description("Empty for a void.")]
    IReadOnlyList<WmsPickLine> Lines) : WmsDocument;

/// <summary>Where the order ships to (personal data).</summary>
public sealed record WmsShipTo(
    string Name,
    string? Company,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    [property: RegularExpression("^[A-Z]{2}$")]
    string Country,
    string? Phone);

/// <summary>A pick line. A backordered line is listed for the packing slip but not picked.</summary>
public sealed record WmsPickLine(
    [property: Range(1, int.MaxValue)]
    int LineNumber,
    [property: StringLength(128, MinimumLength = 1)]
    string Sku,
    [property: Description("Quantity in `unit`.")]
    [property: Range(0, long.MaxValue)]
    long Quantity,
    [property: StringLength(128, MinimumLength = 1)]
    string Unit,
    [property: Description("Listed, not picked.")]
    bool Backordered);
