using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Vendors;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.vendor.created</c> / <c>.vendor.changed</c>: the whole vendor as the OMS
/// now has it. Contacts are personal data: sent to the WMS, stored only inside a failed sync for a replay, never
/// logged or audited.
/// </summary>
public sealed record VendorChanged
{
    public string? VendorId { get; init; }

    public long? Version { get; init; }

    public string? Name { get; init; }

    public bool? Active { get; init; }

    public PostalAddress? Address { get; init; }

    public IReadOnlyList<VendorContact>? Contacts { get; init; }
}

public sealed record VendorContact
{
    public string? Name { get; init; }

    public string? Role { get; init; }

    public string? Email { get; init; }

    public string? Phone { get; init; }
}

/// <summary>Vendor download (OMS -> WMS): every new or changed vendor to every instance that receives vendors.</summary>
public sealed class VendorDownloadFlow(OutboundDispatcher dispatcher) : OutboundFlow<VendorChanged>(dispatcher)
{
    public const string Name = "vendors";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<VendorDownloadFlow, WmsVendor>(
        Name, "VendorDownload", "oms-vendors", "vendor", ["vendor.created", "vendor.changed"], ["upsert"],
        "Vendor download.");

    public override OutboundFlowDefinition Definition => Registration;

    public override IReadOnlyDictionary<string, string[]> Validate(string type, VendorChanged vendor)
    {
        var errors = new FieldErrors();
        errors.Code("vendorId", vendor.VendorId);
        errors.Version(vendor.Version);
        errors.Text("name", vendor.Name, 256);
        if (vendor.Active is null)
        {
            errors.Add("active", "Required: true or false.");
        }

        if (vendor.Address is { } address)
        {
            errors.Address("address.", address);
        }

        var contacts = vendor.Contacts ?? [];
        if (contacts.Count > 20)
        {
            errors.Add("contacts", "At most 20 contacts.");
        }

        for (var i = 0; i < contacts.Count; i++)
        {
            errors.Text($"contacts[{i}].name", contacts[i].Name, 128);
            errors.Text($"contacts[{i}].role", contacts[i].Role, 64, required: false);
            if (contacts[i].Email is { } email && (email.Length > 254 || !email.Contains('@', StringComparison.Ordinal)))
            {
                errors.Add($"contacts[{i}].email", "Must be an e-mail address.");
            }

            errors.Text($"contacts[{i}].phone", contacts[i].Phone, 32, required: false);
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, VendorChanged vendor) => new(vendor.VendorId!, vendor.Version!.Value, "upsert", null);

    public override WmsDocument Map(OutboundEntity entity, VendorChanged vendor, OutboundInstance instance) =>
        new WmsVendor(
            vendor.VendorId!,
            vendor.Name!,
            vendor.Active!.Value,
            vendor.Address is { } a ? new WmsAddress(a.Line1!, a.Line2, a.City!, a.Region, a.PostalCode!, a.Country!) : null,
            (vendor.Contacts ?? []).Select(c => new WmsContact(c.Name!, c.Role, c.Email, c.Phone)).ToArray());
}
