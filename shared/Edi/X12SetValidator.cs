using System.Collections.Frozen;
using System.Globalization;

namespace WmsFunctions.Edi;

/// <summary>A segment with where it stands: its 1-based index in the interchange and in its transaction set (ST = 1).</summary>
internal sealed record X12PositionedSegment(X12Segment Segment, int Index, int SetPosition)
{
    public string Id => Segment.Id;

    /// <summary>The value of a simple element, null when absent.</summary>
    public string? Text(int position) => Segment[position] is { Length: > 0 } value ? value : null;

    public string Required(int position) =>
        Text(position) ?? throw new InvalidOperationException($"{Id}{position:D2} was validated as present.");

    public string? Component(int position, int component)
    {
        var components = Segment.Element(position).Components;
        return component <= components.Count && components[component - 1] is { Length: > 0 } value ? value : null;
    }

    public decimal? Number(int position) => Text(position) is { } text ? decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) : null;

    public int? Count(int position) => Text(position) is { } text ? int.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    public DateOnly? Date(int position) => Text(position) is { } text ? X12Format.ParseDate(text) : null;

    public TimeOnly? Time(int position) => Text(position) is { } text ? X12Format.ParseTime(text) : null;
}

/// <summary>One occurrence of a loop (or the whole set body): its segments and nested loops, in order.</summary>
internal sealed class X12LoopInstance(string loopId)
{
    private readonly List<X12PositionedSegment> _segments = [];
    private readonly List<X12LoopInstance> _loops = [];

    public string LoopId { get; } = loopId;

    /// <summary>The segment that started this loop occurrence.</summary>
    public X12PositionedSegment Trigger => _segments[0];

    public void Add(X12PositionedSegment segment) => _segments.Add(segment);

    public void Add(X12LoopInstance loop) => _loops.Add(loop);

    public X12PositionedSegment? One(string id) => _segments.Find(s => s.Id == id);

    public X12PositionedSegment Required(string id) =>
        One(id) ?? throw new InvalidOperationException($"Segment {id} was validated as present.");

    public IEnumerable<X12PositionedSegment> All(string id) => _segments.Where(s => s.Id == id);

    public IEnumerable<X12LoopInstance> Loops(string loopId) => _loops.Where(l => l.LoopId == loopId);
}

/// <summary>Errors (the set is rejected) and notes (accepted, but worth reporting) found in one transaction set.</summary>
internal sealed class X12Issues(int? groupControlNumber, string? setControlNumber)
{
    public List<X12Error> Errors { get; } = [];

    public List<X12Error> Notes { get; } = [];

    public void Error(X12ErrorCode code, X12PositionedSegment at, int? element, string message, int? component = null, string? badValue = null, int? reference = null) =>
        Errors.Add(Build(code, at, element, message, component, badValue, reference));

    public void Error(X12ErrorCode code, string segmentId, X12PositionedSegment at, string message) =>
        Errors.Add(Build(code, at, null, message, null, null, null) with { SegmentId = segmentId });

    public void Note(X12ErrorCode code, X12PositionedSegment at, string message) =>
        Notes.Add(Build(code, at, null, message, null, null, null));

    private X12Error Build(X12ErrorCode code, X12PositionedSegment at, int? element, string message, int? component, string? badValue, int? reference) =>
        new(code, at.Id, at.Index, at.SetPosition, element, message)
        {
            ComponentPosition = component,
            GroupControlNumber = groupControlNumber,
            SetControlNumber = setControlNumber,
            BadValue = badValue,
            ElementReference = reference,
        };
}

/// <summary>What to do with segments a set definition does not have.</summary>
internal sealed record X12SegmentPolicy(IReadOnlySet<string> Ignored, bool SkipUnknown, Func<char, bool> IsForbidden);

/// <summary>
/// Checks the segments of one transaction set against its definition, the X12 way: each segment is matched to the
/// next node of the current level (a loop starts with its first segment); a segment that does not fit returns to
/// the enclosing level; at the top it is out of sequence. Element values are checked against their specs.
/// </summary>
internal sealed class X12SetValidator
{
    private readonly X12SetDefinition _definition;
    private readonly X12SegmentPolicy _policy;
    private readonly X12Issues _issues;
    private readonly FrozenSet<string> _known;
    private readonly IReadOnlyList<X12PositionedSegment> _segments;
    private readonly X12PositionedSegment _end;
    private int _index;

    private X12SetValidator(X12SetDefinition definition, X12SegmentPolicy policy, X12Issues issues, IReadOnlyList<X12PositionedSegment> segments, X12PositionedSegment end)
    {
        _definition = definition;
        _policy = policy;
        _issues = issues;
        _known = definition.SegmentIds;
        _segments = segments;
        _end = end;
    }

    /// <summary>Validates the body (the segments between ST and SE); <paramref name="end"/> is the SE, where missing segments are reported at the end.</summary>
    public static X12LoopInstance Validate(X12SetDefinition definition, IReadOnlyList<X12PositionedSegment> body, X12PositionedSegment end, X12SegmentPolicy policy, X12Issues issues)
    {
        var validator = new X12SetValidator(definition, policy, issues, body, end);
        var root = new X12LoopInstance("");
        validator.ParseLevel(definition.Body, 0, root);
        return root;
    }

    private X12PositionedSegment Next => _index < _segments.Count ? _segments[_index] : _end;

    /// <summary>A level being parsed: its nodes and the node reached so far (segments only move forward).</summary>
    private sealed class Level(ValueList<X12StructureNode> nodes, int current)
    {
        public ValueList<X12StructureNode> Nodes { get; } = nodes;

        public int Current { get; set; } = current;

        public int Find(string segmentId)
        {
            for (var k = Current; k < Nodes.Count; k++)
            {
                if (Nodes[k].TriggerId == segmentId)
                {
                    return k;
                }
            }

            return -1;
        }
    }

    private readonly List<Level> _levels = [];

    /// <summary>
    /// Parses one level (the set body, or a loop occurrence after its first segment). A segment that fits no node
    /// from here on ends the level when an enclosing level takes it (which is how a loop's next occurrence starts);
    /// otherwise it is out of sequence, reported here so the rest of the loop still lines up.
    /// </summary>
    private void ParseLevel(ValueList<X12StructureNode> nodes, int startNode, X12LoopInstance target)
    {
        var level = new Level(nodes, startNode);
        _levels.Add(level);
        var counts = new int[nodes.Count];
        if (startNode == 1)
        {
            counts[0] = 1;
        }

        while (_index < _segments.Count)
        {
            var segment = _segments[_index];
            if (SkipUndefined(segment))
            {
                continue;
            }

            var found = level.Find(segment.Id);
            if (found < 0)
            {
                if (_levels.Take(_levels.Count - 1).Any(l => l.Find(segment.Id) >= 0))
                {
                    break;
                }

                _issues.Error(X12ErrorCode.SegmentNotInProperSequence, segment, null,
                    $"Segment {segment.Id} is not in its place in the {_definition.SetId} ({_definition.Name}).");
                _index++;
                continue;
            }

            for (var k = level.Current; k < found; k++)
            {
                ReportIfMissing(nodes[k], counts[k], segment);
            }

            level.Current = found;
            counts[found]++;
            switch (nodes[found])
            {
                case X12SegmentUse use:
                    if (counts[found] > use.MaxUse)
                    {
                        _issues.Error(X12ErrorCode.SegmentExceedsMaximumUse, segment, null,
                            $"Segment {segment.Id} ({use.Segment.Name}) may occur at most {use.MaxUse} time(s) here.");
                    }

                    ValidateElements(use.Segment, segment, _policy.IsForbidden, _issues);
                    target.Add(segment);
                    _index++;
                    break;

                case X12LoopUse loop:
                    if (counts[found] > loop.MaxUse)
                    {
                        _issues.Error(X12ErrorCode.LoopOccursOverMaximumTimes, segment, null,
                            $"Loop {loop.LoopId} may occur at most {loop.MaxUse} time(s) here.");
                    }

                    var occurrence = new X12LoopInstance(loop.LoopId);
                    ValidateElements(((X12SegmentUse)loop.Children[0]).Segment, segment, _policy.IsForbidden, _issues);
                    occurrence.Add(segment);
                    _index++;
                    ParseLevel(loop.Children, 1, occurrence);
                    target.Add(occurrence);
                    break;
            }
        }

        for (var k = level.Current; k < nodes.Count; k++)
        {
            ReportIfMissing(nodes[k], counts[k], Next);
        }

        _levels.RemoveAt(_levels.Count - 1);
    }

    private void ReportIfMissing(X12StructureNode node, int count, X12PositionedSegment at)
    {
        if (node.Mandatory && count == 0)
        {
            var name = node.Segments().First().Name;
            _issues.Error(X12ErrorCode.MandatorySegmentMissing, node.TriggerId, at,
                $"Mandatory segment {node.TriggerId} ({name}) is missing: expected before {at.Id} at position {at.SetPosition} of the set.");
        }
    }

    /// <summary>Segments the definition does not have: refused, or skipped when the partner's options say so.</summary>
    private bool SkipUndefined(X12PositionedSegment segment)
    {
        if (!IsValidSegmentId(segment.Id))
        {
            _issues.Error(X12ErrorCode.UnrecognizedSegmentId, segment, null, $"'{segment.Id}' is not a segment id.");
        }
        else if (_known.Contains(segment.Id))
        {
            return false;
        }
        else if (_policy.Ignored.Contains(segment.Id))
        {
            // Declared by the partner as sent but of no use here: skipped silently.
        }
        else if (_policy.SkipUnknown)
        {
            _issues.Note(X12ErrorCode.SegmentNotInDefinedSet, segment, $"Segment {segment.Id} is not in the {_definition.SetId} ({_definition.Name}) as supported here; skipped.");
        }
        else
        {
            _issues.Error(X12ErrorCode.SegmentNotInDefinedSet, segment, null, $"Segment {segment.Id} is not in the {_definition.SetId} ({_definition.Name}) as supported here.");
        }

        _index++;
        return true;
    }

    public static bool IsValidSegmentId(string id) =>
        id.Length is 2 or 3 && char.IsAsciiLetterUpper(id[0]) && id.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));

    /// <summary>Checks every element of a segment and the segment's syntax rules.</summary>
    public static void ValidateElements(X12SegmentSpec spec, X12PositionedSegment segment, Func<char, bool> isForbidden, X12Issues issues)
    {
        var elements = segment.Segment.Elements;
        for (var position = 1; position <= elements.Count; position++)
        {
            var element = elements[position - 1];
            if (position > spec.Elements.Count)
            {
                if (!element.IsEmpty)
                {
                    issues.Error(X12ErrorCode.TooManyElements, segment, position,
                        $"{spec.Id} has {spec.Elements.Count} element(s) here; found a value at position {position}.", badValue: string.Concat(element.Components));
                }

                continue;
            }

            CheckElement(spec.Elements[position - 1], element, position, segment, isForbidden, issues);
        }

        for (var position = elements.Count + 1; position <= spec.Elements.Count; position++)
        {
            CheckElement(spec.Elements[position - 1], X12Element.Empty, position, segment, isForbidden, issues);
        }

        foreach (var rule in spec.Rules)
        {
            CheckRule(rule, spec, segment, issues);
        }
    }

    private static void CheckElement(X12ElementSpec spec, X12Element element, int position, X12PositionedSegment segment, Func<char, bool> isForbidden, X12Issues issues)
    {
        if (spec.Components is { } components)
        {
            if (element.IsEmpty)
            {
                if (spec.Mandatory)
                {
                    issues.Error(X12ErrorCode.MandatoryElementMissing, segment, position, $"{spec.Name} is mandatory.", reference: spec.Reference);
                }

                return;
            }

            if (element.Components.Count > components.Count)
            {
                issues.Error(X12ErrorCode.TooManyElements, segment, position,
                    $"{spec.Name} has {components.Count} component(s); found {element.Components.Count}.", component: components.Count + 1, reference: spec.Reference);
            }

            for (var c = 1; c <= components.Count; c++)
            {
                var value = c <= element.Components.Count ? element.Components[c - 1] : "";
                CheckValue(components[c - 1], value, position, c, segment, isForbidden, issues);
            }

            return;
        }

        if (element.Components.Count > 1)
        {
            issues.Error(X12ErrorCode.InvalidCharacter, segment, position,
                $"{spec.Name} is a simple element but holds the component separator.", badValue: null, reference: spec.Reference);
            return;
        }

        CheckValue(spec, element.Value, position, null, segment, isForbidden, issues);
    }

    private static void CheckValue(X12ElementSpec spec, string value, int position, int? component, X12PositionedSegment segment, Func<char, bool> isForbidden, X12Issues issues)
    {
        void Fail(X12ErrorCode code, string message) =>
            issues.Error(code, segment, position, message, component, value, spec.Reference);

        if (value.Length == 0)
        {
            if (spec.Mandatory)
            {
                issues.Error(X12ErrorCode.MandatoryElementMissing, segment, position, $"{spec.Name} is mandatory.", component, reference: spec.Reference);
            }

            return;
        }

        if (value.Any(c => c < ' ' || c > '~' || isForbidden(c)))
        {
            Fail(X12ErrorCode.InvalidCharacter, $"{spec.Name} holds a character that is not allowed (a control or non-ASCII character, or a delimiter).");
            return;
        }

        var length = value.Length;
        switch (spec.Type)
        {
            case X12DataType.N0 or X12DataType.N2:
                if (!X12Format.IsInteger(value))
                {
                    Fail(X12ErrorCode.InvalidCharacter, $"{spec.Name} must be a whole number; found '{value}'.");
                    return;
                }

                length = value.Count(char.IsAsciiDigit);
                break;
            case X12DataType.R:
                if (!X12Format.IsDecimal(value))
                {
                    Fail(X12ErrorCode.InvalidCharacter, $"{spec.Name} must be a decimal number; found '{value}'.");
                    return;
                }

                length = value.Count(char.IsAsciiDigit);
                break;
            case X12DataType.DT:
                if (value.Length != 8 || X12Format.ParseDate(value) is null)
                {
                    Fail(X12ErrorCode.InvalidDate, $"{spec.Name} must be a date CCYYMMDD; found '{value}'.");
                    return;
                }

                break;
            case X12DataType.TM:
                if (X12Format.ParseTime(value) is null)
                {
                    Fail(X12ErrorCode.InvalidTime, $"{spec.Name} must be a time HHMM[SS[D[D]]]; found '{value}'.");
                    return;
                }

                break;
        }

        if (length < spec.MinLength)
        {
            Fail(X12ErrorCode.ElementTooShort, $"{spec.Name} must be at least {spec.MinLength} long; found {length}.");
        }
        else if (length > spec.MaxLength)
        {
            Fail(X12ErrorCode.ElementTooLong, $"{spec.Name} must be at most {spec.MaxLength} long; found {length}.");
        }
        else if (spec.Codes is { } codes && !codes.Contains(value))
        {
            Fail(X12ErrorCode.InvalidCodeValue, $"'{value}' is not a valid {spec.Name}; expected one of {string.Join(", ", codes.Order(StringComparer.Ordinal))}.");
        }
    }

    private static void CheckRule(X12SyntaxRule rule, X12SegmentSpec spec, X12PositionedSegment segment, X12Issues issues)
    {
        bool Present(int position) => !segment.Segment.Element(position).IsEmpty;
        var present = rule.Positions.Count(Present);
        var missing = rule.Positions.Where(p => !Present(p)).ToList();
        var names = string.Join(", ", rule.Positions.Select(p => $"{spec.Id}{p:D2}"));
        switch (rule.Kind)
        {
            case X12SyntaxKind.Paired when present > 0 && missing.Count > 0:
                issues.Error(X12ErrorCode.ConditionalElementMissing, segment, missing[0], $"{names} go together: {spec.Id}{missing[0]:D2} is missing.");
                break;
            case X12SyntaxKind.Required when present == 0:
                issues.Error(X12ErrorCode.ConditionalElementMissing, segment, missing[0], $"At least one of {names} is required.");
                break;
        }
    }
}
