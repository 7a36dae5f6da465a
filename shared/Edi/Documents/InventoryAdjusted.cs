using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 947 Warehouse Inventory Adjustment Advice: the warehouse changed stock levels or status. W15 (date, the
/// warehouse's and the depositor's adjustment numbers), N1 loops (at least one, e.g. the warehouse), N9, G62,
/// one W19 loop per adjusted item (reason code, signed quantity, unit, item, lot; N9 references such as a location).
/// </summary>
public sealed record InventoryAdjusted(
    DateOnly Date,
    string AdjustmentNumber,
    string DepositorAdjustmentNumber,
    ValueList<X12Party> Parties,
    ValueList<X12Reference> References,
    ValueList<X12Date> Dates,
    ValueList<AdjustmentLine> Lines) : IX12Document
{
    public string TransactionSetId => "947";
}

/// <summary>W19: the adjustment reason (e.g. AA physical count, AU damaged in facility), quantity (negative for a decrease), unit, item, lot.</summary>
public sealed record AdjustmentLine(
    string Reason,
    decimal Quantity,
    string Unit,
    X12ItemId Item,
    X12ItemId? AlternateItem,
    string? Lot,
    ValueList<X12Reference> References);

internal sealed class InventoryAdjustedMap : X12SetMap<InventoryAdjusted>
{
    private static readonly X12SegmentSpec W15 = Segment("W15", "Warehouse Adjustment Identification",
    [
        Dt("Date", M),
        An("Adjustment Number", 1, 22, M),
        An("Adjustment Number", 1, 22, M),
    ]);

    private static readonly X12SegmentSpec W19 = Segment("W19", "Warehouse Adjustment Item Detail",
    [
        Id("Quantity or Status Adjustment Reason Code", 2, 2, M, 181),
        R("Credit/Debit Quantity", 1, 10, M, 477),
        Id("Unit or Basis for Measurement Code", 2, 2, M, 355),
        An("U.P.C. Case Code", 12, 12, O, 438),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
        An("Warehouse Lot Number", 1, 12, O, 451),
    ], X12SyntaxRule.P(7, 8));

    public override X12SetDefinition Definition { get; } = Set("947", "AW", "Warehouse Inventory Adjustment Advice",
        Use(W15, M, 1),
        X12CommonSegments.PartyLoop(M, 100),
        Use(X12CommonSegments.N9, O, 10),
        Use(X12CommonSegments.G62, O, 5),
        Loop("W19", M, 9999, W19, Use(X12CommonSegments.N9, O, 10)));

    protected override InventoryAdjusted ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var w15 = body.Required("W15");
        var lines = body.Loops("W19").Select(loop =>
        {
            var w19 = loop.Trigger;
            return new AdjustmentLine(w19.Required(1), w19.Number(2)!.Value, w19.Required(3), context.ItemId(w19, 5, 6),
                context.OptionalItemId(w19, 7, 8), w19.Text(9), X12CommonSegments.ReadReferences(loop, "N9"));
        }).ToValueList();
        return new InventoryAdjusted(w15.Date(1)!.Value, w15.Required(2), w15.Required(3),
            X12CommonSegments.ReadParties(body, context),
            X12CommonSegments.ReadReferences(body, "N9"),
            X12CommonSegments.ReadDates(body),
            lines);
    }

    protected override List<X12Segment> WriteDocument(InventoryAdjusted document)
    {
        var output = new List<X12Segment> { X12Segment.Of("W15", X12Format.Date(document.Date), document.AdjustmentNumber, document.DepositorAdjustmentNumber) };
        X12CommonSegments.WriteParties(document.Parties, output);
        X12CommonSegments.WriteReferences(document.References, "N9", output);
        X12CommonSegments.WriteDates(document.Dates, output);
        foreach (var line in document.Lines)
        {
            output.Add(X12Segment.Of("W19", line.Reason, X12Format.Decimal(line.Quantity), line.Unit, null,
                line.Item.Qualifier, X12ItemIds.Value(line.Item), line.AlternateItem?.Qualifier, X12ItemIds.Value(line.AlternateItem), line.Lot));
            X12CommonSegments.WriteReferences(line.References, "N9", output);
        }

        return output;
    }
}
