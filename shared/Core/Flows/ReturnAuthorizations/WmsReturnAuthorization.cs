using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.ReturnAuthorizations;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records.

/// <summary>
/// The return authorization the hub sends a WMS to expect returned goods (created, changed or deleted), its codes the
/// instance's own (the hub-json dialect serializes it as is).
/// </summary>
public sealed record WmsReturnAuthorization(
    [property: StringLength(128, MinimumLength = 1)]
    string RaNumber,
    [property: StringLength(128, MinimumLength = 1)]
    string? OrderId,
    [property: StringLength(128, MinimumLength = 1)]
    string Location,
    [property: StringLength(128, MinimumLength = 1)]
    string? Reason,
    [property: Description("Empty for a delete.")]
    IReadOnlyList<WmsReturnLine> Lines) : WmsDocument;

/// <summary>A line of the return authorization: what may come back, in the WMS's unit, and why.</summary>
public sealed record WmsReturnLine(
    [property: Range(1, int.MaxValue)]
    int LineNumber,
    [property: StringLength(128, MinimumLength = 1)]
    string Sku,
    [property: Description("Quantity in `unit`.")]
    [property: Range(0, long.MaxValue)]
    long Quantity,
    [property: StringLength(128, MinimumLength = 1)]
    string Unit,
    [property: StringLength(128, MinimumLength = 1)]
    string? Reason);
