using System.Globalization;
using static WmsFunctions.Edi.X12Spec;

namespace WmsFunctions.Edi.Documents;

/// <summary>AK501 / AK901: what the receiver made of a transaction set or a functional group.</summary>
public enum X12AcknowledgmentCode
{
    /// <summary>A</summary>
    Accepted,

    /// <summary>E: accepted, but errors were noted.</summary>
    AcceptedWithErrors,

    /// <summary>P: some transaction sets of the group were accepted, some rejected (AK901 only).</summary>
    PartiallyAccepted,

    /// <summary>R</summary>
    Rejected,

    /// <summary>M: rejected, message authentication code failed.</summary>
    RejectedAuthentication,

    /// <summary>W: rejected, assurance failed validity tests.</summary>
    RejectedAssurance,

    /// <summary>X: rejected, content after decryption could not be analyzed.</summary>
    RejectedDecryption,
}

/// <summary>
/// 997 Functional Acknowledgment for one functional group: AK1 (the group), one AK2 loop per transaction set
/// (AK3 segment notes with AK4 element notes, AK5 the set's code and syntax error codes), AK9 (the group's code,
/// sets included, received and accepted, group syntax error codes).
/// </summary>
public sealed record FunctionalGroupAcknowledged(
    string FunctionalId,
    int GroupControlNumber,
    ValueList<SetAcknowledgment> Sets,
    X12AcknowledgmentCode Code,
    int SetsIncluded,
    int SetsReceived,
    int SetsAccepted,
    ValueList<string> Errors) : IX12Document
{
    public string TransactionSetId => "997";
}

/// <summary>AK2 loop: the set (id and control number), its segment notes and AK5 (code and up to five syntax error codes).</summary>
public sealed record SetAcknowledgment(string SetId, string ControlNumber, ValueList<SegmentNote> Segments, X12AcknowledgmentCode Code, ValueList<string> Errors)
{
    public bool IsAccepted => Code is X12AcknowledgmentCode.Accepted or X12AcknowledgmentCode.AcceptedWithErrors;
}

/// <summary>AK3 (segment id, position in the set, loop id, segment syntax error code) with its AK4 element notes.</summary>
public sealed record SegmentNote(string SegmentId, int Position, string? LoopId, string? Error, ValueList<ElementNote> Elements);

/// <summary>AK4: element position (and component position), data element reference number, error code, copy of the bad element.</summary>
public sealed record ElementNote(int Position, int? Component, int? Reference, string Error, string? BadValue);

internal sealed class FunctionalGroupAcknowledgedMap : X12SetMap<FunctionalGroupAcknowledged>
{
    private static readonly X12SegmentSpec Ak1 = Segment("AK1", "Functional Group Response Header",
    [
        Id("Functional Identifier Code", 2, 2, M, 479),
        N0("Group Control Number", 1, 9, M, 28),
    ]);

    private static readonly X12SegmentSpec Ak2 = Segment("AK2", "Transaction Set Response Header",
    [
        Id("Transaction Set Identifier Code", 3, 3, M, 143),
        An("Transaction Set Control Number", 4, 9, M, 329),
    ]);

    private static readonly X12SegmentSpec Ak3 = Segment("AK3", "Data Segment Note",
    [
        Id("Segment ID Code", 2, 3, M, 721),
        N0("Segment Position in Transaction Set", 1, 6, M, 719),
        An("Loop Identifier Code", 1, 6, O, 447),
        Id("Segment Syntax Error Code", 1, 3, O, 720, "1", "2", "3", "4", "5", "6", "7", "8"),
    ]);

    private static readonly X12SegmentSpec Ak4 = Segment("AK4", "Data Element Note",
    [
        Composite("Position in Segment", M,
            N0("Element Position in Segment", 1, 2, M, 722),
            N0("Component Data Element Position in Composite", 1, 2, O, 1528)),
        N0("Data Element Reference Number", 1, 4, O, 725),
        Id("Data Element Syntax Error Code", 1, 3, M, 723, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"),
        An("Copy of Bad Data Element", 1, 99, O, 724),
    ]);

    private static readonly X12SegmentSpec Ak5 = Segment("AK5", "Transaction Set Response Trailer",
    [
        Id("Transaction Set Acknowledgment Code", 1, 1, M, 717, "A", "E", "M", "R", "W", "X"),
        .. Enumerable.Repeat(Id("Transaction Set Syntax Error Code", 1, 3, O, 718), 5),
    ]);

    private static readonly X12SegmentSpec Ak9 = Segment("AK9", "Functional Group Response Trailer",
    [
        Id("Functional Group Acknowledge Code", 1, 1, M, 715, "A", "E", "M", "P", "R", "W", "X"),
        N0("Number of Transaction Sets Included", 1, 6, M, 97),
        N0("Number of Received Transaction Sets", 1, 6, M, 123),
        N0("Number of Accepted Transaction Sets", 1, 6, M, 2),
        .. Enumerable.Repeat(Id("Functional Group Syntax Error Code", 1, 3, O, 716), 5),
    ]);

    public override X12SetDefinition Definition { get; } = Set("997", "FA", "Functional Acknowledgment",
        Use(Ak1, M, 1),
        Loop("AK2", O, 999999, Ak2,
            Loop("AK3", O, 999999, Ak3, Use(Ak4, O, 99)),
            Use(Ak5, M, 1)),
        Use(Ak9, M, 1));

    public static char Letter(X12AcknowledgmentCode code) => code switch
    {
        X12AcknowledgmentCode.Accepted => 'A',
        X12AcknowledgmentCode.AcceptedWithErrors => 'E',
        X12AcknowledgmentCode.PartiallyAccepted => 'P',
        X12AcknowledgmentCode.RejectedAuthentication => 'M',
        X12AcknowledgmentCode.RejectedAssurance => 'W',
        X12AcknowledgmentCode.RejectedDecryption => 'X',
        _ => 'R',
    };

    private static X12AcknowledgmentCode Code(string letter) => letter switch
    {
        "A" => X12AcknowledgmentCode.Accepted,
        "E" => X12AcknowledgmentCode.AcceptedWithErrors,
        "P" => X12AcknowledgmentCode.PartiallyAccepted,
        "M" => X12AcknowledgmentCode.RejectedAuthentication,
        "W" => X12AcknowledgmentCode.RejectedAssurance,
        "X" => X12AcknowledgmentCode.RejectedDecryption,
        _ => X12AcknowledgmentCode.Rejected,
    };

    private static ValueList<string> Codes(X12PositionedSegment segment, int from) =>
        Enumerable.Range(from, 5).Select(segment.Text).OfType<string>().ToValueList();

    protected override FunctionalGroupAcknowledged ReadDocument(X12LoopInstance body, X12ReadContext context)
    {
        var ak1 = body.Required("AK1");
        var ak9 = body.Required("AK9");
        var sets = body.Loops("AK2").Select(loop =>
        {
            var ak2 = loop.Trigger;
            var ak5 = loop.Required("AK5");
            var notes = loop.Loops("AK3").Select(ak3Loop =>
            {
                var ak3 = ak3Loop.Trigger;
                var elements = ak3Loop.All("AK4").Select(ak4 => new ElementNote(
                    int.Parse(ak4.Component(1, 1)!, CultureInfo.InvariantCulture),
                    ak4.Component(1, 2) is { } component ? int.Parse(component, CultureInfo.InvariantCulture) : null,
                    ak4.Count(2), ak4.Required(3), ak4.Text(4))).ToValueList();
                return new SegmentNote(ak3.Required(1), ak3.Count(2)!.Value, ak3.Text(3), ak3.Text(4), elements);
            }).ToValueList();
            return new SetAcknowledgment(ak2.Required(1), ak2.Required(2), notes, Code(ak5.Required(1)), Codes(ak5, 2));
        }).ToValueList();

        return new FunctionalGroupAcknowledged(ak1.Required(1), ak1.Count(2)!.Value, sets, Code(ak9.Required(1)),
            ak9.Count(2)!.Value, ak9.Count(3)!.Value, ak9.Count(4)!.Value, Codes(ak9, 5));
    }

    protected override List<X12Segment> WriteDocument(FunctionalGroupAcknowledged document)
    {
        var output = new List<X12Segment> { X12Segment.Of("AK1", document.FunctionalId, X12Format.Integer(document.GroupControlNumber)) };
        foreach (var set in document.Sets)
        {
            output.Add(X12Segment.Of("AK2", set.SetId, set.ControlNumber));
            foreach (var note in set.Segments)
            {
                output.Add(X12Segment.Of("AK3", note.SegmentId, X12Format.Integer(note.Position), note.LoopId, note.Error));
                output.AddRange(note.Elements.Select(e => X12Segment.Create("AK4",
                    X12Element.Composite(X12Format.Integer(e.Position), X12Format.OptionalInteger(e.Component)),
                    X12Element.FromString(X12Format.OptionalInteger(e.Reference)),
                    X12Element.FromString(e.Error),
                    X12Element.FromString(e.BadValue))));
            }

            output.Add(X12Segment.Of("AK5", [Letter(set.Code).ToString(), .. set.Errors]));
        }

        output.Add(X12Segment.Of("AK9", [Letter(document.Code).ToString(), X12Format.Integer(document.SetsIncluded),
            X12Format.Integer(document.SetsReceived), X12Format.Integer(document.SetsAccepted), .. document.Errors]));
        return output;
    }
}
