using System.Text;

namespace WmsFunctions.Platform.Storage;

/// <summary>
/// How a state (an enum) is stored and answered: its member name in lower case with its words joined by '-'
/// (NotSupported: not-supported, SentToWms: sent-to-wms), never its number. Rows, clients and the OMS hold these names.
/// </summary>
public static class StateNames
{
    public static string Of<TState>(TState state)
        where TState : struct, Enum => Names<TState>.ByState[state];

    /// <summary>The state a name stands for; with <see cref="StringComparison.Ordinal"/> only as <see cref="Of"/> spells it.</summary>
    public static bool TryParse<TState>(string name, StringComparison comparison, out TState state)
        where TState : struct, Enum
    {
        foreach (var (candidate, text) in Names<TState>.ByState)
        {
            if (string.Equals(text, name, comparison))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    /// <summary>The state a stored name stands for, spelled exactly as <see cref="Of"/> writes it.</summary>
    public static TState Parse<TState>(string name)
        where TState : struct, Enum =>
        TryParse<TState>(name, StringComparison.Ordinal, out var state) ? state : throw new FormatException($"'{name}' is not a {typeof(TState).Name}.");

    private static string Spell(string member)
    {
        var name = new StringBuilder(member.Length + 4);
        for (var i = 0; i < member.Length; i++)
        {
            if (i > 0 && char.IsUpper(member[i]))
            {
                name.Append('-');
            }

            name.Append(char.ToLowerInvariant(member[i]));
        }

        return name.ToString();
    }

    private static class Names<TState>
        where TState : struct, Enum
    {
        public static readonly IReadOnlyDictionary<TState, string> ByState = Enum.GetValues<TState>().ToDictionary(s => s, s => Spell(s.ToString()));
    }
}
