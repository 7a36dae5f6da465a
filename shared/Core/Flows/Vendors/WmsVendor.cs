using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Vendors;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsVendor(string VendorId, string Name, bool Active, WmsAddress? Address, IReadOnlyList<WmsContact> Contacts) : WmsDocument;

public sealed record WmsAddress(string Line1, string? Line2, string City, string? Region, string PostalCode, string Country);

public sealed record WmsContact(string Name, string? Role, string? Email, string? Phone);
