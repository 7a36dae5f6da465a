using System.Globalization;
using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>
/// 846 Inventory Inquiry/Advice: stock levels. BIA (purpose, report type, report id, date, time), DTM dates,
/// N1 loops (e.g. the warehouse), one LIN loop per item and location (LIN item ids, REF the location, QTY
/// loops with qualifier, quantity and unit, e.g. 17 on hand, 33 available), CTT line count and hash total.
/// </summary>
public sealed record InventoryReported(
    string Purpose,
    string ReportType,
    string ReportId,
    DateOnly Date,
    TimeOnly? Time,
    ValueList<X12DateTimeReference> Dates,
    ValueList<X12Party> Parties,
    ValueList<InventoryItem> Items) : IX12Document
{
    public string TransactionSetId => "846";
}

/// <summary>One LIN loop: an item (LIN02/03, up to two more ids), where it is (REF, optional) and its quantities.</summary>
public sealed record InventoryItem(string? LineId, X12ItemId Item, ValueList<X12ItemId> OtherItemIds, X12Reference? Location, ValueList<InventoryQuantity> Quantities);

/// <summary>QTY: a quantity qualifier (17 on hand, 33 available for sale, ...), the quantity and its unit (QTY03-01).</summary>
public sealed record InventoryQuantity(string Qualifier, decimal Quantity, string Unit);

internal sealed class InventoryReportedMap : X12SetMap<InventoryReported>
{
    private const long HashModulus = 10_000_000_000;

    private static readonly int[] OtherIdPositions = [4, 6];

    private static readonly X12SegmentSpec Bia = Segment("BIA", "Beginning Segment for Inventory Inquiry/Advice",
    [
        Id("Transaction Set Purpose Code", 2, 2, M, 353),
        Id("Report Type Code", 2, 2, M, 755),
        An("Reference Identification", 1, 30, M, 127),
        Dt("Date", M),
        Tm("Time", O),
    ]);

    private static readonly X12SegmentSpec Lin = Segment("LIN", "Item Identification",
    [
        An("Assigned Identification", 1, 20, O, 350),
        Id("Product/Service ID Qualifier", 2, 2, M, 235),
        An("Product/Service ID", 1, 48, M, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
        Id("Product/Service ID Qualifier", 2, 2, O, 235),
        An("Product/Service ID", 1, 48, O, 234),
    ], X12SyntaxRule.P(4, 5), X12SyntaxRule.P(6, 7));

    private static readonly X12SegmentSpec Qty = Segment("QTY", "Quantity",
    [
        Id("Quantity Qualifier", 2, 2, M, 673),
        R("Quantity", 1, 15, M, 380),
        Composite("Composite Unit of Measure", M, Id("Unit or Basis for Measurement Code", 2, 2, M, 355)),
    ]);

    private static readonly X12SegmentSpec Ctt = Segment("CTT", "Transaction Totals",
    [
        N0("Number of Line Items", 1, 6, M, 354),
        R("Hash Total", 1, 10, O, 347),
    ]);

    public override X12SetDefinition Definition { get; } = Set("846", "IB", "Inventory Inquiry/Advice",
        Use(Bia, M, 1),
        Use(X12CommonSegments.Dtm, O, 10),
        X12CommonSegments.PartyLoop(O, 5),
        Loop("LIN", M, 10000, Lin,
            Use(X12CommonSegments.Ref, O, 1),
            Loop("QTY", M, 99, Qty)),
        Use(Ctt, O, 1));

    public override IReadOnlySet<string> DerivedSegments { get; } = new HashSet<string>(["CTT"], StringComparer.Ordinal);

    protected override InventoryReported ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var bia = body.Required("BIA");
        var quantityTexts = new List<string>();
        var items = body.Loops("LIN").Select(loop =>
        {
            var lin = loop.Trigger;
            var others = new List<X12ItemId>();
            foreach (var position in OtherIdPositions)
            {
                if (context.OptionalItemId(lin, position, position + 1) is { } other)
                {
                    others.Add(other);
                }
            }

            var quantities = loop.Loops("QTY").Select(q =>
            {
                var qty = q.Trigger;
                quantityTexts.Add(qty.Required(2));
                return new InventoryQuantity(qty.Required(1), qty.Number(2)!.Value, qty.Component(3, 1)!);
            }).ToValueList();
            var location = loop.One("REF");
            return new InventoryItem(lin.Text(1), context.ItemId(lin, 2, 3), others.ToValueList(),
                location is null ? null : new X12Reference(location.Required(1), location.Required(2)), quantities);
        }).ToValueList();

        if (body.One("CTT") is { } ctt)
        {
            context.CheckTotal(ctt, 1, items.Count, "LIN loops");
            context.CheckTotal(ctt, 2, HashTotal(quantityTexts), "QTY02 quantities (hash total)");
        }

        return new InventoryReported(bia.Required(1), bia.Required(2), bia.Required(3), bia.Date(4)!.Value, bia.Time(5),
            body.All("DTM").Select(d => new X12DateTimeReference(d.Required(1), d.Date(2)!.Value, d.Time(3))).ToValueList(),
            X12CommonSegments.ReadParties(body, context),
            items);
    }

    /// <summary>
    /// The X12 hash total: the values added up ignoring decimal points and signs, keeping the rightmost ten digits.
    /// </summary>
    private static long HashTotal(IEnumerable<string> values) =>
        values.Aggregate(0L, (sum, value) =>
        {
            var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
            var tail = digits.Length > 10 ? digits[^10..] : digits;
            return (sum + long.Parse(tail, CultureInfo.InvariantCulture)) % HashModulus;
        });

    protected override List<X12Segment> WriteDocument(InventoryReported document)
    {
        var output = new List<X12Segment>
        {
            X12Segment.Of("BIA", document.Purpose, document.ReportType, document.ReportId, X12Format.Date(document.Date), X12Format.Time(document.Time)),
        };
        output.AddRange(document.Dates.Select(d => X12Segment.Of("DTM", d.Qualifier, X12Format.Date(d.Date), X12Format.Time(d.Time))));
        X12CommonSegments.WriteParties(document.Parties, output);
        var quantityTexts = new List<string>();
        foreach (var item in document.Items)
        {
            var ids = new List<string?> { item.LineId, item.Item.Qualifier, X12ItemIds.Value(item.Item) };
            foreach (var other in item.OtherItemIds)
            {
                ids.Add(other.Qualifier);
                ids.Add(X12ItemIds.Value(other));
            }

            output.Add(X12Segment.Of("LIN", [.. ids]));
            if (item.Location is { } location)
            {
                output.Add(X12Segment.Of("REF", location.Qualifier, location.Value));
            }

            foreach (var quantity in item.Quantities)
            {
                var text = X12Format.Decimal(quantity.Quantity);
                quantityTexts.Add(text);
                output.Add(X12Segment.Create("QTY", X12Element.FromString(quantity.Qualifier), X12Element.FromString(text), X12Element.Composite(quantity.Unit)));
            }
        }

        output.Add(X12Segment.Of("CTT", X12Format.Integer(document.Items.Count), X12Format.Integer(HashTotal(quantityTexts))));
        return output;
    }
}
