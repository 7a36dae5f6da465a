using WmsFunctions.Gs1;
using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 945 Warehouse Shipping Advice: the warehouse shipped (part of) an order. W06 (reporting code, depositor order
/// number, ship date, shipment id, PO number), N1 loops, N9, G62, W27 carrier, one LX loop per pack (MAN with the
/// SSCC-18 and/or the carrier's tracking number, W12 lines with shipped and ordered quantities and item, N9 per
/// line), W03 total units shipped and weight.
/// </summary>
public sealed record OrderShipped(
    string ReportingCode,
    string DepositorOrderNumber,
    DateOnly ShipDate,
    string ShipmentId,
    string? PurchaseOrderNumber,
    ValueList<X12Party> Parties,
    ValueList<X12Reference> References,
    ValueList<X12Date> Dates,
    X12Carrier? Carrier,
    ValueList<ShippedPack> Packs,
    X12Weight? TotalWeight) : IX12Document
{
    public string TransactionSetId => "945";

    public decimal TotalShipped => Packs.SelectMany(p => p.Lines).Sum(l => l.Shipped);
}

/// <summary>One LX loop: a pack (carton or pallet) with its SSCC-18 (MAN GM) and tracking number (MAN CP), and what it holds.</summary>
public sealed record ShippedPack(int Number, string? Sscc, string? TrackingNumber, ValueList<ShippedLine> Lines);

/// <summary>W12: status (e.g. CC complete, CP partial), ordered, shipped and difference quantities, unit, item, lot; N9 references (e.g. LI the order line).</summary>
public sealed record ShippedLine(
    string Status,
    decimal? Ordered,
    decimal Shipped,
    decimal? Difference,
    string Unit,
    X12ItemId Item,
    string? Lot,
    ValueList<X12Reference> References);

internal sealed class OrderShippedMap : X12SetMap<OrderShipped>
{
    private static readonly X12SegmentSpec Man = Segment("MAN", "Marks and Numbers",
    [
        Id("Marks and Numbers Qualifier", 1, 2, M, 88, "GM", "CP"),
        An("Marks and Numbers", 1, 48, M, 87),
    ]);

    private static readonly X12SegmentSpec W06 = Segment("W06", "Warehouse Shipment Identification",
    [
        Id("Reporting Code", 1, 1, M, 514),
        An("Depositor Order Number", 1, 22, M, 285),
        Dt("Date", M),
        An("Shipment Identification Number", 1, 30, M, 145),
        An("Agent Shipment ID Number", 1, 12, O, 531),
        An("Purchase Order Number", 1, 22, O, 324),
    ]);

    private static readonly X12SegmentSpec W12 = Segment("W12", "Warehouse Item Detail",
    [
        Id("Shipment/Order Status Code", 2, 2, M, 368),
        R("Quantity Ordered", 1, 15, O, 330),
        R("Number of Units Shipped", 1, 10, M, 382),
        R("Quantity Difference", 1, 9, O, 383),
        Id("Unit or Basis for Measurement Code", 2, 2, M, 355),
        An("U.P.C. Case Code", 12, 12, O, 438),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        An("Warehouse Lot Number", 1, 12, O, 451),
    ]);

    public override X12SetDefinition Definition { get; } = Set("945", "SW", "Warehouse Shipping Advice",
        Use(W06, M, 1),
        X12CommonSegments.PartyLoop(O, 10),
        Use(X12CommonSegments.N9, O, 10),
        Use(X12CommonSegments.G62, O, 10),
        Use(X12CommonSegments.W27, O, 1),
        Loop("LX", M, 9999, X12CommonSegments.Lx,
            Use(Man, O, 2),
            Loop("W12", M, 9999, W12, Use(X12CommonSegments.N9, O, 10))),
        Use(X12CommonSegments.W03, M, 1));

    protected override OrderShipped ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var w06 = body.Required("W06");
        var packs = body.Loops("LX").Select(lx =>
        {
            string? sscc = null;
            string? tracking = null;
            foreach (var man in lx.All("MAN"))
            {
                if (man.Required(1) == "GM")
                {
                    sscc = Once(sscc, man, "an SSCC", context) ?? ReadSscc(man, context);
                }
                else
                {
                    tracking = Once(tracking, man, "a tracking number", context) ?? man.Required(2);
                }
            }

            var lines = lx.Loops("W12").Select(loop =>
            {
                var w12 = loop.Trigger;
                return new ShippedLine(w12.Required(1), w12.Number(2), w12.Number(3)!.Value, w12.Number(4), w12.Required(5),
                    context.ItemId(w12, 7, 8), w12.Text(9), X12CommonSegments.ReadReferences(loop, "N9"));
            }).ToValueList();
            return new ShippedPack(lx.Trigger.Count(1)!.Value, sscc, tracking, lines);
        }).ToValueList();

        var weight = X12CommonSegments.ReadW03(body, packs.SelectMany(p => p.Lines).Sum(l => l.Shipped), "units shipped (W1203)", context);
        return new OrderShipped(w06.Required(1), w06.Required(2), w06.Date(3)!.Value, w06.Required(4), w06.Text(6),
            X12CommonSegments.ReadParties(body, context),
            X12CommonSegments.ReadReferences(body, "N9"),
            X12CommonSegments.ReadDates(body),
            X12CommonSegments.ReadW27(body),
            packs,
            weight);
    }

    /// <summary>A pack has one SSCC and one tracking number: a second MAN of the same kind is refused.</summary>
    private static string? Once(string? already, X12PositionedSegment man, string what, X12ReadContext context)
    {
        if (already is not null)
        {
            context.Issues.Error(X12ErrorCode.UnexpectedSegment, man, null, $"A pack carries {what} once; this MAN repeats it.");
        }

        return already;
    }

    /// <summary>MAN GM: the SSCC-18, with or without its application identifier (00); kept as its 18 digits.</summary>
    private static string ReadSscc(X12PositionedSegment man, X12ReadContext context)
    {
        var value = man.Required(2);
        if (!Gs1Identifiers.TryParseSscc(value, out var sscc, out var error))
        {
            context.Issues.Error(X12ErrorCode.InvalidIdentifier, man, 2, error!, badValue: value, reference: 87);
            return value;
        }

        return sscc.Value;
    }

    protected override List<X12Segment> WriteDocument(OrderShipped document)
    {
        var output = new List<X12Segment>
        {
            X12Segment.Of("W06", document.ReportingCode, document.DepositorOrderNumber, X12Format.Date(document.ShipDate), document.ShipmentId, null, document.PurchaseOrderNumber),
        };
        X12CommonSegments.WriteParties(document.Parties, output);
        X12CommonSegments.WriteReferences(document.References, "N9", output);
        X12CommonSegments.WriteDates(document.Dates, output);
        X12CommonSegments.WriteW27(document.Carrier, output);
        foreach (var pack in document.Packs)
        {
            output.Add(X12Segment.Of("LX", X12Format.Integer(pack.Number)));
            if (pack.Sscc is not null)
            {
                output.Add(X12Segment.Of("MAN", "GM", "00" + pack.Sscc));
            }

            if (pack.TrackingNumber is not null)
            {
                output.Add(X12Segment.Of("MAN", "CP", pack.TrackingNumber));
            }

            foreach (var line in pack.Lines)
            {
                output.Add(X12Segment.Of("W12", line.Status, X12Format.Decimal(line.Ordered), X12Format.Decimal(line.Shipped), X12Format.Decimal(line.Difference),
                    line.Unit, null, line.Item.Qualifier, X12ItemIds.Value(line.Item), line.Lot));
                X12CommonSegments.WriteReferences(line.References, "N9", output);
            }
        }

        X12CommonSegments.WriteW03(document.TotalShipped, document.TotalWeight, output);
        return output;
    }
}
