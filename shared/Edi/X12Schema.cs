using System.Collections.Frozen;

namespace WmsFunctions.Edi;

internal static class X12Codes
{
    public static FrozenSet<string> Of(params string[] codes) => codes.ToFrozenSet(StringComparer.Ordinal);
}

/// <summary>
/// X12 data element types: AN string, ID code, N0 integer, N2 integer with two implied decimals, R decimal,
/// DT date (CCYYMMDD), TM time (HHMM[SS[d[d]]]).
/// </summary>
internal enum X12DataType
{
    AN,
    ID,
    N0,
    N2,
    R,
    DT,
    TM,
}

/// <summary>
/// One element of a segment as this implementation uses it. <see cref="Mandatory"/> is this implementation's
/// requirement (which may be stricter than the standard's "optional"). Lengths count characters for AN/ID and
/// digits for N0/R (sign and decimal point excluded), as X12 does.
/// </summary>
internal sealed record X12ElementSpec(string Name, X12DataType Type, int MinLength, int MaxLength, bool Mandatory)
{
    public int? Reference { get; init; }

    public FrozenSet<string>? Codes { get; init; }

    /// <summary>For a composite element: its components (each with its own type and requirement).</summary>
    public ValueList<X12ElementSpec>? Components { get; init; }
}

internal enum X12SyntaxKind
{
    /// <summary>P: if any of the elements is present, all are required.</summary>
    Paired,

    /// <summary>R: at least one of the elements is required.</summary>
    Required,
}

internal sealed record X12SyntaxRule(X12SyntaxKind Kind, ValueList<int> Positions)
{
    public static X12SyntaxRule P(params int[] positions) => new(X12SyntaxKind.Paired, positions.ToValueList());

    public static X12SyntaxRule R(params int[] positions) => new(X12SyntaxKind.Required, positions.ToValueList());
}

internal sealed record X12SegmentSpec(string Id, string Name, ValueList<X12ElementSpec> Elements, ValueList<X12SyntaxRule> Rules);

/// <summary>A segment or a loop at its place in a transaction set, with this implementation's requirement and maximum use.</summary>
internal abstract record X12StructureNode(bool Mandatory, int MaxUse)
{
    /// <summary>The segment id that starts this node: the segment itself, or the first segment of the loop.</summary>
    public abstract string TriggerId { get; }

    public abstract IEnumerable<X12SegmentSpec> Segments();
}

internal sealed record X12SegmentUse(X12SegmentSpec Segment, bool Mandatory, int MaxUse) : X12StructureNode(Mandatory, MaxUse)
{
    public override string TriggerId => Segment.Id;

    public override IEnumerable<X12SegmentSpec> Segments() => [Segment];
}

/// <summary>A loop: its first child is the segment that starts each occurrence (mandatory, once per occurrence).</summary>
internal sealed record X12LoopUse(string LoopId, bool Mandatory, int MaxUse, ValueList<X12StructureNode> Children) : X12StructureNode(Mandatory, MaxUse)
{
    public override string TriggerId => Children[0].TriggerId;

    public override IEnumerable<X12SegmentSpec> Segments() => Children.SelectMany(c => c.Segments());
}

/// <summary>A transaction set as this implementation supports it: the segments between ST and SE.</summary>
internal sealed record X12SetDefinition(string SetId, string FunctionalId, string Name, ValueList<X12StructureNode> Body)
{
    /// <summary>Every segment id the definition uses, at any level.</summary>
    public FrozenSet<string> SegmentIds => Body.SelectMany(n => n.Segments()).Select(s => s.Id).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The definition for a partner who neither sends nor accepts some optional segments (or loops, named by their
    /// first segment). Omitting a mandatory one is refused.
    /// </summary>
    public X12SetDefinition Without(IReadOnlySet<string> omitted)
    {
        var ids = SegmentIds;
        if (omitted.Count == 0 || !omitted.Any(ids.Contains))
        {
            return this;
        }

        return this with { Body = Filter(Body, omitted, SetId) };
    }

    private static ValueList<X12StructureNode> Filter(ValueList<X12StructureNode> nodes, IReadOnlySet<string> omitted, string setId)
    {
        var kept = new List<X12StructureNode>();
        foreach (var node in nodes)
        {
            if (omitted.Contains(node.TriggerId))
            {
                if (node.Mandatory)
                {
                    throw new ArgumentException($"Segment {node.TriggerId} is mandatory in the {setId}: a partner cannot omit it.", nameof(omitted));
                }

                continue;
            }

            kept.Add(node is X12LoopUse loop
                ? loop with { Children = [loop.Children[0], .. Filter(loop.Children.Skip(1).ToValueList(), omitted, setId)] }
                : node);
        }

        return kept.ToValueList();
    }
}

/// <summary>Short-hands for writing set definitions: element types, segment specs, segment and loop uses.</summary>
internal static class X12Spec
{
    public const bool M = true;
    public const bool O = false;

    public static X12ElementSpec An(string name, int min, int max, bool mandatory, int? reference = null) =>
        new(name, X12DataType.AN, min, max, mandatory) { Reference = reference };

    public static X12ElementSpec Id(string name, int min, int max, bool mandatory, int? reference = null, params string[] codes) =>
        new(name, X12DataType.ID, min, max, mandatory) { Reference = reference, Codes = codes.Length == 0 ? null : X12Codes.Of(codes) };

    public static X12ElementSpec N0(string name, int min, int max, bool mandatory, int? reference = null) =>
        new(name, X12DataType.N0, min, max, mandatory) { Reference = reference };

    public static X12ElementSpec N2(string name, int min, int max, bool mandatory, int? reference = null) =>
        new(name, X12DataType.N2, min, max, mandatory) { Reference = reference };

    public static X12ElementSpec R(string name, int min, int max, bool mandatory, int? reference = null) =>
        new(name, X12DataType.R, min, max, mandatory) { Reference = reference };

    public static X12ElementSpec Dt(string name, bool mandatory, int? reference = 373) =>
        new(name, X12DataType.DT, 8, 8, mandatory) { Reference = reference };

    public static X12ElementSpec Tm(string name, bool mandatory, int? reference = 337) =>
        new(name, X12DataType.TM, 4, 8, mandatory) { Reference = reference };

    public static X12ElementSpec Composite(string name, bool mandatory, params X12ElementSpec[] components) =>
        new(name, X12DataType.AN, 0, 0, mandatory) { Components = components.ToValueList() };

    public static X12SegmentSpec Segment(string id, string name, X12ElementSpec[] elements, params X12SyntaxRule[] rules) =>
        new(id, name, elements.ToValueList(), rules.ToValueList());

    public static X12SegmentUse Use(X12SegmentSpec segment, bool mandatory, int maxUse) => new(segment, mandatory, maxUse);

    public static X12LoopUse Loop(string loopId, bool mandatory, int maxUse, X12SegmentSpec first, params X12StructureNode[] rest) =>
        new(loopId, mandatory, maxUse, [new X12SegmentUse(first, true, 1), .. rest]);

    public static X12SetDefinition Set(string setId, string functionalId, string name, params X12StructureNode[] body) =>
        new(setId, functionalId, name, body.ToValueList());
}
