using WmsFunctions.Gs1;
using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>A party (N1 loop: N1, optionally N3 and N4). Identification qualifier UL means a GLN, checked with its GS1 check digit.</summary>
public sealed record X12Party(string EntityCode, string? Name, string? IdQualifier = null, string? Id = null, X12Street? Street = null, X12Place? Place = null);

/// <summary>N3: one or two address lines.</summary>
public sealed record X12Street(string Line1, string? Line2 = null);

/// <summary>N4: city, state or province, postal code, country.</summary>
public sealed record X12Place(string? City, string? State, string? PostalCode, string? Country);

/// <summary>A qualified reference (N9 or REF: qualifier and value).</summary>
public sealed record X12Reference(string Qualifier, string Value);

/// <summary>G62: a qualified date, optionally with a qualified time.</summary>
public sealed record X12Date(string Qualifier, DateOnly Date, string? TimeQualifier = null, TimeOnly? Time = null);

/// <summary>DTM: a qualified date, optionally with a time.</summary>
public sealed record X12DateTimeReference(string Qualifier, DateOnly Date, TimeOnly? Time = null);

/// <summary>Carrier details (W27 in advices, W66 in the shipping order): transportation method, SCAC, routing, payment method.</summary>
public sealed record X12Carrier(string TransportationMethod, string? Scac = null, string? Routing = null, string? PaymentMethod = null);

/// <summary>A weight and its unit code (e.g. LB, KG).</summary>
public sealed record X12Weight(decimal Value, string Unit);

/// <summary>
/// An item identifier: a product/service id qualifier and the id. For the GS1 qualifiers (UK GTIN-14, UP UPC-A
/// 12 digits, EN EAN-13) the value is the GTIN normalised to 14 digits, whatever length the qualifier writes;
/// other qualifiers (VN vendor's item, SK SKU, BP buyer's part, ...) keep their value as it is.
/// </summary>
public sealed record X12ItemId(string Qualifier, string Value)
{
    public static X12ItemId Gtin(Gs1Identifier gtin, string qualifier = "UK") =>
        gtin.Kind == Gs1Kind.Gtin ? new(qualifier, gtin.Value) : throw new ArgumentException("Not a GTIN.", nameof(gtin));

    /// <summary>How many digits the qualifier writes, for the GS1 qualifiers.</summary>
    public static int? GtinDigits(string qualifier) => qualifier switch
    {
        "UK" => 14,
        "EN" => 13,
        "UP" => 12,
        _ => null,
    };
}

/// <summary>The segments several sets share, as this implementation uses them (4010 element positions and lengths).</summary>
internal static class X12CommonSegments
{
    public static readonly X12SegmentSpec N1 = Segment("N1", "Name",
    [
        Id("Entity Identifier Code", 2, 3, M, 98),
        An("Name", 1, 60, O, 93),
        Id("Identification Code Qualifier", 1, 2, O, 66),
        An("Identification Code", 2, 80, O, 67),
    ], X12SyntaxRule.R(2, 3), X12SyntaxRule.P(3, 4));

    public static readonly X12SegmentSpec N3 = Segment("N3", "Address Information",
    [
        An("Address Information", 1, 55, M, 166),
        An("Address Information", 1, 55, O, 166),
    ]);

    public static readonly X12SegmentSpec N4 = Segment("N4", "Geographic Location",
    [
        An("City Name", 2, 30, O, 19),
        Id("State or Province Code", 2, 2, O, 156),
        Id("Postal Code", 3, 15, O, 116),
        Id("Country Code", 2, 3, O, 26),
    ]);

    public static readonly X12SegmentSpec N9 = Segment("N9", "Reference Identification",
    [
        Id("Reference Identification Qualifier", 2, 3, M, 128),
        An("Reference Identification", 1, 30, M, 127),
    ]);

    public static readonly X12SegmentSpec Ref = Segment("REF", "Reference Identification",
    [
        Id("Reference Identification Qualifier", 2, 3, M, 128),
        An("Reference Identification", 1, 30, M, 127),
    ]);

    public static readonly X12SegmentSpec G62 = Segment("G62", "Date/Time",
    [
        Id("Date Qualifier", 2, 2, M, 432),
        Dt("Date", M),
        Id("Time Qualifier", 1, 2, O, 176),
        Tm("Time", O),
    ], X12SyntaxRule.P(3, 4));

    public static readonly X12SegmentSpec Dtm = Segment("DTM", "Date/Time Reference",
    [
        Id("Date/Time Qualifier", 3, 3, M, 374),
        Dt("Date", M),
        Tm("Time", O),
    ]);

    public static readonly X12SegmentSpec G69 = Segment("G69", "Line Item Detail - Description",
    [
        An("Free-form Description", 1, 45, M, 348),
    ]);

    public static readonly X12SegmentSpec Lx = Segment("LX", "Assigned Number",
    [
        N0("Assigned Number", 1, 6, M, 554),
    ]);

    public static readonly X12SegmentSpec W27 = Segment("W27", "Carrier Detail",
    [
        Id("Transportation Method/Type Code", 1, 2, M, 91),
        Id("Standard Carrier Alpha Code", 2, 4, O, 140),
        An("Routing", 1, 35, O, 387),
        Id("Shipment Method of Payment", 2, 2, O, 146),
    ]);

    public static readonly X12SegmentSpec W03 = Segment("W03", "Total Shipment Information",
    [
        R("Number of Units Shipped", 1, 10, M, 382),
        R("Weight", 1, 10, O, 81),
        Id("Unit or Basis for Measurement Code", 2, 2, O, 355),
    ], X12SyntaxRule.P(2, 3));

    /// <summary>The N1 loop: N1, N3, N4 (up to <paramref name="maxUse"/> parties).</summary>
    public static X12LoopUse PartyLoop(bool mandatory, int maxUse) =>
        Loop("N1", mandatory, maxUse, N1, Use(N3, O, 1), Use(N4, O, 1));

    public static ValueList<X12Party> ReadParties(X12LoopInstance parent, X12ReadContext context) =>
        parent.Loops("N1").Select(loop =>
        {
            var n1 = loop.Trigger;
            if (n1.Text(3) == "UL" && n1.Text(4) is { } gln && !Gs1Identifiers.TryParseGln(gln, out _, out var error))
            {
                context.Issues.Error(X12ErrorCode.InvalidIdentifier, n1, 4, error!, badValue: gln, reference: 67);
            }

            var n3 = loop.One("N3");
            var n4 = loop.One("N4");
            return new X12Party(n1.Required(1), n1.Text(2), n1.Text(3), n1.Text(4),
                n3 is null ? null : new X12Street(n3.Required(1), n3.Text(2)),
                n4 is null ? null : new X12Place(n4.Text(1), n4.Text(2), n4.Text(3), n4.Text(4)));
        }).ToValueList();

    public static void WriteParties(IEnumerable<X12Party> parties, List<X12Segment> output)
    {
        foreach (var party in parties)
        {
            output.Add(X12Segment.Of("N1", party.EntityCode, party.Name, party.IdQualifier, party.Id));
            if (party.Street is { } street)
            {
                output.Add(X12Segment.Of("N3", street.Line1, street.Line2));
            }

            if (party.Place is { } place)
            {
                output.Add(X12Segment.Of("N4", place.City, place.State, place.PostalCode, place.Country));
            }
        }
    }

    public static ValueList<X12Reference> ReadReferences(X12LoopInstance parent, string segmentId) =>
        parent.All(segmentId).Select(s => new X12Reference(s.Required(1), s.Required(2))).ToValueList();

    public static void WriteReferences(IEnumerable<X12Reference> references, string segmentId, List<X12Segment> output) =>
        output.AddRange(references.Select(r => X12Segment.Of(segmentId, r.Qualifier, r.Value)));

    public static ValueList<X12Date> ReadDates(X12LoopInstance parent) =>
        parent.All("G62").Select(s => new X12Date(s.Required(1), s.Date(2)!.Value, s.Text(3), s.Time(4))).ToValueList();

    public static void WriteDates(IEnumerable<X12Date> dates, List<X12Segment> output) =>
        output.AddRange(dates.Select(d => X12Segment.Of("G62", d.Qualifier, X12Format.Date(d.Date), d.TimeQualifier, X12Format.Time(d.Time))));

    public static X12Carrier? ReadW27(X12LoopInstance parent) =>
        parent.One("W27") is { } w27 ? new X12Carrier(w27.Required(1), w27.Text(2), w27.Text(3), w27.Text(4)) : null;

    public static void WriteW27(X12Carrier? carrier, List<X12Segment> output)
    {
        if (carrier is not null)
        {
            output.Add(X12Segment.Of("W27", carrier.TransportationMethod, carrier.Scac, carrier.Routing, carrier.PaymentMethod));
        }
    }

    /// <summary>W03: checks the total against the lines, returns the weight.</summary>
    public static X12Weight? ReadW03(X12LoopInstance root, decimal linesTotal, string what, X12ReadContext context)
    {
        var w03 = root.Required("W03");
        context.CheckTotal(w03, 1, linesTotal, what);
        return w03.Number(2) is { } weight ? new X12Weight(weight, w03.Required(3)) : null;
    }

    public static void WriteW03(decimal linesTotal, X12Weight? weight, List<X12Segment> output) =>
        output.Add(X12Segment.Of("W03", X12Format.Decimal(linesTotal), X12Format.Decimal(weight?.Value), weight?.Unit));
}

/// <summary>What a set's mapping needs while reading: where to report errors, and the checks several sets share.</summary>
internal sealed class X12ReadContext(X12Issues issues)
{
    public X12Issues Issues { get; } = issues;

    /// <summary>The item id in a qualifier/value pair; GS1 qualifiers are checked and normalised to a 14-digit GTIN.</summary>
    public X12ItemId ItemId(X12PositionedSegment segment, int qualifierPosition, int valuePosition)
    {
        var qualifier = segment.Required(qualifierPosition);
        var value = segment.Required(valuePosition);
        if (X12ItemId.GtinDigits(qualifier) is not { } digits)
        {
            return new X12ItemId(qualifier, value);
        }

        if (!Gs1Identifiers.TryParseGtin(value, out var gtin, out var error))
        {
            Issues.Error(X12ErrorCode.InvalidIdentifier, segment, valuePosition, error!, badValue: value, reference: 234);
        }
        else if (value.Length != digits)
        {
            Issues.Error(X12ErrorCode.InvalidIdentifier, segment, valuePosition,
                $"Qualifier {qualifier} carries a {digits}-digit GTIN; found {value.Length} digits ('{value}').", badValue: value, reference: 234);
        }

        return new X12ItemId(qualifier, gtin.Value ?? value);
    }

    public X12ItemId? OptionalItemId(X12PositionedSegment segment, int qualifierPosition, int valuePosition) =>
        segment.Text(qualifierPosition) is null ? null : ItemId(segment, qualifierPosition, valuePosition);

    /// <summary>A control total must equal what the lines add up to.</summary>
    public void CheckTotal(X12PositionedSegment segment, int position, decimal expected, string what)
    {
        if (segment.Number(position) is { } total && total != expected)
        {
            Issues.Error(X12ErrorCode.TotalMismatch, segment, position,
                $"{segment.Id}{position:D2} says {X12Format.Decimal(total)}; the {what} add up to {X12Format.Decimal(expected)}.", badValue: segment.Text(position));
        }
    }
}

/// <summary>Writes item ids: GS1 qualifiers get as many digits as the qualifier carries (the 14-digit GTIN without its leading zeros).</summary>
internal static class X12ItemIds
{
    public static string? Value(X12ItemId? id) =>
        id is null ? null
        : X12ItemId.GtinDigits(id.Qualifier) is { } digits && id.Value.Length == 14 && id.Value.AsSpan(0, 14 - digits).IndexOfAnyExcept('0') < 0
            ? id.Value[(14 - digits)..]
            : id.Value;
}
