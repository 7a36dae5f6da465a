namespace WmsFunctions.Edi;

/// <summary>
/// The characters that structure an interchange. A reader takes them from the ISA segment itself (element separator
/// = the 4th character, repetition separator = ISA11 from version 00402 on, component separator = ISA16, segment
/// terminator = the character after ISA16); a writer uses the partner's choice. <see cref="LineBreak"/> is written
/// after every segment terminator ("", "\n" or "\r\n"); readers tolerate CR/LF there whatever was chosen.
/// </summary>
public sealed record X12Delimiters(char Element, char Component, char Segment, char Repetition = '^', string LineBreak = "")
{
    /// <summary>The usual choice: <c>*</c>, <c>&gt;</c>, <c>~</c>, repetition <c>^</c>, no line break.</summary>
    public static X12Delimiters Default { get; } = new('*', '>', '~');

    /// <summary>Why these delimiters cannot be written (empty when they can).</summary>
    public IReadOnlyList<string> Problems(bool usesRepetition)
    {
        var problems = new List<string>();
        foreach (var (name, value) in Named(usesRepetition))
        {
            if (char.IsAsciiLetterOrDigit(value) || char.IsWhiteSpace(value) || char.IsControl(value) || value is '.' or '-' or '+' || value > '~')
            {
                problems.Add($"The {name} '{value}' cannot be a delimiter: letters, digits, spaces, control characters, '.', '-', '+' and non-ASCII characters appear in data.");
            }
        }

        var chars = Named(usesRepetition).Select(n => n.Value).ToList();
        if (chars.Distinct().Count() != chars.Count)
        {
            problems.Add("The delimiters must differ from each other: " + string.Join(", ", Named(usesRepetition).Select(n => $"{n.Name} '{n.Value}'")) + ".");
        }

        if (LineBreak is not ("" or "\n" or "\r\n"))
        {
            problems.Add("The line break after a segment terminator must be empty, \\n or \\r\\n.");
        }

        return problems;
    }

    /// <summary>True when the character is one of the delimiters in use (data can never contain it).</summary>
    internal bool IsDelimiter(char value, bool usesRepetition) =>
        value == Element || value == Component || value == Segment || (usesRepetition && value == Repetition);

    private IEnumerable<(string Name, char Value)> Named(bool usesRepetition)
    {
        yield return ("element separator", Element);
        yield return ("component separator", Component);
        yield return ("segment terminator", Segment);
        if (usesRepetition)
        {
            yield return ("repetition separator", Repetition);
        }
    }
}
