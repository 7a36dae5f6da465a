using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 940 Warehouse Shipping Order: the depositor asks the warehouse to ship an order. W05 (order status, depositor
/// order number, PO number), N1 loops (ship-to, ship-from, ...), N9 references, G62 dates, W66 carrier, one
/// LX/W01 loop per line (quantity, unit, item ids, G69 description); W76 carries the total quantity.
/// </summary>
public sealed record ShipmentOrdered(
    string OrderStatus,
    string DepositorOrderNumber,
    string? PurchaseOrderNumber,
    ValueList<X12Party> Parties,
    ValueList<X12Reference> References,
    ValueList<X12Date> Dates,
    X12Carrier? Carrier,
    ValueList<ShipmentOrderLine> Lines) : IX12Document
{
    public string TransactionSetId => "940";

    public decimal TotalQuantity => Lines.Sum(l => l.Quantity);
}

/// <summary>One line to ship: LX01 line number, W01 quantity, unit, item (and an alternate item id), G69 description.</summary>
public sealed record ShipmentOrderLine(int Number, decimal Quantity, string Unit, X12ItemId Item, X12ItemId? AlternateItem = null, string? Description = null);

internal sealed class ShipmentOrderedMap : X12SetMap<ShipmentOrdered>
{
    private static readonly X12SegmentSpec W05 = Segment("W05", "Shipping Order Identification",
    [
        Id("Order Status Code", 1, 1, M, 473),
        An("Depositor Order Number", 1, 22, M, 285),
        An("Purchase Order Number", 1, 22, O, 324),
    ]);

    private static readonly X12SegmentSpec W66 = Segment("W66", "Warehouse Carrier Information",
    [
        Id("Shipment Method of Payment", 2, 2, M, 146),
        Id("Transportation Method/Type Code", 1, 2, M, 91),
        Id("Pallet Exchange Code", 1, 1, O),
        Id("Unit Load Option Code", 2, 2, O),
        An("Routing", 1, 35, O, 387),
        Id("F.O.B. Point Code", 2, 2, O),
        An("F.O.B. Point", 1, 30, O),
        Id("COD Method of Payment Code", 1, 1, O),
        N2("Amount", 1, 9, O),
        Id("Standard Carrier Alpha Code", 2, 4, O, 140),
    ]);

    private static readonly X12SegmentSpec W01 = Segment("W01", "Line Item Detail - Warehouse",
    [
        R("Quantity Ordered", 1, 15, M, 330),
        Id("Unit or Basis for Measurement Code", 2, 2, M, 355),
        An("U.P.C. Case Code", 12, 12, O, 438),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
    ], X12SyntaxRule.P(6, 7));

    private static readonly X12SegmentSpec W76 = Segment("W76", "Total Shipping Order",
    [
        R("Quantity Ordered", 1, 15, M, 330),
    ]);

    public override X12SetDefinition Definition { get; } = Set("940", "OW", "Warehouse Shipping Order",
        Use(W05, M, 1),
        X12CommonSegments.PartyLoop(O, 10),
        Use(X12CommonSegments.N9, O, 10),
        Use(X12CommonSegments.G62, O, 10),
        Use(W66, O, 1),
        Loop("LX", M, 9999, X12CommonSegments.Lx,
            Loop("W01", M, 1, W01, Use(X12CommonSegments.G69, O, 1))),
        Use(W76, O, 1));

    public override IReadOnlySet<string> DerivedSegments { get; } = new HashSet<string>(["W76"], StringComparer.Ordinal);

    protected override ShipmentOrdered ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var w05 = body.Required("W05");
        var lines = body.Loops("LX").Select(lx =>
        {
            var item = lx.Loops("W01").First();
            var w01 = item.Trigger;
            return new ShipmentOrderLine(lx.Trigger.Count(1)!.Value, w01.Number(1)!.Value, w01.Required(2),
                context.ItemId(w01, 4, 5), context.OptionalItemId(w01, 6, 7), item.One("G69")?.Required(1));
        }).ToValueList();

        if (body.One("W76") is { } w76)
        {
            context.CheckTotal(w76, 1, lines.Sum(l => l.Quantity), "quantities ordered (W0101)");
        }

        var w66 = body.One("W66");
        return new ShipmentOrdered(w05.Required(1), w05.Required(2), w05.Text(3),
            X12CommonSegments.ReadParties(body, context),
            X12CommonSegments.ReadReferences(body, "N9"),
            X12CommonSegments.ReadDates(body),
            w66 is null ? null : new X12Carrier(w66.Required(2), w66.Text(10), w66.Text(5), w66.Required(1)),
            lines);
    }

    protected override List<X12Segment> WriteDocument(ShipmentOrdered document)
    {
        var output = new List<X12Segment> { X12Segment.Of("W05", document.OrderStatus, document.DepositorOrderNumber, document.PurchaseOrderNumber) };
        X12CommonSegments.WriteParties(document.Parties, output);
        X12CommonSegments.WriteReferences(document.References, "N9", output);
        X12CommonSegments.WriteDates(document.Dates, output);
        if (document.Carrier is { } carrier)
        {
            output.Add(X12Segment.Of("W66", carrier.PaymentMethod, carrier.TransportationMethod, null, null, carrier.Routing, null, null, null, null, carrier.Scac));
        }

        foreach (var line in document.Lines)
        {
            output.Add(X12Segment.Of("LX", X12Format.Integer(line.Number)));
            output.Add(X12Segment.Of("W01", X12Format.Decimal(line.Quantity), line.Unit, null,
                line.Item.Qualifier, X12ItemIds.Value(line.Item), line.AlternateItem?.Qualifier, X12ItemIds.Value(line.AlternateItem)));
            if (line.Description is not null)
            {
                output.Add(X12Segment.Of("G69", line.Description));
            }
        }

        output.Add(X12Segment.Of("W76", X12Format.Decimal(document.TotalQuantity)));
        return output;
    }
}
