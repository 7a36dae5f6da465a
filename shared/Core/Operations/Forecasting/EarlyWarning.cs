using System.Globalization;

namespace WmsFunctions.Operations.Forecasting;

/// <summary>Where a figure's predicted-breach incident stands.</summary>
public enum WarningState
{
    /// <summary>No warning: none was raised, or the last one cleared.</summary>
    Quiet,

    /// <summary>Raised: the forecast crosses the threshold; waiting for the trend to turn or the threshold alert.</summary>
    Open,

    /// <summary>The threshold itself was reached: its own alert speaks now. No new warning until the trend has turned.</summary>
    Superseded,
}

/// <summary>What one evaluation changed, and whether people hear of it.</summary>
public enum WarningChange
{
    None,

    /// <summary>A new incident: alert.raised.</summary>
    Raised,

    /// <summary>The trend turned: alert.cleared.</summary>
    Cleared,

    /// <summary>The threshold alert fired while the warning was open: alert.cleared, naming the threshold alert.</summary>
    Superseded,

    /// <summary>Silent: the threshold was reached without a warning (held as superseded), or a superseded warning's trend turned.</summary>
    Held,
}

/// <summary>One evaluation of a figure: its series with the new point, the forecast, and the warning's new state.</summary>
public sealed record WarningStep(IReadOnlyList<SeriesPoint> Points, TrendForecast? Forecast, WarningState State, WarningChange Change);

/// <summary>
/// The predicted-breach alert, one per incident. Quiet -> Open (raised) when the forecast reaches the threshold within
/// <see cref="EarlyWarningOptions.HorizonMinutes"/> with a significant rising trend while the figure is still below
/// it. Open -> Quiet (cleared) when the trend turns: the trend is no longer significant above
/// <see cref="EarlyWarningOptions.ClearSignificance"/> or the forecast no longer reaches the threshold within
/// <see cref="EarlyWarningOptions.ClearHorizonMinutes"/>; both are looser than raising, so a forecast near the line
/// does not raise and clear by turns. Open -> Superseded (cleared, naming the threshold alert) when the figure
/// reaches the threshold: the warning was right and the threshold alert takes over. While superseded (or when the
/// threshold is reached with no warning open) no warning is raised, even when the figure dips below the threshold
/// for a minute, until the trend has turned: one climb, one warning.
/// </summary>
public static class EarlyWarning
{
    /// <summary>Adds the figure measured at <paramref name="at"/> to its series and decides the warning.</summary>
    public static WarningStep Step(
        IReadOnlyList<SeriesPoint> points, WarningState state, DateTimeOffset at, double value, double threshold, EarlyWarningOptions options)
    {
        var series = MetricSeries.Append(points, at, value, options);
        var forecast = TrendForecaster.Forecast(series, threshold, options);
        var (next, change) = Decide(state, threshold > 0 && value >= threshold, forecast, options);
        return new WarningStep(series, forecast, next, change);
    }

    public static (WarningState State, WarningChange Change) Decide(WarningState state, bool overThreshold, TrendForecast? forecast, EarlyWarningOptions options)
    {
        var stillCrossing = forecast is not null && forecast.Significance > options.ClearSignificance && forecast.MinutesToBreach <= options.ClearHorizonMinutes;
        return state switch
        {
            WarningState.Open when overThreshold => (WarningState.Superseded, WarningChange.Superseded),
            WarningState.Open when !stillCrossing => (WarningState.Quiet, WarningChange.Cleared),
            WarningState.Superseded when !overThreshold && !stillCrossing => (WarningState.Quiet, WarningChange.Held),
            WarningState.Quiet when overThreshold => (WarningState.Superseded, WarningChange.Held),
            WarningState.Quiet when forecast is not null
                && forecast.Significance >= options.RaiseSignificance && forecast.MinutesToBreach <= options.HorizonMinutes => (WarningState.Open, WarningChange.Raised),
            _ => (state, WarningChange.None),
        };
    }

    /// <summary>"forecast 14.2 in 30 min (trend +0.31/min, 6.5 x its spread): threshold 15 in about 12 min" for the alert's summary.</summary>
    public static string Describe(TrendForecast forecast, double threshold, int horizonMinutes) => string.Create(CultureInfo.InvariantCulture,
        $"forecast {forecast.AtHorizon:0.#} in {horizonMinutes} min (trend {forecast.TrendPerMinute:+0.###;-0.###;0}/min, {forecast.Significance:0.#} x its spread): threshold {threshold:0.#} {(forecast.MinutesToBreach is { } m ? $"in about {Math.Ceiling(m):0} min" : "not reached")}");
}

/// <summary>
/// A figure's rolling window: at most one point per minute (a second run in the same minute replaces it), the newest
/// <see cref="EarlyWarningOptions.WindowPoints"/> kept, started again after a gap of more than
/// <see cref="EarlyWarningOptions.MaxGapMinutes"/>. Stored as text: "unix-minute:value" pairs joined by ';'.
/// </summary>
public static class MetricSeries
{
    private static readonly long MaxUnixMinute = DateTimeOffset.MaxValue.ToUnixTimeSeconds() / 60;

    public static IReadOnlyList<SeriesPoint> Append(IReadOnlyList<SeriesPoint> points, DateTimeOffset at, double value, EarlyWarningOptions options)
    {
        var minute = FloorToMinute(at);
        var kept = new List<SeriesPoint>(points.Count + 1);
        if (points.Count > 0)
        {
            var last = points[^1].At;
            if (minute < last)
            {
                return points; // an evaluation that started before the last one wrote: its figure is older, not newer
            }

            if ((minute - last).TotalMinutes <= options.MaxGapMinutes)
            {
                kept.AddRange(minute == last ? points.Take(points.Count - 1) : points);
            }
        }

        kept.Add(new SeriesPoint(minute, value));
        return kept.Count > options.WindowPoints ? kept[^options.WindowPoints..] : kept;
    }

    public static string Serialize(IEnumerable<SeriesPoint> points) =>
        string.Join(';', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.At.ToUnixTimeSeconds() / 60}:{p.Value:R}")));

    /// <summary>The points of <see cref="Serialize"/>; anything unreadable is dropped (a forecast is advice, never a reason to fail the evaluator).</summary>
    public static IReadOnlyList<SeriesPoint> Parse(string? text)
    {
        var points = new List<SeriesPoint>();
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0
                && long.TryParse(pair.AsSpan(0, colon), NumberStyles.Integer, CultureInfo.InvariantCulture, out var minute)
                && double.TryParse(pair.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                && double.IsFinite(value) && minute > 0 && minute < MaxUnixMinute
                && (points.Count == 0 || minute * 60 > points[^1].At.ToUnixTimeSeconds()))
            {
                points.Add(new SeriesPoint(DateTimeOffset.FromUnixTimeSeconds(minute * 60), value));
            }
        }

        return points;
    }

    private static DateTimeOffset FloorToMinute(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }
}
