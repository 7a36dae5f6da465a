using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Vendors;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records.

/// <summary>
/// The vendor the hub sends a WMS (vendor download), its codes the instance's own (the hub-json dialect serializes it
/// as is). Its contacts are personal data.
/// </summary>
[Description("Contacts are personal data.")]
public sealed record WmsVendor(
    [property: StringLength(128, MinimumLength = 1)]
    string VendorId,
    [property: StringLength(256)]
    string Name,
    bool Active,
    WmsAddress? Address,
    IReadOnlyList<WmsContact> Contacts) : WmsDocument;

/// <summary>The vendor's postal address.</summary>
public sealed record WmsAddress(
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    [property: RegularExpression("^[A-Z]{2}$")]
    string Country);

/// <summary>A person to talk to at the vendor (personal data).</summary>
public sealed record WmsContact(string Name, string? Role, string? Email, string? Phone);
