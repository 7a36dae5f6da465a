using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// Which X12 set carries each document for one partner, and its entity id (the depositor order number): a pick slip
/// generated or reprinted is a 940, a purchase order or return authorization created or changed a 943. Everything else
/// has no set and is refused as <see cref="X12Dialect.NotApplicable"/>: items, vendors and order changes, a voided
/// pick slip (a 940 cancel must repeat the lines, which a void does not carry), a cancelled PO and a deleted RA.
/// </summary>
internal sealed class X12Documents(string action, X12Partner partner) : IWmsDocumentWriter<(IX12Document Set, string EntityId)>
{
    public (IX12Document Set, string EntityId) Item(WmsItem item) => throw Inapplicable("X12 partners receive no items: no transaction set here carries them.");

    public (IX12Document Set, string EntityId) Vendor(WmsVendor vendor) => throw Inapplicable("X12 partners receive no vendors: no transaction set here carries them.");

    public (IX12Document Set, string EntityId) OrderChange(WmsOrderChange orderChange) =>
        throw Inapplicable("X12 partners receive no order changes: no transaction set here carries them.");

    public (IX12Document Set, string EntityId) PickSlip(WmsPickSlip slip) => action != "void"
        ? (ShippingOrder(slip, action, partner), slip.PickSlipId)
        : throw Inapplicable($"Pick slip {slip.PickSlipId} was voided: a 940 cancel must repeat the slip's lines, which a void does not carry; tell the 3PL.");

    public (IX12Document Set, string EntityId) PurchaseOrder(WmsPurchaseOrder po) => action != "cancel"
        ? (TransferAdvice(po.PoNumber, po.PoNumber, po.Location, po.VendorId, po.ExpectedDate,
            po.Lines.Where(l => !l.Cancelled).Select(l => (l.Sku, l.Quantity, l.Unit)), partner), po.PoNumber)
        : throw Inapplicable($"Purchase order {po.PoNumber} was cancelled: a 943 cannot withdraw an advice; tell the 3PL.");

    public (IX12Document Set, string EntityId) ReturnAuthorization(WmsReturnAuthorization ra) => action != "delete"
        ? (TransferAdvice(ra.RaNumber, ra.OrderId, ra.Location, null, null, ra.Lines.Select(l => (l.Sku, l.Quantity, l.Unit)), partner), ra.RaNumber)
        : throw Inapplicable($"Return authorization {ra.RaNumber} was deleted: a 943 cannot withdraw an advice; tell the 3PL.");

    private static MappingException Inapplicable(string message) => new(X12Dialect.NotApplicable, message);

    private static ShipmentOrdered ShippingOrder(WmsPickSlip slip, string action, X12Partner partner)
    {
        var parties = new List<X12Party>();
        if (slip.ShipTo is { } to)
        {
            parties.Add(new X12Party("ST", to.Company is null ? to.Name : $"{to.Name} / {to.Company}", Street: new X12Street(to.Line1, to.Line2),
                Place: new X12Place(to.City, to.Region is { Length: 2 } ? to.Region : null, to.PostalCode, to.Country)));
        }

        parties.Add(Warehouse(slip.Location, partner));
        var carrier = slip.Carrier is null ? null : new X12Carrier("ZZ",
            Scac: slip.Carrier.Length is >= 2 and <= 4 && slip.Carrier.All(char.IsAsciiLetterOrDigit) ? slip.Carrier : null,
            Routing: slip.Service ?? slip.Carrier,
            PaymentMethod: "PP");
        var lines = slip.Lines.Where(l => !l.Backordered)
            .Select(l => new ShipmentOrderLine(l.LineNumber, l.Quantity, l.Unit, ItemId(l.Sku)))
            .ToValueList();
        if (lines.Count == 0)
        {
            throw Inapplicable($"Pick slip {slip.PickSlipId} has only backordered lines: a 940 needs a line to ship.");
        }

        return new ShipmentOrdered(action == "reprint" ? "T" : "N", slip.PickSlipId, slip.OrderId, parties.ToValueList(), [], [], carrier, lines);
    }

    private static TransferShipped TransferAdvice(
        string depositorNumber, string? purchaseOrder, string location, string? vendorId, DateOnly? expected,
        IEnumerable<(string Sku, long Quantity, string Unit)> lines, X12Partner partner)
    {
        var parties = new List<X12Party> { Warehouse(location, partner) };
        if (vendorId is not null)
        {
            parties.Add(new X12Party("VN", vendorId, "92", vendorId));
        }

        var items = lines.Select(l => new TransferLine(l.Quantity, l.Unit, ItemId(l.Sku))).ToValueList();
        return new TransferShipped("F", depositorNumber, expected, null, purchaseOrder, parties.ToValueList(), [], [], null, items, null);
    }

    /// <summary>N1*WH: the warehouse by the instance's code, with its GLN (qualifier UL) when one is configured.</summary>
    private static X12Party Warehouse(string location, X12Partner partner) =>
        partner.GlnForLocation(location) is { } gln ? new X12Party("WH", location, "UL", gln) : new X12Party("WH", location);

    /// <summary>A WMS SKU that is a GTIN goes as UK (GTIN-14); any other as SK (the partner's stock keeping unit).</summary>
    private static X12ItemId ItemId(string sku) =>
        Gs1Identifiers.TryParseGtin(sku, out var gtin, out _) ? X12ItemId.Gtin(gtin) : new X12ItemId("SK", sku);
}
