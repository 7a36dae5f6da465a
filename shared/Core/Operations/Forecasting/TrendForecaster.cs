namespace WmsFunctions.Operations.Forecasting;

/// <summary>One figure at one minute.</summary>
public readonly record struct SeriesPoint(DateTimeOffset At, double Value);

/// <summary>
/// Where a series is heading: its smoothed <see cref="Level"/> and <see cref="TrendPerMinute"/> at the last point,
/// the trend in units of its own spread (<see cref="Significance"/>), the value forecast
/// <see cref="EarlyWarningOptions.HorizonMinutes"/> ahead, and in how many minutes the forecast reaches the threshold
/// (0 when the level is there already; null when it never does: the trend is flat or falling).
/// </summary>
public sealed record TrendForecast(
    DateTimeOffset At, double Current, double Level, double TrendPerMinute, double Spread, double Significance, double AtHorizon, double? MinutesToBreach)
{
    /// <summary>The forecast reaches the threshold within <paramref name="minutes"/> and the trend is more than <paramref name="significance"/> spreads.</summary>
    public bool Crosses(double minutes, double significance) => MinutesToBreach <= minutes && Significance > significance;
}

/// <summary>
/// Forecasts a short per-minute series with Holt's linear trend (double exponential smoothing), made robust.
/// <para>
/// Why Holt: the incidents worth foreseeing are figures that climb steadily because something is stuck (a relay
/// that stopped makes the outbox's oldest message age one minute per minute; a WMS that is down adds failed syncs
/// at its event rate). Holt's method models exactly a level plus a slope, weighs recent minutes more (geometrically),
/// gives the minutes to a breach directly ((threshold - level) / slope), and needs nothing but the last points, which
/// the evaluator recomputes from on every run, so no smoothing state is stored or can drift. A plain EWMA has no
/// slope; Brown's double smoothing (an EWMA with a slope) ties the slope's smoothing to the level's, while Holt's
/// separate beta lets the slope move much slower than the level (beta 0.05 against alpha 0.2): one noisy minute
/// bends the level a little and the slope hardly at all. Seasonal methods (Holt-Winters) need days of history
/// per series and a season the hub does not have at this scale; a regression line over the window weighs a point
/// an hour old like the newest one and reacts late to a trend that started recently.
/// </para>
/// <para>
/// Robust against noise in three ways, each tested on a week of noise-only minutes
/// (tests/WmsFunctions.UnitTests/Operations/EarlyWarningTests.cs):
/// (1) a point further than <see cref="EarlyWarningOptions.SpikeClip"/> spreads from its one-step forecast is
/// clipped to that distance before it updates level and slope (Huber-type cleaning, as in Gelper, Fried and Croux,
/// "Robust forecasting with exponential and Holt-Winters smoothing", 2010), so one spike moves the forecast by
/// alpha x clip x spread at most; the spread is the median absolute deviation of the points around the window's
/// least-squares line (a robust standard deviation that a steady trend does not inflate);
/// (2) the slope must be significant: at least <see cref="EarlyWarningOptions.RaiseSignificance"/> times the spread
/// of the slope itself over the window (the median absolute deviation of Holt's slope, point by point). Measuring
/// the slope's own wander, rather than deriving it from the points' noise under a white-noise assumption, also
/// sees noise that drifts for minutes at a time (autocorrelated), which a white-noise formula would call a trend
/// again and again (such noise within 3 standard deviations of the threshold still warns about as often as it
/// crosses the threshold itself: docs/operations.md#early-warning);
/// (3) the forecast must actually reach the threshold within the horizon, which noise around a level well below
/// it almost never does.
/// </para>
/// </summary>
public static class TrendForecaster
{
    /// <summary>Turns a median absolute deviation into a standard deviation for normal noise.</summary>
    private const double MadToSigma = 1.4826;

    /// <summary>The forecast of <paramref name="points"/> (oldest first, one per minute at most) against <paramref name="threshold"/>; null with too few points.</summary>
    public static TrendForecast? Forecast(IReadOnlyList<SeriesPoint> points, double threshold, EarlyWarningOptions options)
    {
        if (points.Count < Math.Max(3, options.MinimumPoints) || threshold <= 0)
        {
            return null;
        }

        var origin = points[0].At;
        var minutes = points.Select(p => (p.At - origin).TotalMinutes).ToArray();
        var values = points.Select(p => p.Value).ToArray();
        var floor = options.MinimumSpreadFraction * threshold;
        var spread = Math.Max(floor, MadToSigma * MedianAbsoluteDeviation(LineResiduals(minutes, values)));

        // Holt's recursions with the time between points (the evaluator may skip a run): the slope is per minute.
        var (alpha, beta, clip) = (options.Alpha, options.Beta, options.SpikeClip * spread);
        var level = values[0];
        var trend = 0.0; // no slope until the points show one: the cautious start
        var trends = new double[values.Length - 1];
        var steps = new double[values.Length - 1];
        for (var i = 1; i < values.Length; i++)
        {
            var step = minutes[i] - minutes[i - 1];
            var predicted = level + trend * step;
            var cleaned = predicted + Math.Clamp(values[i] - predicted, -clip, clip);
            var next = alpha * cleaned + (1 - alpha) * predicted;
            trend = beta * (next - level) / step + (1 - beta) * trend;
            level = next;
            trends[i - 1] = trend;
            steps[i - 1] = step;
        }

        // The slope's spread: its own wander over the window, and never less than what noise of the floor's size
        // would make it wander (a perfectly flat series has no wander, and its first step is not infinitely significant).
        var trendFloor = NoiseGain(alpha, beta) * floor / Median(steps);
        var trendSpread = Math.Max(trendFloor, MadToSigma * MedianAbsoluteDeviation(trends));
        var horizon = options.HorizonMinutes;
        double? toBreach = level >= threshold ? 0 : trend > 0 ? (threshold - level) / trend : null;
        return new TrendForecast(points[^1].At, values[^1], level, trend, spread, trend / trendSpread, level + trend * horizon, toBreach);
    }

    /// <summary>
    /// The standard deviation of Holt's slope (per step) when the points are white noise of standard deviation 1:
    /// the root of the summed squares of the slope's response to one unit impulse.
    /// </summary>
    public static double NoiseGain(double alpha, double beta)
    {
        var (level, trend, sum) = (0.0, 0.0, 0.0);
        for (var i = 0; i < 100_000; i++)
        {
            var predicted = level + trend;
            var next = alpha * (i == 0 ? 1 : 0) + (1 - alpha) * predicted;
            trend = beta * (next - level) + (1 - beta) * trend;
            level = next;
            sum += trend * trend;
            if (i > 10 && Math.Abs(level) + Math.Abs(trend) < 1e-12)
            {
                break;
            }
        }

        return Math.Sqrt(sum);
    }

    /// <summary>The points' distances from their least-squares line.</summary>
    private static double[] LineResiduals(double[] x, double[] y)
    {
        var (meanX, meanY) = (x.Average(), y.Average());
        var sxx = x.Sum(v => (v - meanX) * (v - meanX));
        var slope = sxx == 0 ? 0 : x.Zip(y, (a, b) => (a - meanX) * (b - meanY)).Sum() / sxx;
        return x.Zip(y, (a, b) => b - (meanY + slope * (a - meanX))).ToArray();
    }

    private static double MedianAbsoluteDeviation(double[] values)
    {
        var median = Median(values);
        return Median(values.Select(v => Math.Abs(v - median)).ToArray());
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
