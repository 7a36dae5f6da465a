using System.Text.RegularExpressions;

namespace WmsFunctions.UnitTests.Architecture;

/// <summary>
/// The namespaces a C# source names: its using directives (plain, static, alias) and the fully qualified names in its
/// code (comments left out). The compiled code keeps no trace of a constant or a nameof, so the rule reads these too.
/// </summary>
public static partial class SourceReferences
{
    /// <summary>Every use of a higher layer by a source, as "file: Namespace uses Name".</summary>
    public static IReadOnlyList<string> Upward(LayerRules rules, IEnumerable<(string File, string Text)> sources) =>
        sources
            .SelectMany(source =>
            {
                var ns = FileNamespace().Match(source.Text) is { Success: true } m ? m.Groups[1].Value : null;
                return Named(rules, source.Text).Select(name => (source.File, Namespace: ns, Name: name));
            })
            .Where(use => rules.LayerOf(use.Namespace) is { } from && rules.LayerOf(use.Name) is { } to && to > from)
            .Select(use => $"{use.File}: {use.Namespace} uses {use.Name}")
            .Distinct()
            .ToList();

    private static IEnumerable<string> Named(LayerRules rules, string text)
    {
        var code = string.Join('\n', text.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        foreach (Match directive in UsingDirective().Matches(code))
        {
            yield return directive.Groups[1].Value;
        }

        foreach (Match name in new Regex(@"(?<![\w.])" + Regex.Escape(rules.Root) + @"(?:\.\w+)+").Matches(code))
        {
            yield return name.Value;
        }
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();
}
