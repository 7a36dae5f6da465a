using System.Text;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// EDI X12 (4010) for 3PLs that speak nothing else. One interchange (ISA/GS/ST, one set) per document, POSTed
/// AS2-style to the partner's endpoint (<c>Outbound:BaseUrl</c> + <c>X12:Path</c>, Content-Type
/// <c>application/edi-x12</c>) through the instance's resilience pipeline and credentials like every adapter:
/// <list type="bullet">
/// <item>pick slip generated -> 940 W05 N (original), reprint -> 940 W05 T (resubmission);</item>
/// <item>purchase order created or changed -> 943 (W06 F, depositor order number = PO number);</item>
/// <item>return authorization created or changed -> 943 (depositor order number = RA number, W06 PO = the order).</item>
/// </list>
/// Everything else has no set here and is refused as <c>not-applicable</c> (a failed sync a person acts on):
/// items, vendors and order changes (the configuration already refuses them at start), a voided pick slip (a 940
/// cancel must repeat the lines, which a void does not carry), a cancelled PO and a deleted RA. Control numbers come
/// from <see cref="TableControlNumbers"/>; each interchange is recorded in <see cref="X12InterchangeLog"/> before it
/// is sent, so the partner's 997 can be matched. A redelivered message is written again with new control numbers:
/// numbers are never reused, and the partner keys the order on its depositor order number.
/// </summary>
public sealed class X12Adapter(X12Partners partners, IControlNumbers controlNumbers, X12InterchangeLog log, TimeProvider time) : IWmsAdapter
{
    public const string AdapterName = X12OptionsValidator.AdapterName;

    public const string ContentType = "application/edi-x12";

    public const string NotApplicable = "not-applicable";

    public const string NotRepresentable = "x12-not-representable";

    public string Name => AdapterName;

    /// <summary>Not used: an interchange needs durable control numbers; the dispatcher calls <see cref="RenderAsync"/>.</summary>
    public WmsRequest Render(WmsDocument document, OutboundInstance instance) =>
        throw new NotSupportedException("X12 interchanges are rendered with RenderAsync (control numbers come from storage).");

    public async ValueTask<WmsRequest> RenderAsync(WmsDocument document, OutboundInstance instance, CancellationToken cancellationToken)
    {
        if (!partners.TryGet(instance.Tenant, instance.Id, out var partner))
        {
            throw new MappingException("no-adapter", $"WMS instance '{instance.Id}' has no X12 settings.");
        }

        var (set, entityId) = Document(document, partner);
        X12Outbound written;
        try
        {
            written = await new X12Writer(partner.Options, time, controlNumbers).WriteAsync([set], cancellationToken).ConfigureAwait(false);
        }
        catch (X12Exception unwritable)
        {
            throw new MappingException(NotRepresentable, $"The {set.TransactionSetId} cannot be written for this partner: {unwritable.Error}");
        }

        await log.RecordAsync(instance.Tenant, instance.Id, written, document.Flow, entityId, document.Version, document.MessageId, cancellationToken).ConfigureAwait(false);
        return new WmsRequest(HttpMethod.Post, partner.Settings.Path, ContentType, Encoding.ASCII.GetBytes(written.Text));
    }

    /// <summary>X12 partners answer with a status (and a 997 later, to the inbound endpoint): no refusal has a name the hub knows.</summary>
    public string? RefusalReason(int status, string? contentType, string body) => null;

    private static (IX12Document Set, string EntityId) Document(WmsDocument document, X12Partner partner) => document.Entity switch
    {
        WmsPickSlip slip when document.Action != "void" => (ShippingOrder(slip, document.Action, partner), slip.PickSlipId),
        WmsPickSlip slip => throw Inapplicable($"Pick slip {slip.PickSlipId} was voided: a 940 cancel must repeat the slip's lines, which a void does not carry; tell the 3PL."),
        WmsPurchaseOrder po when document.Action != "cancel" => (TransferAdvice(po.PoNumber, po.PoNumber, po.Location, po.VendorId, po.ExpectedDate,
            po.Lines.Where(l => !l.Cancelled).Select(l => (l.Sku, l.Quantity, l.Unit)), partner), po.PoNumber),
        WmsPurchaseOrder po => throw Inapplicable($"Purchase order {po.PoNumber} was cancelled: a 943 cannot withdraw an advice; tell the 3PL."),
        WmsReturnAuthorization ra when document.Action != "delete" => (TransferAdvice(ra.RaNumber, ra.OrderId, ra.Location, null, null,
            ra.Lines.Select(l => (l.Sku, l.Quantity, l.Unit)), partner), ra.RaNumber),
        WmsReturnAuthorization ra => throw Inapplicable($"Return authorization {ra.RaNumber} was deleted: a 943 cannot withdraw an advice; tell the 3PL."),
        _ => throw Inapplicable($"X12 partners receive no {document.Flow}: no transaction set here carries it."),
    };

    private static MappingException Inapplicable(string message) => new(NotApplicable, message);

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
