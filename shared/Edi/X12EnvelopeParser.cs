using System.Globalization;

namespace WmsFunctions.Edi;

/// <summary>An interchange cut into segments (ISA is index 1), with the delimiters it declared.</summary>
internal sealed record X12RawInterchange(X12InterchangeHeader Header, IReadOnlyList<X12PositionedSegment> Segments, X12PositionedSegment? Fragment);

/// <summary>A transaction set as the envelope found it: ST, the body, and SE (or where SE should have been).</summary>
internal sealed class X12ParsedSet(X12PositionedSegment st, int? groupControlNumber)
{
    public X12PositionedSegment St { get; } = st;

    public string SetId => St.Segment[1];

    public string ControlNumber => St.Segment[2];

    public List<X12PositionedSegment> Body { get; } = [];

    public X12PositionedSegment End { get; set; } = st;

    public X12Issues Issues { get; } = new(groupControlNumber, st.Segment[2]);
}

internal sealed class X12ParsedGroup(X12PositionedSegment gs)
{
    public X12PositionedSegment Gs { get; } = gs;

    public string FunctionalId => Gs.Segment[1];

    public int? ControlNumber => X12Format.IsInteger(Gs.Segment[6]) && Gs.Segment[6].Length <= 9 ? int.Parse(Gs.Segment[6], CultureInfo.InvariantCulture) : null;

    public X12GroupHeader? Header { get; set; }

    /// <summary>True once the group's end is known: its GE, or the GS/IEA that came instead.</summary>
    public bool Closed { get; set; }

    /// <summary>The GE trailer, when the group had one.</summary>
    public X12PositionedSegment? Ge { get; set; }

    public List<X12ParsedSet> Sets { get; } = [];

    /// <summary>Errors in GS/GE or in the group's structure: the whole group is rejected.</summary>
    public List<X12Error> Errors { get; } = [];
}

internal sealed class X12ParsedInterchange(X12InterchangeHeader header)
{
    public X12InterchangeHeader Header { get; } = header;

    public List<X12ParsedGroup> Groups { get; } = [];

    /// <summary>Errors in the ISA/IEA envelope: nothing in the interchange can be trusted or acknowledged.</summary>
    public List<X12Error> Fatal { get; } = [];
}

/// <summary>
/// Reads the envelope of an interchange: the ISA (fixed length, delimiters), then GS/GE groups holding ST/SE sets,
/// checking control numbers and counts. It does not look inside transaction sets.
/// </summary>
internal static class X12EnvelopeParser
{
    private static readonly Func<char, bool> NothingForbidden = _ => false;

    public static X12InterchangeHeader ReadHeader(string text) => ReadIsa(text).Header;

    public static X12RawInterchange Tokenize(string text)
    {
        var (header, isa) = ReadIsa(text);
        var delimiters = header.Delimiters;
        var segments = new List<X12PositionedSegment> { new(isa, 1, 0) };
        var position = X12Envelope.IsaLength;
        X12PositionedSegment? fragment = null;
        while (true)
        {
            while (position < text.Length && text[position] is '\r' or '\n' && text[position] != delimiters.Segment)
            {
                position++;
            }

            if (position >= text.Length)
            {
                break;
            }

            var end = text.IndexOf(delimiters.Segment, position);
            if (end < 0)
            {
                if (!string.IsNullOrWhiteSpace(text[position..]))
                {
                    fragment = new(Split(text[position..], delimiters), segments.Count + 1, 0);
                }

                break;
            }

            var raw = text[position..end];
            if (delimiters.Segment == '\n' && raw.EndsWith('\r'))
            {
                raw = raw[..^1];
            }

            segments.Add(new(Split(raw, delimiters), segments.Count + 1, 0));
            position = end + 1;
        }

        return new(header, segments, fragment);
    }

    private static X12Segment Split(string raw, X12Delimiters delimiters)
    {
        var parts = raw.Split(delimiters.Element);
        return new X12Segment(parts[0], parts.Skip(1).Select(p => new X12Element(p.Split(delimiters.Component).ToValueList())).ToValueList());
    }

    private static X12Exception IsaError(X12ErrorCode code, int? element, string message, string? badValue = null) =>
        new(new X12Error(code, "ISA", 1, null, element, message) { BadValue = badValue });

    private static (X12InterchangeHeader Header, X12Segment Isa) ReadIsa(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.StartsWith("ISA", StringComparison.Ordinal))
        {
            throw IsaError(X12ErrorCode.InvalidInterchangeHeader, null, $"An interchange starts with ISA; found '{text[..Math.Min(3, text.Length)]}'.");
        }

        if (text.Length < X12Envelope.IsaLength)
        {
            throw IsaError(X12ErrorCode.InvalidInterchangeHeader, null, $"The ISA segment is {X12Envelope.IsaLength} characters long with its terminator; the interchange has only {text.Length}.");
        }

        var element = text[3];
        if (char.IsAsciiLetterOrDigit(element) || element == ' ')
        {
            throw IsaError(X12ErrorCode.InvalidInterchangeHeader, null, $"The element separator (the 4th character of ISA) cannot be '{element}'.");
        }

        var fields = new string[16];
        var position = 4;
        for (var n = 1; n <= 15; n++)
        {
            var next = text.IndexOf(element, position, X12Envelope.IsaLength - position);
            var expected = X12Envelope.IsaLengths[n - 1];
            if (next < 0)
            {
                throw IsaError(X12ErrorCode.ElementTooLong, n, $"ISA{n:D2} must be exactly {expected} character(s); no element separator follows within the 106 characters of the ISA.");
            }

            fields[n - 1] = text[position..next];
            if (fields[n - 1].Length != expected)
            {
                throw IsaError(fields[n - 1].Length < expected ? X12ErrorCode.ElementTooShort : X12ErrorCode.ElementTooLong, n,
                    $"ISA{n:D2} must be exactly {expected} character(s) (padded with spaces); found {fields[n - 1].Length}.", fields[n - 1]);
            }

            position = next + 1;
        }

        var component = text[position];
        var terminator = text[position + 1];
        fields[15] = component.ToString();
        if (char.IsAsciiLetterOrDigit(component) || component == ' ' || component == element)
        {
            throw IsaError(X12ErrorCode.InvalidCharacter, 16, $"The component separator (ISA16) cannot be '{component}'.", fields[15]);
        }

        if (char.IsAsciiLetterOrDigit(terminator) || terminator == ' ' || terminator == element || terminator == component)
        {
            throw IsaError(X12ErrorCode.InvalidInterchangeHeader, null,
                $"The segment terminator (the character after ISA16) cannot be '{terminator}': it must follow the one-character ISA16 and differ from the other delimiters.");
        }

        foreach (var n in new[] { 1, 3, 5, 7, 12 })
        {
            if (!fields[n - 1].All(char.IsAsciiLetterOrDigit))
            {
                throw IsaError(X12ErrorCode.InvalidCharacter, n, $"ISA{n:D2} must be letters or digits; found '{fields[n - 1]}'.", fields[n - 1]);
            }
        }

        foreach (var n in new[] { 2, 4, 6, 8 })
        {
            if (fields[n - 1].Any(c => c < ' ' || c > '~'))
            {
                throw IsaError(X12ErrorCode.InvalidCharacter, n, $"ISA{n:D2} holds a control or non-ASCII character.", fields[n - 1]);
            }
        }

        foreach (var n in new[] { 6, 8 })
        {
            if (string.IsNullOrWhiteSpace(fields[n - 1]))
            {
                throw IsaError(X12ErrorCode.MandatoryElementMissing, n, $"ISA{n:D2} (the {(n == 6 ? "sender" : "receiver")} id) is blank.");
            }
        }

        var date = X12Format.ParseShortDate(fields[8]) ?? throw IsaError(X12ErrorCode.InvalidDate, 9, $"ISA09 must be a date YYMMDD; found '{fields[8]}'.", fields[8]);
        var time = fields[9].Length == 4 ? X12Format.ParseTime(fields[9]) : null;
        if (time is null)
        {
            throw IsaError(X12ErrorCode.InvalidTime, 10, $"ISA10 must be a time HHMM; found '{fields[9]}'.", fields[9]);
        }

        var version = fields[11];
        if (!version.All(char.IsAsciiDigit) || string.CompareOrdinal(version, "00401") < 0)
        {
            throw IsaError(X12ErrorCode.InvalidCodeValue, 12, $"ISA12 must be an interchange version from 00401 on; found '{version}'.", version);
        }

        var repetition = '^';
        if (X12Envelope.UsesRepetitionSeparator(version))
        {
            repetition = fields[10][0];
            if (char.IsAsciiLetterOrDigit(repetition) || repetition == ' ' || repetition == element || repetition == component || repetition == terminator)
            {
                throw IsaError(X12ErrorCode.InvalidCharacter, 11, $"ISA11 is the repetition separator from version 00402 on; it cannot be '{repetition}'.", fields[10]);
            }
        }
        else if (fields[10] != "U")
        {
            throw IsaError(X12ErrorCode.InvalidCodeValue, 11, $"ISA11 must be 'U' in version {version}; found '{fields[10]}'.", fields[10]);
        }

        if (!fields[12].All(char.IsAsciiDigit))
        {
            throw IsaError(X12ErrorCode.InvalidCharacter, 13, $"ISA13 must be nine digits; found '{fields[12]}'.", fields[12]);
        }

        if (fields[13] is not ("0" or "1"))
        {
            throw IsaError(X12ErrorCode.InvalidCodeValue, 14, $"ISA14 must be 0 or 1; found '{fields[13]}'.", fields[13]);
        }

        if (fields[14] is not ("P" or "T" or "I"))
        {
            throw IsaError(X12ErrorCode.InvalidCodeValue, 15, $"ISA15 must be P, T or I; found '{fields[14]}'.", fields[14]);
        }

        var delimiters = new X12Delimiters(element, component, terminator, repetition);
        var header = new X12InterchangeHeader(
            fields[4], fields[5].TrimEnd(), fields[6], fields[7].TrimEnd(), date, time.Value, version,
            int.Parse(fields[12], CultureInfo.InvariantCulture), fields[13] == "1", X12Envelope.Usage(fields[14][0]), delimiters);
        var isa = new X12Segment("ISA", fields.Select(f => new X12Element([f])).ToValueList());
        return (header, isa);
    }

    /// <summary>Groups the segments into functional groups and transaction sets, recording envelope errors where they belong.</summary>
    public static X12ParsedInterchange Parse(X12RawInterchange raw)
    {
        var result = new X12ParsedInterchange(raw.Header);
        var segments = raw.Segments;
        var isForbidden = ForbiddenIn(raw.Header);
        var index = 1;
        var ended = false;
        while (index < segments.Count)
        {
            var segment = segments[index];
            if (ended)
            {
                result.Fatal.Add(Error(X12ErrorCode.UnexpectedEnvelopeSegment, segment, null, $"Segment {segment.Id} follows the IEA trailer."));
                index++;
                continue;
            }

            switch (segment.Id)
            {
                case "GS":
                    var group = new X12ParsedGroup(segment);
                    result.Groups.Add(group);
                    index = ParseGroup(group, segments, index, isForbidden);
                    if (!group.Closed)
                    {
                        result.Fatal.Add(Truncation(raw, group));
                        return result;
                    }

                    break;
                case "IEA":
                    CheckIea(result, segment, isForbidden);
                    ended = true;
                    index++;
                    break;
                default:
                    result.Fatal.Add(Error(X12ErrorCode.UnexpectedEnvelopeSegment, segment, null,
                        $"Segment {segment.Id} is outside any functional group: only GS or IEA may follow here."));
                    index++;
                    break;
            }
        }

        if (!ended)
        {
            var at = raw.Fragment ?? new X12PositionedSegment(new X12Segment("IEA", []), segments.Count + 1, 0);
            result.Fatal.Add(new X12Error(X12ErrorCode.InterchangeTrailerMissing, "IEA", at.Index, null, null,
                raw.Fragment is null
                    ? $"The interchange ends after segment #{segments.Count} without its IEA trailer."
                    : $"The interchange is cut inside segment {raw.Fragment.Id} (#{raw.Fragment.Index}, no terminator) and has no IEA trailer."));
        }

        return result;
    }

    private static Func<char, bool> ForbiddenIn(X12InterchangeHeader header) =>
        X12Envelope.UsesRepetitionSeparator(header.Version) ? c => c == header.Delimiters.Repetition : NothingForbidden;

    private static X12Error Error(X12ErrorCode code, X12PositionedSegment at, int? element, string message) =>
        new(code, at.Id, at.Index, null, element, message);

    private static X12Error Truncation(X12RawInterchange raw, X12ParsedGroup group)
    {
        var lastIndex = raw.Segments.Count;
        var atIndex = raw.Fragment?.Index ?? lastIndex + 1;
        var cut = raw.Fragment is null ? $"ends after segment #{lastIndex}" : $"is cut inside segment {raw.Fragment.Id} (#{raw.Fragment.Index}, no terminator)";
        var set = group.Sets.Count > 0 && group.Sets[^1].End == group.Sets[^1].St ? group.Sets[^1] : null;
        if (set is not null)
        {
            return new X12Error(X12ErrorCode.SetTrailerMissing, "SE", atIndex, set.Body.Count + 2, null,
                $"The interchange {cut}: transaction set {set.ControlNumber} ({set.SetId}) has no SE, its group no GE and the interchange no IEA.")
            {
                GroupControlNumber = group.ControlNumber,
                SetControlNumber = set.ControlNumber,
            };
        }

        return new X12Error(X12ErrorCode.GroupTrailerMissing, "GE", atIndex, null, null,
            $"The interchange {cut}: functional group {group.Gs.Segment[6]} has no GE and the interchange no IEA.")
        {
            GroupControlNumber = group.ControlNumber,
        };
    }

    /// <summary>Reads one group from its GS; returns the index after its GE (or of the segment that ended it).</summary>
    private static int ParseGroup(X12ParsedGroup group, IReadOnlyList<X12PositionedSegment> segments, int index, Func<char, bool> isForbidden)
    {
        var groupIssues = new X12Issues(group.ControlNumber, null);
        X12SetValidator.ValidateElements(X12Envelope.Gs, group.Gs, isForbidden, groupIssues);
        group.Errors.AddRange(groupIssues.Errors);
        if (groupIssues.Errors.Count == 0)
        {
            var gs = group.Gs;
            group.Header = new X12GroupHeader(gs.Required(1), gs.Required(2), gs.Required(3), gs.Date(4)!.Value, gs.Time(5)!.Value,
                gs.Count(6)!.Value, gs.Required(7), gs.Required(8));
        }

        index++;
        var seenControlNumbers = new HashSet<string>(StringComparer.Ordinal);
        while (index < segments.Count)
        {
            var segment = segments[index];
            switch (segment.Id)
            {
                case "ST":
                    var set = new X12ParsedSet(segment with { SetPosition = 1 }, group.ControlNumber);
                    group.Sets.Add(set);
                    X12SetValidator.ValidateElements(X12Envelope.St, set.St, isForbidden, set.Issues);
                    if (!seenControlNumbers.Add(set.ControlNumber))
                    {
                        set.Issues.Error(X12ErrorCode.DuplicateSetControlNumber, set.St, 2, $"Transaction set control number {set.ControlNumber} is used twice in group {group.Gs.Segment[6]}.");
                    }

                    index = ParseSet(set, segments, index + 1, isForbidden);
                    if (index >= segments.Count)
                    {
                        return index;
                    }

                    break;
                case "GE":
                    group.Closed = true;
                    group.Ge = segment;
                    CheckGe(group, segment, groupIssues, isForbidden);
                    return index + 1;
                case "GS" or "IEA":
                    group.Closed = true;
                    group.Errors.Add(new X12Error(X12ErrorCode.GroupTrailerMissing, "GE", segment.Index, null, null,
                        $"Functional group {group.Gs.Segment[6]} has no GE trailer: found {segment.Id} at #{segment.Index}.") { GroupControlNumber = group.ControlNumber });
                    return index;
                default:
                    group.Errors.Add(Error(X12ErrorCode.UnexpectedEnvelopeSegment, segment, null,
                        $"Segment {segment.Id} is outside any transaction set of group {group.Gs.Segment[6]}: only ST or GE may follow here.") with { GroupControlNumber = group.ControlNumber });
                    index++;
                    break;
            }
        }

        return index;
    }

    private static void CheckGe(X12ParsedGroup group, X12PositionedSegment ge, X12Issues groupIssues, Func<char, bool> isForbidden)
    {
        groupIssues.Errors.Clear();
        X12SetValidator.ValidateElements(X12Envelope.Ge, ge, isForbidden, groupIssues);
        group.Errors.AddRange(groupIssues.Errors);
        if (groupIssues.Errors.Count > 0)
        {
            return;
        }

        if (ge.Count(1) != group.Sets.Count)
        {
            group.Errors.Add(Error(X12ErrorCode.SetCountMismatch, ge, 1,
                $"GE01 says {ge.Text(1)} transaction set(s); the group has {group.Sets.Count}.") with { GroupControlNumber = group.ControlNumber, BadValue = ge.Text(1) });
        }

        if (group.ControlNumber is { } number && ge.Count(2) != number)
        {
            group.Errors.Add(Error(X12ErrorCode.GroupControlNumberMismatch, ge, 2,
                $"GE02 '{ge.Text(2)}' does not match GS06 '{group.Gs.Segment[6]}'.") with { GroupControlNumber = number, BadValue = ge.Text(2) });
        }
    }

    /// <summary>Collects a set's body up to its SE; returns the index after the SE (or of the segment that ended the set).</summary>
    private static int ParseSet(X12ParsedSet set, IReadOnlyList<X12PositionedSegment> segments, int index, Func<char, bool> isForbidden)
    {
        while (index < segments.Count)
        {
            var segment = segments[index];
            var positioned = segment with { SetPosition = set.Body.Count + 2 };
            switch (segment.Id)
            {
                case "SE":
                    set.End = positioned;
                    CheckSe(set, positioned, isForbidden);
                    return index + 1;
                case "ST" or "GE" or "GS" or "IEA":
                    set.End = positioned with { Segment = new X12Segment("SE", []) };
                    set.Issues.Error(X12ErrorCode.SetTrailerMissing, "SE", positioned,
                        $"Transaction set {set.ControlNumber} ({set.SetId}) has no SE trailer: found {segment.Id} at #{segment.Index}.");
                    return index;
                default:
                    set.Body.Add(positioned);
                    index++;
                    break;
            }
        }

        return index;
    }

    private static void CheckSe(X12ParsedSet set, X12PositionedSegment se, Func<char, bool> isForbidden)
    {
        var before = set.Issues.Errors.Count;
        X12SetValidator.ValidateElements(X12Envelope.Se, se, isForbidden, set.Issues);
        if (set.Issues.Errors.Count > before)
        {
            return;
        }

        var actual = set.Body.Count + 2;
        if (se.Count(1) != actual)
        {
            set.Issues.Error(X12ErrorCode.SegmentCountMismatch, se, 1, $"SE01 says {se.Text(1)} segment(s); the set has {actual} including ST and SE.", badValue: se.Text(1));
        }

        if (se.Text(2) != set.ControlNumber)
        {
            set.Issues.Error(X12ErrorCode.SetControlNumberMismatch, se, 2, $"SE02 '{se.Text(2)}' does not match ST02 '{set.ControlNumber}'.", badValue: se.Text(2));
        }
    }

    private static void CheckIea(X12ParsedInterchange result, X12PositionedSegment iea, Func<char, bool> isForbidden)
    {
        var issues = new X12Issues(null, null);
        X12SetValidator.ValidateElements(X12Envelope.Iea, iea, isForbidden, issues);
        result.Fatal.AddRange(issues.Errors);
        if (issues.Errors.Count > 0)
        {
            return;
        }

        if (iea.Count(1) != result.Groups.Count)
        {
            result.Fatal.Add(Error(X12ErrorCode.GroupCountMismatch, iea, 1,
                $"IEA01 says {iea.Text(1)} functional group(s); the interchange has {result.Groups.Count}.") with { BadValue = iea.Text(1) });
        }

        if (iea.Count(2) != result.Header.ControlNumber)
        {
            result.Fatal.Add(Error(X12ErrorCode.InterchangeControlNumberMismatch, iea, 2,
                $"IEA02 '{iea.Text(2)}' does not match ISA13 '{result.Header.ControlNumber:D9}'.") with { BadValue = iea.Text(2) });
        }
    }
}
