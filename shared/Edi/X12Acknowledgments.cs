using WmsFunctions.Edi.Documents;

namespace WmsFunctions.Edi;

/// <summary>How one outbound transaction set fared according to the partner's 997.</summary>
public sealed record X12SetAcceptance(string SetId, string ControlNumber, X12AcknowledgmentCode Code, ValueList<SegmentNote> Segments)
{
    public bool IsAccepted => Code is X12AcknowledgmentCode.Accepted or X12AcknowledgmentCode.AcceptedWithErrors;
}

/// <summary>
/// A 997 matched to the outbound group it acknowledges: per set, accepted or not. Sets the 997 does not list take
/// the group's code (A/E/P: accepted, since a partially accepted group lists its rejected sets; otherwise rejected).
/// <see cref="Unmatched"/> lists what the 997 acknowledges that was never sent in that group.
/// </summary>
public sealed record X12AcknowledgmentMatch(
    int InterchangeControlNumber,
    X12OutboundGroup Group,
    X12AcknowledgmentCode GroupCode,
    ValueList<X12SetAcceptance> Sets,
    ValueList<SetAcknowledgment> Unmatched);

public static class X12Acknowledgments
{
    /// <summary>
    /// Finds the outbound group a 997 acknowledges (by functional id and group control number; the most recent
    /// when a number was reused after wrapping) and tells, per set, whether it was accepted. Null when no
    /// interchange in <paramref name="sent"/> holds that group.
    /// </summary>
    public static X12AcknowledgmentMatch? Match(FunctionalGroupAcknowledged acknowledgment, IEnumerable<X12Outbound> sent)
    {
        ArgumentNullException.ThrowIfNull(acknowledgment);
        ArgumentNullException.ThrowIfNull(sent);
        var found = sent
            .SelectMany(i => i.Groups.Select(g => (Interchange: i, Group: g)))
            .LastOrDefault(x => x.Group.FunctionalId == acknowledgment.FunctionalId && x.Group.ControlNumber == acknowledgment.GroupControlNumber);
        if (found.Group is null)
        {
            return null;
        }

        var groupAccepts = acknowledgment.Code is X12AcknowledgmentCode.Accepted or X12AcknowledgmentCode.AcceptedWithErrors or X12AcknowledgmentCode.PartiallyAccepted;
        var sets = found.Group.Sets.Select(set =>
        {
            var listed = acknowledgment.Sets.FirstOrDefault(a => a.SetId == set.SetId && a.ControlNumber == set.ControlNumber);
            return listed is not null
                ? new X12SetAcceptance(set.SetId, set.ControlNumber, listed.Code, listed.Segments)
                : new X12SetAcceptance(set.SetId, set.ControlNumber,
                    groupAccepts ? X12AcknowledgmentCode.Accepted : X12AcknowledgmentCode.Rejected, []);
        }).ToValueList();
        var unmatched = acknowledgment.Sets
            .Where(a => !found.Group.Sets.Any(s => s.SetId == a.SetId && s.ControlNumber == a.ControlNumber))
            .ToValueList();
        return new X12AcknowledgmentMatch(found.Interchange.InterchangeControlNumber, found.Group, acknowledgment.Code, sets, unmatched);
    }
}

/// <summary>Builds the 997 for one inbound functional group from what the reader found.</summary>
internal static class X12Acknowledger
{
    public static X12AcknowledgmentCode SetCode(X12SetAnalysis set) =>
        set.Issues.Errors.Count > 0 ? X12AcknowledgmentCode.Rejected
        : set.Issues.Notes.Count > 0 ? X12AcknowledgmentCode.AcceptedWithErrors
        : X12AcknowledgmentCode.Accepted;

    public static FunctionalGroupAcknowledged Acknowledge(X12GroupAnalysis group, X12PartnerOptions options)
    {
        var sets = group.Sets
            .Where(s => IsUsable(s.Parsed.SetId, 3, 3, options) && IsUsable(s.Parsed.ControlNumber, 4, 9, options))
            .Select(s => new SetAcknowledgment(s.Parsed.SetId, s.Parsed.ControlNumber, SegmentNotes(s, options), SetCode(s), SetErrors(s)))
            .ToValueList();
        var groupErrors = group.Errors.Select(GroupErrorCode).OfType<string>().Distinct().Take(5).ToValueList();
        var received = group.Sets.Count;
        var accepted = group.Errors.Count > 0 ? 0 : group.Sets.Count(s => SetCode(s) != X12AcknowledgmentCode.Rejected);
        var code = group.Errors.Count > 0 || (received > 0 && accepted == 0) ? X12AcknowledgmentCode.Rejected
            : accepted < received ? X12AcknowledgmentCode.PartiallyAccepted
            : group.Sets.Any(s => SetCode(s) == X12AcknowledgmentCode.AcceptedWithErrors) ? X12AcknowledgmentCode.AcceptedWithErrors
            : X12AcknowledgmentCode.Accepted;
        var stated = group.Parsed.Ge?.Text(1);
        var included = stated is not null && stated.Length <= 6 && X12Format.IsInteger(stated) && !stated.StartsWith('-') ? group.Parsed.Ge!.Count(1)!.Value : received;
        return new FunctionalGroupAcknowledged(group.Parsed.FunctionalId, group.Parsed.ControlNumber ?? 0, sets, code, included, received, accepted, groupErrors);
    }

    private static ValueList<string> SetErrors(X12SetAnalysis set)
    {
        var codes = new List<string>();
        foreach (var error in set.Issues.Errors)
        {
            var code = (error.SegmentId, error.Code, error.ElementPosition) switch
            {
                (_, X12ErrorCode.UnsupportedTransactionSet, _) => "1",
                (_, X12ErrorCode.SetTrailerMissing, _) => "2",
                (_, X12ErrorCode.SetControlNumberMismatch, _) or ("SE", _, 2) => "3",
                (_, X12ErrorCode.SegmentCountMismatch, _) or ("SE", _, 1) => "4",
                (_, X12ErrorCode.DuplicateSetControlNumber, _) => "23",
                ("ST", _, 1) => "6",
                ("ST", _, 2) => "7",
                _ => "5",
            };
            if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }

        return codes.Take(5).ToValueList();
    }

    /// <summary>AK3/AK4: the segments in error inside the set (the ST/SE envelope goes to AK5 instead), and the noted ones.</summary>
    private static ValueList<SegmentNote> SegmentNotes(X12SetAnalysis set, X12PartnerOptions options) =>
        set.Issues.Errors.Concat(set.Issues.Notes)
            .Where(e => e.SegmentId is not ("ST" or "SE") && e.SetPosition is not null && IsUsable(e.SegmentId, 2, 3, options))
            .GroupBy(e => (e.SegmentId, Position: e.SetPosition!.Value))
            .OrderBy(g => g.Key.Position)
            .Select(g =>
            {
                var segmentError = g.Where(e => e.ElementPosition is null).Select(e => SegmentErrorCode(e.Code)).FirstOrDefault();
                var elements = g.Where(e => e.ElementPosition is not null).Take(99).Select(e => new ElementNote(
                    e.ElementPosition!.Value, e.ComponentPosition, e.ElementReference, ElementErrorCode(e.Code),
                    e.BadValue is { } bad && IsUsable(bad, 1, 99, options) ? bad : null)).ToValueList();
                return new SegmentNote(g.Key.SegmentId, g.Key.Position, null, segmentError ?? "8", elements);
            })
            .ToValueList();

    /// <summary>A value can be copied into a 997 only when it fits the element and holds none of the delimiters it is written with.</summary>
    private static bool IsUsable(string value, int min, int max, X12PartnerOptions options) =>
        value.Length >= min && value.Length <= max && value.All(c => c >= ' ' && c <= '~' && !options.Delimiters.IsDelimiter(c, options.UsesRepetitionSeparator));

    private static string SegmentErrorCode(X12ErrorCode code) => code switch
    {
        X12ErrorCode.UnrecognizedSegmentId => "1",
        X12ErrorCode.UnexpectedSegment => "2",
        X12ErrorCode.MandatorySegmentMissing => "3",
        X12ErrorCode.LoopOccursOverMaximumTimes => "4",
        X12ErrorCode.SegmentExceedsMaximumUse => "5",
        X12ErrorCode.SegmentNotInDefinedSet => "6",
        X12ErrorCode.SegmentNotInProperSequence => "7",
        _ => "8",
    };

    private static string ElementErrorCode(X12ErrorCode code) => code switch
    {
        X12ErrorCode.MandatoryElementMissing => "1",
        X12ErrorCode.ConditionalElementMissing => "2",
        X12ErrorCode.TooManyElements => "3",
        X12ErrorCode.ElementTooShort => "4",
        X12ErrorCode.ElementTooLong => "5",
        X12ErrorCode.InvalidCharacter => "6",
        X12ErrorCode.InvalidDate => "8",
        X12ErrorCode.InvalidTime => "9",
        _ => "7",
    };

    private static string? GroupErrorCode(X12Error error) => (error.Code, error.SegmentId, error.ElementPosition) switch
    {
        (X12ErrorCode.UnsupportedFunctionalGroup, _, _) => "1",
        (X12ErrorCode.UnsupportedVersion, _, _) => "2",
        (X12ErrorCode.GroupTrailerMissing, _, _) => "3",
        (X12ErrorCode.GroupControlNumberMismatch, _, _) => "4",
        (X12ErrorCode.SetCountMismatch, _, _) => "5",
        (_, "GS", 6) => "6",
        _ => null,
    };
}
