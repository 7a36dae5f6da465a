using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 944 Warehouse Stock Transfer Receipt Advice: the warehouse received goods. W17 (reporting code, date received,
/// warehouse receipt number, depositor order number, shipment id), N1 loops, N9, G62, W07 lines (quantity
/// received, unit, item, lot), W14 total quantity received.
/// </summary>
public sealed record TransferReceived(
    string ReportingCode,
    DateOnly ReceivedDate,
    string ReceiptNumber,
    string DepositorOrderNumber,
    string? ShipmentId,
    ValueList<X12Party> Parties,
    ValueList<X12Reference> References,
    ValueList<X12Date> Dates,
    ValueList<ReceivedLine> Lines) : IX12Document
{
    public string TransactionSetId => "944";

    public decimal TotalReceived => Lines.Sum(l => l.Quantity);
}

/// <summary>W07: quantity received, unit, item (and an alternate item id), warehouse lot.</summary>
public sealed record ReceivedLine(decimal Quantity, string Unit, X12ItemId Item, X12ItemId? AlternateItem = null, string? Lot = null);

internal sealed class TransferReceivedMap : X12SetMap<TransferReceived>
{
    private static readonly X12SegmentSpec W17 = Segment("W17", "Warehouse Receipt Identification",
    [
        Id("Reporting Code", 1, 1, M, 514),
        Dt("Date", M),
        An("Warehouse Receipt Number", 1, 12, M, 394),
        An("Depositor Order Number", 1, 22, M, 285),
        An("Shipment Identification Number", 1, 30, O, 145),
    ]);

    private static readonly X12SegmentSpec W07 = Segment("W07", "Item Detail For Stock Receipt",
    [
        R("Quantity Received", 1, 7, M, 413),
        Id("Unit or Basis for Measurement Code", 2, 2, M, 355),
        An("U.P.C. Case Code", 12, 12, O, 438),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
        An("Warehouse Lot Number", 1, 12, O, 451),
    ], X12SyntaxRule.P(6, 7));

    private static readonly X12SegmentSpec W14 = Segment("W14", "Total Receipt Information",
    [
        R("Quantity Received", 1, 15, M, 413),
    ]);

    public override X12SetDefinition Definition { get; } = Set("944", "RE", "Warehouse Stock Transfer Receipt Advice",
        Use(W17, M, 1),
        X12CommonSegments.PartyLoop(O, 10),
        Use(X12CommonSegments.N9, O, 10),
        Use(X12CommonSegments.G62, O, 5),
        Loop("W07", M, 9999, W07),
        Use(W14, M, 1));

    protected override TransferReceived ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var w17 = body.Required("W17");
        var lines = body.Loops("W07").Select(loop =>
        {
            var w07 = loop.Trigger;
            return new ReceivedLine(w07.Number(1)!.Value, w07.Required(2), context.ItemId(w07, 4, 5), context.OptionalItemId(w07, 6, 7), w07.Text(8));
        }).ToValueList();
        context.CheckTotal(body.Required("W14"), 1, lines.Sum(l => l.Quantity), "quantities received (W0701)");
        return new TransferReceived(w17.Required(1), w17.Date(2)!.Value, w17.Required(3), w17.Required(4), w17.Text(5),
            X12CommonSegments.ReadParties(body, context),
            X12CommonSegments.ReadReferences(body, "N9"),
            X12CommonSegments.ReadDates(body),
            lines);
    }

    protected override List<X12Segment> WriteDocument(TransferReceived document)
    {
        var output = new List<X12Segment>
        {
            X12Segment.Of("W17", document.ReportingCode, X12Format.Date(document.ReceivedDate), document.ReceiptNumber, document.DepositorOrderNumber, document.ShipmentId),
        };
        X12CommonSegments.WriteParties(document.Parties, output);
        X12CommonSegments.WriteReferences(document.References, "N9", output);
        X12CommonSegments.WriteDates(document.Dates, output);
        foreach (var line in document.Lines)
        {
            output.Add(X12Segment.Of("W07", X12Format.Decimal(line.Quantity), line.Unit, null,
                line.Item.Qualifier, X12ItemIds.Value(line.Item), line.AlternateItem?.Qualifier, X12ItemIds.Value(line.AlternateItem), line.Lot));
        }

        output.Add(X12Segment.Of("W14", X12Format.Decimal(document.TotalReceived)));
        return output;
    }
}
