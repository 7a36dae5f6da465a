using System.Diagnostics.CodeAnalysis;
using WmsFunctions.Edi.Documents;

namespace WmsFunctions.Edi;

/// <summary>An interchange read in full: every transaction set became a document.</summary>
public sealed record X12Interchange(X12InterchangeHeader Header, ValueList<X12ReceivedGroup> Groups)
{
    public IEnumerable<X12ReceivedDocument> Documents => Groups.SelectMany(g => g.Documents);
}

public sealed record X12ReceivedGroup(X12GroupHeader Header, ValueList<X12ReceivedDocument> Documents);

/// <summary>One transaction set as a document; <see cref="Notes"/> are the segments skipped under <see cref="X12UnknownSegments.Skip"/>.</summary>
public sealed record X12ReceivedDocument(string SetId, string ControlNumber, IX12Document Document, ValueList<X12Error> Notes);

/// <summary>
/// What became of each transaction set of an inbound interchange, and the 997s to send back (one per functional
/// group, none for groups that are themselves 997s). <see cref="X12SetOutcome.Document"/> is set only for sets
/// that were accepted in groups that were not rejected.
/// </summary>
public sealed record X12Receipt(X12InterchangeHeader Header, ValueList<X12SetOutcome> Sets, ValueList<FunctionalGroupAcknowledged> Acknowledgments)
{
    public IEnumerable<IX12Document> AcceptedDocuments => Sets.Select(s => s.Document).OfType<IX12Document>();
}

public sealed record X12SetOutcome(
    string FunctionalId,
    int? GroupControlNumber,
    string SetId,
    string ControlNumber,
    X12AcknowledgmentCode Code,
    IX12Document? Document,
    ValueList<X12Error> Errors,
    ValueList<X12Error> Notes);

/// <summary>
/// Reads interchanges from one partner. The delimiters come from the ISA; the envelope (control numbers, counts,
/// trailers), the structure of each set (per its definition and the partner's options) and the element values are
/// checked. <see cref="Read"/> is all or nothing; <see cref="Receive"/> decides per transaction set and builds the
/// 997s. An interchange whose ISA/IEA envelope is broken, or that is not from the partner to this hub, is refused
/// by both (it cannot be acknowledged with a 997).
/// </summary>
public sealed class X12Reader
{
    private readonly X12PartnerOptions _options;

    public X12Reader(X12PartnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        _options = options;
    }

    /// <summary>The ISA of an interchange, e.g. to find the partner's options before reading it.</summary>
    public static X12InterchangeHeader ReadHeader(string text) => X12EnvelopeParser.ReadHeader(text);

    /// <summary>Reads every document of the interchange, or throws <see cref="X12Exception"/> with the first error; nothing partial.</summary>
    public X12Interchange Read(string text) =>
        TryRead(text, out var interchange, out var error) ? interchange : throw new X12Exception(error);

    public bool TryRead(string text, [NotNullWhen(true)] out X12Interchange? interchange, [NotNullWhen(false)] out X12Error? error)
    {
        interchange = null;
        try
        {
            var analysis = Analyze(text);
            error = analysis.Parsed.Fatal.OrderBy(e => e.SegmentIndex).FirstOrDefault()
                ?? analysis.Groups.SelectMany(g => g.Errors.Concat(g.Sets.SelectMany(s => s.Issues.Errors))).OrderBy(e => e.SegmentIndex).FirstOrDefault();
            if (error is not null)
            {
                return false;
            }

            interchange = new X12Interchange(analysis.Parsed.Header, analysis.Groups.Select(g => new X12ReceivedGroup(
                g.Parsed.Header!,
                g.Sets.Select(s => new X12ReceivedDocument(s.Parsed.SetId, s.Parsed.ControlNumber, s.Document!, s.Issues.Notes.ToValueList())).ToValueList())).ToValueList());
            return true;
        }
        catch (X12Exception exception)
        {
            error = exception.Error;
            return false;
        }
    }

    /// <summary>
    /// Decides on each transaction set (accepted, accepted with errors noted, rejected) and builds the 997s.
    /// Throws <see cref="X12Exception"/> only when the interchange envelope itself is broken.
    /// </summary>
    public X12Receipt Receive(string text)
    {
        var analysis = Analyze(text);
        if (analysis.Parsed.Fatal.OrderBy(e => e.SegmentIndex).FirstOrDefault() is { } fatal)
        {
            throw new X12Exception(fatal);
        }

        var outcomes = new List<X12SetOutcome>();
        var acknowledgments = new List<FunctionalGroupAcknowledged>();
        foreach (var group in analysis.Groups)
        {
            var acknowledgment = X12Acknowledger.Acknowledge(group, _options);
            foreach (var set in group.Sets)
            {
                var code = X12Acknowledger.SetCode(set);
                var accepted = group.Errors.Count == 0 && code is X12AcknowledgmentCode.Accepted or X12AcknowledgmentCode.AcceptedWithErrors;
                outcomes.Add(new X12SetOutcome(group.Parsed.FunctionalId, group.Parsed.ControlNumber, set.Parsed.SetId, set.Parsed.ControlNumber, code,
                    accepted ? set.Document : null, set.Issues.Errors.ToValueList(), set.Issues.Notes.ToValueList()));
            }

            if (group.Parsed.FunctionalId != "FA")
            {
                acknowledgments.Add(acknowledgment);
            }
        }

        return new X12Receipt(analysis.Parsed.Header, outcomes.ToValueList(), acknowledgments.ToValueList());
    }

    private X12Analysis Analyze(string text)
    {
        var raw = X12EnvelopeParser.Tokenize(text);
        var parsed = X12EnvelopeParser.Parse(raw);
        CheckParties(parsed);
        var repetition = parsed.Header.Delimiters.Repetition;
        var policy = new X12SegmentPolicy(_options.IgnoredSegments, _options.UnknownSegments == X12UnknownSegments.Skip,
            X12Envelope.UsesRepetitionSeparator(parsed.Header.Version) ? c => c == repetition : _ => false);
        var groups = parsed.Groups.Select(group => AnalyzeGroup(group, policy)).ToList();
        return new X12Analysis(parsed, groups);
    }

    private void CheckParties(X12ParsedInterchange parsed)
    {
        var header = parsed.Header;
        if (header.SenderQualifier != _options.PartnerQualifier || header.SenderId != _options.PartnerId.Trim())
        {
            parsed.Fatal.Add(new X12Error(X12ErrorCode.UnexpectedParty, "ISA", 1, null, 6,
                $"The interchange comes from {header.SenderQualifier}/{header.SenderId}, not from partner {_options.Name} ({_options.PartnerQualifier}/{_options.PartnerId})."));
        }

        if (header.ReceiverQualifier != _options.OwnQualifier || header.ReceiverId != _options.OwnId.Trim())
        {
            parsed.Fatal.Add(new X12Error(X12ErrorCode.UnexpectedParty, "ISA", 1, null, 8,
                $"The interchange is addressed to {header.ReceiverQualifier}/{header.ReceiverId}, not to {_options.OwnQualifier}/{_options.OwnId}."));
        }
    }

    private X12GroupAnalysis AnalyzeGroup(X12ParsedGroup group, X12SegmentPolicy policy)
    {
        var errors = new List<X12Error>(group.Errors);
        if (group.Header is { } header)
        {
            if (!X12TransactionSets.IsSupportedFunctionalGroup(header.FunctionalId))
            {
                errors.Add(new X12Error(X12ErrorCode.UnsupportedFunctionalGroup, "GS", group.Gs.Index, null, 1,
                    $"Functional group {header.FunctionalId} is not supported.") { GroupControlNumber = header.ControlNumber });
            }

            if (!header.Version.StartsWith("004010", StringComparison.Ordinal))
            {
                errors.Add(new X12Error(X12ErrorCode.UnsupportedVersion, "GS", group.Gs.Index, null, 8,
                    $"Version {header.Version} is not supported: the sets here are 004010.") { GroupControlNumber = header.ControlNumber });
            }
        }

        var sets = group.Sets.Select(set =>
        {
            IX12Document? document = null;
            var map = X12TransactionSets.Find(set.SetId);
            if (map is null || map.Definition.FunctionalId != group.FunctionalId)
            {
                set.Issues.Error(X12ErrorCode.UnsupportedTransactionSet, set.St, 1, map is null
                    ? $"Transaction set {set.SetId} is not supported."
                    : $"A {set.SetId} belongs in a {map.Definition.FunctionalId} group, not in {group.FunctionalId}.", badValue: set.SetId);
            }
            else
            {
                var tree = X12SetValidator.Validate(map.Definition.Without(_options.OmittedSegments), set.Body, set.End, policy, set.Issues);
                if (set.Issues.Errors.Count == 0)
                {
                    var read = map.Read(tree, new X12ReadContext(set.Issues));
                    document = set.Issues.Errors.Count == 0 ? read : null;
                }
            }

            return new X12SetAnalysis(set, document);
        }).ToList();
        return new X12GroupAnalysis(group, sets, errors);
    }
}

internal sealed record X12SetAnalysis(X12ParsedSet Parsed, IX12Document? Document)
{
    public X12Issues Issues => Parsed.Issues;
}

internal sealed record X12GroupAnalysis(X12ParsedGroup Parsed, List<X12SetAnalysis> Sets, List<X12Error> Errors);

internal sealed record X12Analysis(X12ParsedInterchange Parsed, List<X12GroupAnalysis> Groups);
