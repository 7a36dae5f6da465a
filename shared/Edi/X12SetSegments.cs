using System.Globalization;

namespace WmsFunctions.Edi;

/// <summary>The segments of one transaction set as they arrived, to tell positions (ST is position 1).</summary>
public sealed class X12SetSegments
{
    private readonly IReadOnlyList<X12PositionedSegment> segments;

    internal X12SetSegments(IReadOnlyList<X12PositionedSegment> segments) => this.segments = segments;

    /// <summary>The set position of the <paramref name="occurrence"/>-th (0-based) <paramref name="segmentId"/>; that of ST when there is none.</summary>
    public int Position(string segmentId, int occurrence)
    {
        var found = segments.Where(s => s.Id == segmentId).Skip(occurrence).FirstOrDefault();
        return found is null ? 1 : found.Index - segments[0].Index + 1;
    }

    /// <summary>Cuts an interchange into its sets, keyed by GS06 and ST02.</summary>
    public static Dictionary<(int? Group, string Set), X12SetSegments> Split(string text)
    {
        var raw = X12EnvelopeParser.Tokenize(text);
        var sets = new Dictionary<(int?, string), X12SetSegments>();
        int? group = null;
        List<X12PositionedSegment>? current = null;
        foreach (var segment in raw.Segments)
        {
            switch (segment.Id)
            {
                case "GS":
                    group = X12Format.IsInteger(segment.Segment[6]) && segment.Segment[6].Length <= 9 ? int.Parse(segment.Segment[6], CultureInfo.InvariantCulture) : null;
                    break;
                case "ST":
                    current = [segment];
                    sets.TryAdd((group, segment.Segment[2]), new X12SetSegments(current));
                    break;
                case "SE":
                    current?.Add(segment);
                    current = null;
                    break;
                default:
                    current?.Add(segment);
                    break;
            }
        }

        return sets;
    }
}
