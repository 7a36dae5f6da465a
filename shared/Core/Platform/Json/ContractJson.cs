using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using WmsFunctions.Platform.Problems;

namespace WmsFunctions.Platform.Json;

/// <summary>Reading the hub's JSON contracts: strict types, bounded depth, field paths in every error.</summary>
public static class ContractJson
{
    public const int MaxDepth = 16;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        MaxDepth = MaxDepth,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static bool TryParse<T>(ReadOnlyMemory<byte> body, out T value, out Problem? problem)
        where T : class
    {
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

    /// <summary>Hash of the parsed request, so the same event sent with other whitespace or field order still matches.</summary>
    public static string Hash<T>(T request) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Options)));
}
