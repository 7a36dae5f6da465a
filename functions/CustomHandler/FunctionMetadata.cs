using System.Text.Json;

namespace WmsFunctions.Handler.CustomHandler;

/// <summary>Writes the function folders (<c>{Name}/function.json</c>) the host loads, from the one catalog.</summary>
public static class FunctionMetadata
{
    public const string WriteCommand = "--write-function-metadata";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IReadOnlyList<string> Write(string appRoot, IEnumerable<FunctionDefinition> functions)
    {
        var written = new List<string>();
        foreach (var function in functions)
        {
            var folder = Path.Combine(appRoot, function.Name);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, "function.json");
            File.WriteAllText(path, function.ToFunctionJson().ToJsonString(Indented) + Environment.NewLine);
            written.Add(path);
        }

        return written;
    }
}
