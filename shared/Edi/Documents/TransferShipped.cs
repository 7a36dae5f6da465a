using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 943 Warehouse Stock Transfer Shipment Advice: goods are on their way to the warehouse (a purchase order or a
/// return expected). W06 header (the 4010 943 header: reporting code, depositor order number, ship date, shipment
/// id, PO number), N1 loops (at least one), N9, G62, W27 carrier, W04 lines, W03 total units and weight.
/// </summary>
public sealed record TransferShipped(
    string ReportingCode,
    string DepositorOrderNumber,
    DateOnly? ShipDate,
    string? ShipmentId,
    string? PurchaseOrderNumber,
    ValueList<X12Party> Parties,
    ValueList<X12Reference> References,
    ValueList<X12Date> Dates,
    X12Carrier? Carrier,
    ValueList<TransferLine> Lines,
    X12Weight? TotalWeight) : IX12Document
{
    public string TransactionSetId => "943";

    public decimal TotalQuantity => Lines.Sum(l => l.Quantity);
}

/// <summary>W04: units shipped, unit, item (and an alternate item id).</summary>
public sealed record TransferLine(decimal Quantity, string Unit, X12ItemId Item, X12ItemId? AlternateItem = null);

internal sealed class TransferShippedMap : X12SetMap<TransferShipped>
{
    private static readonly X12SegmentSpec W06 = Segment("W06", "Warehouse Shipment Identification",
    [
        Id("Reporting Code", 1, 1, M, 514),
        An("Depositor Order Number", 1, 22, M, 285),
        Dt("Date", O),
        An("Shipment Identification Number", 1, 30, O, 145),
        An("Agent Shipment ID Number", 1, 12, O, 531),
        An("Purchase Order Number", 1, 22, O, 324),
    ]);

    private static readonly X12SegmentSpec W04 = Segment("W04", "Item Detail Total",
    [
        R("Number of Units Shipped", 1, 10, M, 382),
        Id("Unit or Basis for Measurement Code", 2, 2, M, 355),
        An("U.P.C. Case Code", 12, 12, O, 438),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
    ], X12SyntaxRule.P(6, 7));

    public override X12SetDefinition Definition { get; } = Set("943", "AR", "Warehouse Stock Transfer Shipment Advice",
        Use(W06, M, 1),
        X12CommonSegments.PartyLoop(M, 10),
        Use(X12CommonSegments.N9, O, 10),
        Use(X12CommonSegments.G62, O, 5),
        Use(X12CommonSegments.W27, O, 1),
        Loop("W04", M, 9999, W04),
        Use(X12CommonSegments.W03, M, 1));

    protected override TransferShipped ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var w06 = body.Required("W06");
        var lines = body.Loops("W04").Select(loop =>
        {
            var w04 = loop.Trigger;
            return new TransferLine(w04.Number(1)!.Value, w04.Required(2), context.ItemId(w04, 4, 5), context.OptionalItemId(w04, 6, 7));
        }).ToValueList();
        var weight = X12CommonSegments.ReadW03(body, lines.Sum(l => l.Quantity), "units shipped (W0401)", context);
        return new TransferShipped(w06.Required(1), w06.Required(2), w06.Date(3), w06.Text(4), w06.Text(6),
            X12CommonSegments.ReadParties(body, context),
            X12CommonSegments.ReadReferences(body, "N9"),
            X12CommonSegments.ReadDates(body),
            X12CommonSegments.ReadW27(body),
            lines,
            weight);
    }

    protected override List<X12Segment> WriteDocument(TransferShipped document)
    {
        var output = new List<X12Segment>
        {
            X12Segment.Of("W06", document.ReportingCode, document.DepositorOrderNumber, X12Format.Date(document.ShipDate), document.ShipmentId, null, document.PurchaseOrderNumber),
        };
        X12CommonSegments.WriteParties(document.Parties, output);
        X12CommonSegments.WriteReferences(document.References, "N9", output);
        X12CommonSegments.WriteDates(document.Dates, output);
        X12CommonSegments.WriteW27(document.Carrier, output);
        foreach (var line in document.Lines)
        {
            output.Add(X12Segment.Of("W04", X12Format.Decimal(line.Quantity), line.Unit, null,
                line.Item.Qualifier, X12ItemIds.Value(line.Item), line.AlternateItem?.Qualifier, X12ItemIds.Value(line.AlternateItem)));
        }

        X12CommonSegments.WriteW03(document.TotalQuantity, document.TotalWeight, output);
        return output;
    }
}
