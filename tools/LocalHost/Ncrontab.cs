using System.Globalization;

namespace WmsFunctions.LocalHost;

/// <summary>
/// A timer trigger's schedule as the Functions host reads it: NCRONTAB with six fields
/// (second minute hour day month day-of-week), UTC. Each field takes *, a value, a range a-b, a step */n or
/// a-b/n, and comma lists of those; day-of-week 0-6 from Sunday (7 is Sunday too). When both day fields are
/// restricted, a day matching either runs (as in cron).
/// </summary>
public sealed class Ncrontab
{
    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;
    private readonly bool _anyDay;
    private readonly bool _anyWeekday;

    private Ncrontab(string[] fields)
    {
        (_seconds, _) = Field(fields[0], 0, 59, "second");
        (_minutes, _) = Field(fields[1], 0, 59, "minute");
        (_hours, _) = Field(fields[2], 0, 23, "hour");
        (_days, _anyDay) = Field(fields[3], 1, 31, "day");
        (_months, _) = Field(fields[4], 1, 12, "month");
        (var weekdays, _anyWeekday) = Field(fields[5], 0, 7, "day of week");
        weekdays[0] |= weekdays[7];
        _weekdays = weekdays;
    }

    public static Ncrontab Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6
            ? new Ncrontab(fields)
            : throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week).");
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC), within four years.</summary>
    public DateTime Next(DateTime after)
    {
        var t = new DateTime(after.Year, after.Month, after.Day, after.Hour, after.Minute, after.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(4);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
            }
            else if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            }
            else if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return t;
            }
        }

        throw new InvalidOperationException("The schedule never occurs.");
    }

    private bool DayMatches(DateTime t)
    {
        var day = _days[t.Day];
        var weekday = _weekdays[(int)t.DayOfWeek];
        return (_anyDay, _anyWeekday) switch
        {
            (true, true) => true,
            (true, false) => weekday,
            (false, true) => day,
            _ => day || weekday,
        };
    }

    private static (bool[] Allowed, bool Any) Field(string text, int min, int max, string name)
    {
        var allowed = new bool[max + 1];
        foreach (var part in text.Split(','))
        {
            var (range, step) = part.Split('/') switch
            {
                [var r] => (r, 1),
                [var r, var s] when int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => (r, n),
                _ => throw new FormatException($"Bad step in {name} field '{text}'."),
            };
            var (from, to) = range switch
            {
                "*" => (min, max),
                _ when range.Split('-') is [var a, var b] => (Value(a), Value(b)),
                _ => (Value(range), part.Contains('/', StringComparison.Ordinal) ? max : Value(range)),
            };
            if (from > to)
            {
                throw new FormatException($"Range {from}-{to} in {name} field '{text}' runs backwards.");
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return (allowed, text == "*" || text == "?");

        int Value(string v) =>
            int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                ? n
                : throw new FormatException($"'{v}' is not a {name} ({min}-{max}) in '{text}'.");
    }
}
