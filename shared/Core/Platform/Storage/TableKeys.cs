using System.Buffers;
using System.Globalization;
using System.Text;

namespace WmsFunctions.Platform.Storage;

/// <summary>
/// Makes any business code safe inside a PartitionKey or RowKey. Table keys may not hold '/', '\', '#', '?'
/// or control characters, and the hub joins key parts with '|', so those (and the escape '%') become %XX.
/// The mapping is one-to-one, so two different codes never share a key.
/// </summary>
public static class TableKeys
{
    public const char Separator = '|';

    private static readonly SearchValues<char> Reserved = SearchValues.Create("/\\#?|%");

    public static string Escape(string value)
    {
        if (!value.AsSpan().ContainsAny(Reserved) && !value.Any(char.IsControl))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (c is '/' or '\\' or '#' or '?' or '|' or '%' || char.IsControl(c))
            {
                builder.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    public static string Join(params ReadOnlySpan<string> escapedParts) => string.Join(Separator, escapedParts);

    /// <summary>Table Storage's limit on a PartitionKey or RowKey (1 KiB).</summary>
    public const int MaxKeyLength = 1024;

    private static readonly SearchValues<char> NeverInAKey = SearchValues.Create("/\\#?");

    /// <summary>
    /// Whether <paramref name="key"/> could be a key the hub wrote: within the length limit, and without a character
    /// <see cref="Escape"/> never leaves (the ones Table Storage refuses in keys: '/', backslash, '#', '?' and control
    /// characters). A key from outside (an id an operator sends) that fails this names no row: look nothing up, since
    /// storage would refuse the request itself (a 400 that would surface as a 500).
    /// </summary>
    public static bool CouldBeKey(string key) =>
        key.Length <= MaxKeyLength && !key.AsSpan().ContainsAny(NeverInAKey) && !key.Any(char.IsControl);

    /// <summary>Row keys that sort newest first: ticks counted down from the maximum.</summary>
    public static string NewestFirst(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static string OldestFirst(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>The exclusive upper bound of a RowKey prefix scan ('|' + 1 = '}').</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);
}
