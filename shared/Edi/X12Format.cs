using System.Buffers;
using System.Globalization;

namespace WmsFunctions.Edi;

/// <summary>How X12 writes and reads numbers, dates and times (always invariant: no culture ever reaches an interchange).</summary>
internal static class X12Format
{
    private static readonly SearchValues<char> DecimalCharacters = SearchValues.Create("0123456789.");

    public static string Decimal(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    public static string? Decimal(decimal? value) => value is { } v ? Decimal(v) : null;

    public static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string? OptionalInteger(int? value) => value is { } v ? Integer(v) : null;

    public static string Date(DateOnly value) => value.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static string? Date(DateOnly? value) => value is { } v ? Date(v) : null;

    /// <summary>HHMM, or HHMMSS when the seconds are not zero.</summary>
    public static string Time(TimeOnly value) =>
        value.ToString(value.Second == 0 ? "HHmm" : "HHmmss", CultureInfo.InvariantCulture);

    public static string? Time(TimeOnly? value) => value is { } v ? Time(v) : null;

    public static bool IsInteger(string text)
    {
        var digits = text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    public static bool IsDecimal(string text)
    {
        var body = text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
        var point = body.IndexOf('.');
        if (point >= 0 && body[(point + 1)..].Contains('.'))
        {
            return false;
        }

        var digitCount = body.Length - (point >= 0 ? 1 : 0);
        return digitCount > 0 && digitCount <= 28 && body.IndexOfAnyExcept(DecimalCharacters) < 0;
    }

    /// <summary>CCYYMMDD; null when it is not a real date.</summary>
    public static DateOnly? ParseDate(string text) =>
        text.Length == 8 && DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>YYMMDD as in ISA09 (years 2000-2099).</summary>
    public static DateOnly? ParseShortDate(string text) => text.Length == 6 ? ParseDate("20" + text) : null;

    /// <summary>HHMM, HHMMSS, HHMMSSD or HHMMSSDD (decimal seconds are dropped); null when it is not a time.</summary>
    public static TimeOnly? ParseTime(string text)
    {
        if (text.Length is not (4 or 6 or 7 or 8) || text.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var hours = int.Parse(text.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(text.AsSpan(2, 2), CultureInfo.InvariantCulture);
        var seconds = text.Length >= 6 ? int.Parse(text.AsSpan(4, 2), CultureInfo.InvariantCulture) : 0;
        return hours < 24 && minutes < 60 && seconds < 60 ? new TimeOnly(hours, minutes, seconds) : null;
    }
}
