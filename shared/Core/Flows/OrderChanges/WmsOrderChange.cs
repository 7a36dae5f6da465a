using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.OrderChanges;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records.

/// <summary>
/// The change to an order the hub sends a WMS (modified or cancelled), its codes the instance's own (the hub-json
/// dialect serializes it as is).
/// </summary>
public sealed record WmsOrderChange(
    [property: StringLength(128, MinimumLength = 1)]
    string OrderId,
    [property: StringLength(128, MinimumLength = 1)]
    string Location,
    [property: StringLength(128, MinimumLength = 1)]
    string? Reason,
    [property: Description("The lines as they must now be (quantity 0 removes one); empty for a cancel.")]
    IReadOnlyList<WmsOrderLine> Lines) : WmsDocument;

/// <summary>An order line as it must be after the change (quantity 0 removes it).</summary>
public sealed record WmsOrderLine(
    [property: Range(1, int.MaxValue)]
    int LineNumber,
    [property: StringLength(128, MinimumLength = 1)]
    string Sku,
    [property: Description("Quantity in `unit`.")]
    [property: Range(0, long.MaxValue)]
    long Quantity,
    [property: StringLength(128, MinimumLength = 1)]
    string Unit);
