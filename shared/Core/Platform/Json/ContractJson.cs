using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Platform.Json;

/// <summary>Reading the hub's JSON contracts: strict types, bounded depth, field paths in every error.</summary>
/// <remarks>
/// Property names bind exactly as the contract spells them (camelCase), and a name given twice in one object is refused,
/// compared ignoring case: with "last one wins" (or a case-insensitive binder) <c>{"quantity":1,"Quantity":50}</c>
/// applies 50 while any reader of the first key (a log, a person, another parser) sees 1, so the event applied would
/// not be the event shown. Times must carry their offset (see <see cref="StrictDateTimeOffsetConverter"/>).
/// </remarks>
public static class ContractJson
{
    public const int MaxDepth = 16;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        PropertyNameCaseInsensitive = false,
        AllowDuplicateProperties = false,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase), new StrictDateTimeOffsetConverter() },
    };

    public static bool TryParse<T>(ReadOnlyMemory<byte> body, out T value, out Problem? problem)
        where T : class
    {
        if (DuplicateProperty(body.Span, MaxDepth) is { } duplicate)
        {
            (value, problem) = (null!, Problem.MalformedJson(DuplicateDetail(duplicate)));
            return false;
        }

        try
        {
            var parsed = JsonSerializer.Deserialize<T>(body.Span, Options);
            if (parsed is null)
            {
                (value, problem) = (null!, Problem.MalformedJson("The body must be a JSON object."));
                return false;
            }

            (value, problem) = (parsed, null);
            return true;
        }
        catch (ZonelessTimeException zoneless)
        {
            var field = string.IsNullOrEmpty(zoneless.Path) || zoneless.Path == "$" ? "$" : zoneless.Path.StartsWith("$.", StringComparison.Ordinal) ? zoneless.Path[2..] : zoneless.Path;
            (value, problem) = (null!, Problem.InvalidEvent(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [ZonelessTimeException.Rule] }));
            return false;
        }
        catch (JsonException error)
        {
            var where = string.IsNullOrEmpty(error.Path) || error.Path == "$" ? "the body" : $"'{error.Path}'";
            var why = error.InnerException is FormatException or InvalidOperationException or OverflowException
                ? "has the wrong type or format"
                : "is not valid JSON";
            (value, problem) = (null!, Problem.MalformedJson($"{char.ToUpperInvariant(where[0])}{where[1..]} {why} (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})."));
            return false;
        }
    }

    /// <summary>
    /// The path of the first property whose name its object already holds (compared ignoring case), at any depth, or
    /// null when every name is unique. Also null for text that is not JSON (or nests deeper than
    /// <paramref name="maxDepth"/>): the parser that follows reports that with its position.
    /// </summary>
    public static string? DuplicateProperty(ReadOnlySpan<byte> json, int maxDepth = MaxDepth)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var scopes = new Stack<Scope>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var scope = scopes.Peek();
                        var name = reader.GetString()!;
                        if (!scope.Names!.Add(name))
                        {
                            return $"{scope.Path}.{name}";
                        }

                        scope.Last = name;
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        continue;
                }

                // A value: an array counts its elements; a container is named from where it was opened.
                scopes.TryPeek(out var parent);
                if (parent is { Names: null })
                {
                    parent.Index++;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var path = parent is null ? "$"
                        : parent.Names is null ? $"{parent.Path}[{parent.Index.ToString(CultureInfo.InvariantCulture)}]"
                        : $"{parent.Path}.{parent.Last}";
                    scopes.Push(new Scope(path, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.OrdinalIgnoreCase) : null));
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private sealed class Scope(string path, HashSet<string>? names)
    {
        public string Path { get; } = path;

        /// <summary>The names seen so far in an object; null in an array.</summary>
        public HashSet<string>? Names { get; } = names;

        public string? Last { get; set; }

        public int Index { get; set; } = -1;
    }

    /// <summary>The malformed-json detail for a name given twice.</summary>
    public static string DuplicateDetail(string path) =>
        $"'{path}' is given more than once (property names are compared ignoring case, and bound exactly as the contract spells them): send each property once.";

    /// <summary>Hash of the parsed request, so the same event sent with other whitespace or field order still matches.</summary>
    public static string Hash<T>(T request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Options)));
}
