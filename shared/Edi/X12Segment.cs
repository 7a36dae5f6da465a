namespace WmsFunctions.Edi;

/// <summary>One element of a segment: a simple element has one component, a composite several.</summary>
public sealed record X12Element(ValueList<string> Components)
{
    public static X12Element Empty { get; } = new([""]);

    /// <summary>The value of a simple element (the first component of a composite).</summary>
    public string Value => Components[0];

    public bool IsEmpty => Components.All(c => c.Length == 0);

    public static X12Element FromString(string? value) => value is null or "" ? Empty : new([value]);

    public static X12Element Composite(params string?[] components) =>
        new(components.Select(c => c ?? "").ToValueList());
}

/// <summary>A segment independent of the delimiters: its id and its elements (position 1 is the first after the id).</summary>
public sealed record X12Segment(string Id, ValueList<X12Element> Elements)
{
    /// <summary>A segment of simple elements; null or "" leaves an element empty.</summary>
    public static X12Segment Of(string id, params string?[] values) => new(id, values.Select(X12Element.FromString).ToValueList());

    /// <summary>A segment with composite elements.</summary>
    public static X12Segment Create(string id, params X12Element[] elements) => new(id, elements.ToValueList());

    /// <summary>The element at a 1-based position, empty when the segment is shorter.</summary>
    public X12Element Element(int position) => position >= 1 && position <= Elements.Count ? Elements[position - 1] : X12Element.Empty;

    /// <summary>The value of the simple element at a 1-based position, "" when absent.</summary>
    public string this[int position] => Element(position).Value;
}
