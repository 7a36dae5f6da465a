using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

// What the hub sends to a WMS, after mapping: every code is the instance's own (SKU, location, unit, carrier,
// service, reason), quantities are in the instance's unit. Both adapters render these same records, so the two
// dialects cannot disagree about content. Property order is the wire order of the hub's JSON contract
// (functions/openapi/wms-outbound.json).

public sealed record WmsItem(
    string Sku,
    string Description,
    bool Active,
    string Unit,
    IReadOnlyList<string> Gtins,
    WmsDimensions? Dimensions,
    WmsWeight? Weight,
    IReadOnlyList<WmsPack> Packs,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> ImageUrls);

public sealed record WmsDimensions(decimal Length, decimal Width, decimal Height, string Unit);

public sealed record WmsWeight(decimal Value, string Unit);

/// <summary>A pack (case, inner) of the item: its unit, how many eaches it holds, its own GTIN if it has one.</summary>
public sealed record WmsPack(string Unit, int Eaches, string? Gtin);

public sealed record WmsVendor(string VendorId, string Name, bool Active, WmsAddress? Address, IReadOnlyList<WmsContact> Contacts);

public sealed record WmsAddress(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

public sealed record WmsContact(string Name, string? Role, string? Email, string? Phone);

public sealed record WmsPurchaseOrder(
    string PoNumber,
    string Location,
    string? VendorId,
    DateOnly? ExpectedDate,
    IReadOnlyList<WmsPurchaseOrderLine> Lines);

public sealed record WmsPurchaseOrderLine(int LineNumber, string Sku, long Quantity, string Unit, DateOnly? ExpectedDate, bool Cancelled);

public sealed record WmsPickSlip(
    string PickSlipId,
    string OrderId,
    string Location,
    bool Reprint,
    string? Carrier,
    string? Service,
    WmsShipTo? ShipTo,
    string? Reason,
    IReadOnlyList<WmsPickLine> Lines);

public sealed record WmsShipTo(string Name, string? Company, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country, string? Phone);

/// <summary>A pick line. A backordered line is listed for the packing slip but not picked.</summary>
public sealed record WmsPickLine(int LineNumber, string Sku, long Quantity, string Unit, bool Backordered);

public sealed record WmsOrderChange(string OrderId, string Location, string? Reason, IReadOnlyList<WmsOrderLine> Lines);

/// <summary>An order line as it must be after the change (quantity 0 removes it).</summary>
public sealed record WmsOrderLine(int LineNumber, string Sku, long Quantity, string Unit);

public sealed record WmsReturnAuthorization(string RaNumber, string? OrderId, string Location, string? Reason, IReadOnlyList<WmsReturnLine> Lines);

public sealed record WmsReturnLine(int LineNumber, string Sku, long Quantity, string Unit, string? Reason);
