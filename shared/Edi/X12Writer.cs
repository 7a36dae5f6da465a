using System.Globalization;
using System.Text;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.Edi;

/// <summary>What was sent: the text, and the control numbers a 997 from the partner will refer to.</summary>
public sealed record X12Outbound(string Text, int InterchangeControlNumber, ValueList<X12OutboundGroup> Groups);

public sealed record X12OutboundGroup(string FunctionalId, int ControlNumber, ValueList<X12OutboundSet> Sets);

public sealed record X12OutboundSet(string SetId, string ControlNumber);

/// <summary>
/// Writes documents as one interchange for a partner: one functional group per functional id (in the order the
/// documents come), control numbers from <see cref="IControlNumbers"/>, date and time (UTC) from the
/// <see cref="TimeProvider"/>, the partner's delimiters, counts and trailers. Every set is checked against its
/// definition and read back before it is written: a document that would not read back the same is refused with
/// a precise error instead of being sent.
/// </summary>
public sealed class X12Writer
{
    private readonly X12PartnerOptions _options;
    private readonly TimeProvider _time;
    private readonly IControlNumbers _controlNumbers;

    public X12Writer(X12PartnerOptions options, TimeProvider time, IControlNumbers controlNumbers)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(controlNumbers);
        options.EnsureValid();
        _options = options;
        _time = time;
        _controlNumbers = controlNumbers;
    }

    public async Task<X12Outbound> WriteAsync(IReadOnlyList<IX12Document> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0)
        {
            throw new ArgumentException("An interchange needs at least one document.", nameof(documents));
        }

        var groups = documents.Select(d => (Document: d, Map: X12TransactionSets.For(d)))
            .GroupBy(d => d.Map.Definition.FunctionalId, StringComparer.Ordinal)
            .ToList();
        var interchangeNumber = await _controlNumbers.ReserveAsync(_options.Name, X12ControlNumberKind.Interchange, 1, cancellationToken).ConfigureAwait(false);
        var firstGroup = await _controlNumbers.ReserveAsync(_options.Name, X12ControlNumberKind.Group, groups.Count, cancellationToken).ConfigureAwait(false);
        var firstSet = await _controlNumbers.ReserveAsync(_options.Name, X12ControlNumberKind.TransactionSet, documents.Count, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow().UtcDateTime;

        var segments = new List<X12Segment>();
        var sentGroups = new List<X12OutboundGroup>();
        var setOffset = 0;
        foreach (var (group, groupOffset) in groups.Select((g, i) => (g, i)))
        {
            var groupNumber = X12ControlNumbers.After(firstGroup, groupOffset);
            segments.Add(X12Segment.Of("GS", group.Key, _options.GroupSender, _options.GroupReceiver,
                now.ToString("yyyyMMdd", CultureInfo.InvariantCulture), now.ToString("HHmm", CultureInfo.InvariantCulture),
                X12Format.Integer(groupNumber), "X", _options.GroupVersion));
            var sentSets = new List<X12OutboundSet>();
            foreach (var (document, map) in group)
            {
                var setNumber = X12ControlNumbers.After(firstSet, setOffset++).ToString("D4", CultureInfo.InvariantCulture);
                var stIndex = segments.Count + 2;
                var body = Body(document, map, stIndex, groupNumber, setNumber);
                segments.Add(X12Segment.Of("ST", map.Definition.SetId, setNumber));
                segments.AddRange(body);
                segments.Add(X12Segment.Of("SE", X12Format.Integer(body.Count + 2), setNumber));
                sentSets.Add(new X12OutboundSet(map.Definition.SetId, setNumber));
            }

            segments.Add(X12Segment.Of("GE", X12Format.Integer(sentSets.Count), X12Format.Integer(groupNumber)));
            sentGroups.Add(new X12OutboundGroup(group.Key, groupNumber, sentSets.ToValueList()));
        }

        segments.Add(X12Segment.Of("IEA", X12Format.Integer(groups.Count), interchangeNumber.ToString("D9", CultureInfo.InvariantCulture)));
        return new X12Outbound(Render(now, interchangeNumber, segments), interchangeNumber, sentGroups.ToValueList());
    }

    /// <summary>The set's body for this partner, checked against the definition and read back.</summary>
    private List<X12Segment> Body(IX12Document document, IX12SetMap map, int stIndex, int groupNumber, string setNumber)
    {
        var definition = map.Definition.Without(_options.OmittedSegments);
        var body = new List<X12Segment>();
        foreach (var segment in map.Write(document))
        {
            if (!_options.OmittedSegments.Contains(segment.Id))
            {
                body.Add(segment);
            }
            else if (!map.DerivedSegments.Contains(segment.Id))
            {
                throw new X12Exception(new X12Error(X12ErrorCode.NotRepresentable, segment.Id, stIndex + body.Count + 1, body.Count + 2, null,
                    $"Partner {_options.Name} does not accept segment {segment.Id}, but this {map.Definition.SetId} needs it for its data.")
                {
                    GroupControlNumber = groupNumber,
                    SetControlNumber = setNumber,
                });
            }
        }

        var positioned = body.Select((s, i) => new X12PositionedSegment(s, stIndex + 1 + i, i + 2)).ToList();
        var end = new X12PositionedSegment(X12Segment.Of("SE"), stIndex + body.Count + 1, body.Count + 2);
        var issues = new X12Issues(groupNumber, setNumber);
        var policy = new X12SegmentPolicy(new HashSet<string>(), SkipUnknown: false, c => _options.Delimiters.IsDelimiter(c, _options.UsesRepetitionSeparator));
        var tree = X12SetValidator.Validate(definition, positioned, end, policy, issues);
        var readBack = issues.Errors.Count == 0 ? map.Read(tree, new X12ReadContext(issues)) : null;
        if (readBack is not null && issues.Errors.Count == 0 && !readBack.Equals(document))
        {
            issues.Errors.Add(new X12Error(X12ErrorCode.NotRepresentable, "ST", stIndex, 1, null,
                $"This {map.Definition.SetId} would not read back as written: optional values must be null rather than empty, "
                + "GTINs must be in their 14-digit form, dates and times must fit X12 (whole seconds).")
            {
                GroupControlNumber = groupNumber,
                SetControlNumber = setNumber,
            });
        }

        return issues.Errors.Count > 0 ? throw new X12Exception(issues.Errors[0]) : body;
    }

    private string Render(DateTime now, int interchangeNumber, List<X12Segment> segments)
    {
        var delimiters = _options.Delimiters;
        var e = delimiters.Element;
        var text = new StringBuilder();
        text.Append("ISA").Append(e).Append("00").Append(e).Append(' ', 10).Append(e).Append("00").Append(e).Append(' ', 10)
            .Append(e).Append(_options.OwnQualifier).Append(e).Append(_options.OwnId.PadRight(15))
            .Append(e).Append(_options.PartnerQualifier).Append(e).Append(_options.PartnerId.PadRight(15))
            .Append(e).Append(now.ToString("yyMMdd", CultureInfo.InvariantCulture)).Append(e).Append(now.ToString("HHmm", CultureInfo.InvariantCulture))
            .Append(e).Append(_options.UsesRepetitionSeparator ? delimiters.Repetition : 'U')
            .Append(e).Append(_options.InterchangeVersion)
            .Append(e).Append(interchangeNumber.ToString("D9", CultureInfo.InvariantCulture))
            .Append(e).Append(_options.RequestInterchangeAcknowledgment ? '1' : '0')
            .Append(e).Append(X12Envelope.Code(_options.Usage))
            .Append(e).Append(delimiters.Component)
            .Append(delimiters.Segment).Append(delimiters.LineBreak);
        foreach (var segment in segments)
        {
            text.Append(segment.Id);
            var elements = segment.Elements;
            var last = elements.Count - 1;
            while (last >= 0 && elements[last].IsEmpty)
            {
                last--;
            }

            for (var i = 0; i <= last; i++)
            {
                var components = elements[i].Components;
                var lastComponent = components.Count - 1;
                while (lastComponent > 0 && components[lastComponent].Length == 0)
                {
                    lastComponent--;
                }

                text.Append(e).AppendJoin(delimiters.Component, components.Take(lastComponent + 1));
            }

            text.Append(delimiters.Segment).Append(delimiters.LineBreak);
        }

        return text.ToString();
    }
}
