using CsCheck;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Gs1;

namespace WmsFunctions.UnitTests.Edi;

/// <summary>
/// Random valid documents of every set, and random valid delimiter choices. Data is drawn from letters, digits,
/// spaces and - . , / ( ) # &amp;; delimiters from other punctuation, so the two never meet.
/// </summary>
internal static class X12Generators
{
    private const string DataCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 -.,/()#&";
    private const string DelimiterCharacters = "*|^~>'!:;{}<@%$=?`\\\"";

    public static readonly Gen<X12Delimiters> Delimiters =
        Gen.Shuffle(DelimiterCharacters.ToCharArray(), 4)
            .Select(Gen.OneOf("", "\n", "\r\n"), (chars, lineBreak) => new X12Delimiters(chars[0], chars[1], chars[2], chars[3], lineBreak));

    /// <summary>The hub's options with random delimiters and version (00501 writes the repetition separator in ISA11).</summary>
    public static readonly Gen<X12PartnerOptions> Options =
        Gen.Select(Delimiters, Gen.OneOf("00401", "00501"), Gen.OneOf(X12Usage.Production, X12Usage.Test))
            .Select((delimiters, version, usage) => X12Samples.Hub with { Delimiters = delimiters, InterchangeVersion = version, Usage = usage });

    private static Gen<string> Text(int min, int max) => Gen.String[Gen.Char[DataCharacters], min, max];

    private static Gen<string> Code(int min, int max) => Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"], min, max];

    private static Gen<string> Letters(int min, int max) => Gen.String[Gen.Char['A', 'Z'], min, max];

    private static Gen<string> Digits(int count) => Gen.String[Gen.Char['0', '9'], count, count];

    private static Gen<string?> Maybe(Gen<string> gen) => gen.Null(0.3);

    private static Gen<ValueList<T>> ListOf<T>(Gen<T> gen, int min, int max) => gen.Array[min, max].Select(a => a.ToValueList());

    private static readonly Gen<decimal> Quantity = Gen.Int[0, 9_999_999].Select(i => i / 100m);

    private static readonly Gen<decimal> SignedQuantity = Gen.Int[-9_999_999, 9_999_999].Select(i => i / 100m);

    private static readonly Gen<DateOnly> Date = Gen.Int[0, 36_000].Select(d => new DateOnly(2001, 1, 1).AddDays(d));

    private static readonly Gen<TimeOnly> Time = Gen.Int[0, 86_399].Select(s => TimeOnly.FromTimeSpan(TimeSpan.FromSeconds(s)));

    private static readonly Gen<string> Unit = Letters(2, 2);

    public static readonly Gen<string> Gln = Digits(12).Select(Gs1Identifiers.WithCheckDigit);

    public static readonly Gen<string> Sscc = Digits(17).Select(Gs1Identifiers.WithCheckDigit);

    /// <summary>Item ids: GTINs under UK (14 digits), UP (12) and EN (13), always held in their 14-digit form, or other qualifiers.</summary>
    public static readonly Gen<X12ItemId> ItemId = Gen.OneOf(
        Digits(13).Select(d => new X12ItemId("UK", Gs1Identifiers.WithCheckDigit(d))),
        Digits(11).Select(d => new X12ItemId("UP", "00" + Gs1Identifiers.WithCheckDigit(d))),
        Digits(12).Select(d => new X12ItemId("EN", "0" + Gs1Identifiers.WithCheckDigit(d))),
        Gen.Select(Gen.OneOf("VN", "SK", "BP", "IN", "PN"), Text(1, 48)).Select((q, v) => new X12ItemId(q, v)));

    private static readonly Gen<X12Party> Party = Gen.Select(
            Letters(2, 3),
            Maybe(Text(1, 60)),
            Gen.OneOf<(string?, string?)>(
                Gen.Const<(string?, string?)>((null, null)),
                Gln.Select(g => ((string?)"UL", (string?)g)),
                Gen.Select(Gen.OneOf("92", "91", "1", "9"), Text(2, 80)).Select((q, id) => ((string?)q, (string?)id))),
            Gen.Select(Text(1, 55), Maybe(Text(1, 55))).Select((a, b) => new X12Street(a, b)).Null(0.5),
            Gen.Select(Maybe(Text(2, 30)), Maybe(Letters(2, 2)), Maybe(Code(3, 15)), Maybe(Letters(2, 3))).Select((c, s, p, n) => new X12Place(c, s, p, n)).Null(0.5))
        .Where((_, name, id, _, _) => name is not null || id.Item1 is not null)
        .Select((entity, name, id, street, place) => new X12Party(entity, name, id.Item1, id.Item2, street, place));

    private static readonly Gen<X12Reference> Reference = Gen.Select(Code(2, 3), Text(1, 30)).Select((q, v) => new X12Reference(q, v));

    private static readonly Gen<X12Date> G62 = Gen.Select(Code(2, 2), Date, Gen.Select(Code(1, 2), Time).Nullable(0.5))
        .Select((q, d, t) => new X12Date(q, d, t?.Item1, t?.Item2));

    private static readonly Gen<X12Carrier> W27Carrier = Gen.Select(Letters(1, 2), Maybe(Letters(2, 4)), Maybe(Text(1, 35)), Maybe(Letters(2, 2)))
        .Select((m, s, r, p) => new X12Carrier(m, s, r, p));

    private static readonly Gen<X12Weight> Weight = Gen.Select(Quantity, Gen.OneOf("LB", "KG")).Select((v, u) => new X12Weight(v, u));

    public static readonly Gen<IX12Document> ShipmentOrdered = Gen.Select(
            Letters(1, 1), Text(1, 22), Maybe(Text(1, 22)),
            ListOf(Party, 0, 3), ListOf(Reference, 0, 3), ListOf(G62, 0, 3),
            Gen.Select(Letters(1, 2), Maybe(Letters(2, 4)), Maybe(Text(1, 35)), Letters(2, 2)).Select((m, s, r, p) => new X12Carrier(m, s, r, p)).Null(0.3),
            ListOf(Gen.Select(Gen.Int[1, 999_999], Quantity, Unit, ItemId, ItemId.Null(0.5), Maybe(Text(1, 45)))
                .Select((n, q, u, i, a, d) => new ShipmentOrderLine(n, q, u, i, a, d)), 1, 4))
        .Select((status, order, po, parties, references, dates, carrier, lines) =>
            (IX12Document)new ShipmentOrdered(status, order, po, parties, references, dates, carrier, lines));

    public static readonly Gen<IX12Document> OrderShipped = Gen.Select(
            Gen.Select(Letters(1, 1), Text(1, 22), Date, Text(1, 30), Maybe(Text(1, 22))),
            ListOf(Party, 0, 3), ListOf(Reference, 0, 3), ListOf(G62, 0, 3), W27Carrier.Null(0.3),
            ListOf(Gen.Select(Gen.Int[1, 999_999], Sscc.Null(0.3), Maybe(Text(1, 48)),
                    ListOf(Gen.Select(Letters(2, 2), Quantity.Nullable(0.3), Quantity, Quantity.Nullable(0.3), Unit, ItemId, Maybe(Text(1, 12)), ListOf(Reference, 0, 2))
                        .Select((s, o, q, d, u, i, l, r) => new ShippedLine(s, o, q, d, u, i, l, r)), 1, 3))
                .Select((n, sscc, tracking, lines) => new ShippedPack(n, sscc, tracking, lines)), 1, 3),
            Weight.Null(0.3))
        .Select((head, parties, references, dates, carrier, packs, weight) =>
            (IX12Document)new OrderShipped(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5, parties, references, dates, carrier, packs, weight));

    public static readonly Gen<IX12Document> TransferShipped = Gen.Select(
            Gen.Select(Letters(1, 1), Text(1, 22), Date.Nullable(0.3), Maybe(Text(1, 30)), Maybe(Text(1, 22))),
            ListOf(Party, 1, 3), ListOf(Reference, 0, 3), ListOf(G62, 0, 3), W27Carrier.Null(0.3),
            ListOf(Gen.Select(Quantity, Unit, ItemId, ItemId.Null(0.5)).Select((q, u, i, a) => new TransferLine(q, u, i, a)), 1, 4),
            Weight.Null(0.3))
        .Select((head, parties, references, dates, carrier, lines, weight) =>
            (IX12Document)new TransferShipped(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5, parties, references, dates, carrier, lines, weight));

    public static readonly Gen<IX12Document> TransferReceived = Gen.Select(
            Gen.Select(Letters(1, 1), Date, Text(1, 12), Text(1, 22), Maybe(Text(1, 30))),
            ListOf(Party, 0, 3), ListOf(Reference, 0, 3), ListOf(G62, 0, 3),
            ListOf(Gen.Select(Quantity, Unit, ItemId, ItemId.Null(0.5), Maybe(Text(1, 12))).Select((q, u, i, a, l) => new ReceivedLine(q, u, i, a, l)), 1, 4))
        .Select((head, parties, references, dates, lines) =>
            (IX12Document)new TransferReceived(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5, parties, references, dates, lines));

    public static readonly Gen<IX12Document> InventoryReported = Gen.Select(
            Gen.Select(Code(2, 2), Code(2, 2), Text(1, 30), Date, Time.Nullable(0.3)),
            ListOf(Gen.Select(Code(3, 3), Date, Time.Nullable(0.5)).Select((q, d, t) => new X12DateTimeReference(q, d, t)), 0, 3),
            ListOf(Party, 0, 3),
            ListOf(Gen.Select(Maybe(Text(1, 20)), ItemId, ListOf(ItemId, 0, 2), Reference.Null(0.5),
                    ListOf(Gen.Select(Code(2, 2), Quantity, Unit).Select((q, n, u) => new InventoryQuantity(q, n, u)), 1, 3))
                .Select((id, item, others, location, quantities) => new InventoryItem(id, item, others, location, quantities)), 1, 4))
        .Select((head, dates, parties, items) =>
            (IX12Document)new InventoryReported(head.Item1, head.Item2, head.Item3, head.Item4, head.Item5, dates, parties, items));

    public static readonly Gen<IX12Document> InventoryAdjusted = Gen.Select(
            Date, Text(1, 22), Text(1, 22), ListOf(Party, 1, 3), ListOf(Reference, 0, 3), ListOf(G62, 0, 3),
            ListOf(Gen.Select(Code(2, 2), SignedQuantity, Unit, ItemId, ItemId.Null(0.5), Maybe(Text(1, 12)), ListOf(Reference, 0, 2))
                .Select((r, q, u, i, a, l, refs) => new AdjustmentLine(r, q, u, i, a, l, refs)), 1, 4))
        .Select((date, number, depositor, parties, references, dates, lines) =>
            (IX12Document)new InventoryAdjusted(date, number, depositor, parties, references, dates, lines));

    private static readonly Gen<X12AcknowledgmentCode> SetCode = Gen.OneOf(
        X12AcknowledgmentCode.Accepted, X12AcknowledgmentCode.AcceptedWithErrors, X12AcknowledgmentCode.Rejected,
        X12AcknowledgmentCode.RejectedAuthentication, X12AcknowledgmentCode.RejectedAssurance, X12AcknowledgmentCode.RejectedDecryption);

    public static readonly Gen<IX12Document> FunctionalGroupAcknowledged = Gen.Select(
            Letters(2, 2), Gen.Int[1, 999_999_999],
            ListOf(Gen.Select(Digits(3), Code(4, 9),
                    ListOf(Gen.Select(Letters(1, 1).Select(Code(1, 2), (a, b) => a + b), Gen.Int[1, 999_999], Maybe(Text(1, 6)), Gen.OneOf("1", "2", "3", "4", "5", "6", "7", "8").Null(0.3),
                            ListOf(Gen.Select(Gen.Int[1, 99], Gen.Int[1, 99].Nullable(0.5), Gen.Int[1, 9999].Nullable(0.5), Gen.Int[1, 10].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Maybe(Text(1, 99)))
                                .Select((p, c, r, e, b) => new ElementNote(p, c, r, e, b)), 0, 2))
                        .Select((id, position, loop, error, elements) => new SegmentNote(id, position, loop, error, elements)), 0, 2),
                    SetCode, ListOf(Digits(1), 0, 5))
                .Select((id, number, notes, code, errors) => new SetAcknowledgment(id, number, notes, code, errors)), 0, 3),
            Gen.OneOf(X12AcknowledgmentCode.Accepted, X12AcknowledgmentCode.AcceptedWithErrors, X12AcknowledgmentCode.PartiallyAccepted, X12AcknowledgmentCode.Rejected),
            Gen.Int[0, 999_999], ListOf(Digits(1), 0, 5))
        .Select((functionalId, group, sets, code, count, errors) =>
            (IX12Document)new FunctionalGroupAcknowledged(functionalId, group, sets, code, count, sets.Count, count / 2, errors));

    public static readonly Gen<IX12Document> AnyDocument = Gen.OneOf(
        ShipmentOrdered, OrderShipped, TransferShipped, TransferReceived, InventoryReported, InventoryAdjusted, FunctionalGroupAcknowledged);
}
