using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PurchaseOrders;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records.

/// <summary>
/// The purchase order the hub sends a WMS to expect its goods (new, changed, or cancelled with all its lines), its
/// codes the instance's own (the hub-json dialect serializes it as is).
/// </summary>
public sealed record WmsPurchaseOrder(
    [property: StringLength(128, MinimumLength = 1)]
    string PoNumber,
    [property: Description("The WMS's facility/location code for the OMS warehouse.")]
    [property: StringLength(128, MinimumLength = 1)]
    string Location,
    [property: StringLength(128, MinimumLength = 1)]
    string? VendorId,
    DateOnly? ExpectedDate,
    IReadOnlyList<WmsPurchaseOrderLine> Lines) : WmsDocument;

/// <summary>A line of the purchase order: what is expected, in the WMS's unit; a cancelled line is still listed.</summary>
public sealed record WmsPurchaseOrderLine(
    [property: Range(1, int.MaxValue)]
    int LineNumber,
    [property: StringLength(128, MinimumLength = 1)]
    string Sku,
    [property: Description("Quantity in `unit`.")]
    [property: Range(0, long.MaxValue)]
    long Quantity,
    [property: StringLength(128, MinimumLength = 1)]
    string Unit,
    DateOnly? ExpectedDate,
    bool Cancelled);
