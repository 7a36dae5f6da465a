using System.Text.Json;
using System.Text.Json.Serialization;

namespace WmsFunctions.Platform.Json;

/// <summary>
/// Contract times are RFC 3339 date-times with an explicit offset (<c>Z</c> or <c>+hh:mm</c>). System.Text.Json on its
/// own also takes a time without one (read as the hub's local time) and a bare date (midnight, local): across
/// warehouses in other zones both are ambiguous by hours, and which side of a stock count a movement falls on depends on
/// it, so such a value is refused as the field's validation error (<see cref="ZonelessTimeException"/>). Written as before.
/// </summary>
public sealed class StrictDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value))
        {
            throw new JsonException(null, new FormatException("Not an RFC 3339 date-time.")); // "has the wrong type or format"
        }

        if (!HasOffset(reader.GetString()!))
        {
            throw new ZonelessTimeException();
        }

        return value;
    }

    /// <summary>Whether an ISO 8601 text the parser read as a time names its offset: a time part, then Z or a sign.</summary>
    public static bool HasOffset(string text)
    {
        var time = text.IndexOf('T', StringComparison.Ordinal);
        return time >= 0 && text.AsSpan(time).IndexOfAny('Z', '+', '-') >= 0;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value);
}

/// <summary>A contract time without an offset, or a bare date; <see cref="ContractJson.TryParse{T}"/> names its field.</summary>
public sealed class ZonelessTimeException() : JsonException(Rule)
{
    public const string Rule = "An RFC 3339 date-time with its offset (Z or +hh:mm), e.g. 2026-11-23T10:00:00Z: a time without one is ambiguous across warehouses.";
}
