using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Operations;
using WmsFunctions.Operations.Forecasting;

namespace WmsFunctions.UnitTests.Operations;

/// <summary>
/// The predicted-breach alert on synthetic per-minute series, one evaluation per minute of a fake clock, through the
/// same step the alerts evaluator takes (<see cref="EarlyWarning.Step"/>). The false-alarm figures of the noise-only
/// weeks are printed (run with <c>--logger "console;verbosity=detailed"</c>) and quoted in docs/operations.md.
/// </summary>
public sealed class EarlyWarningTests(ITestOutputHelper output)
{
    private const double Threshold = 15;

    private static readonly EarlyWarningOptions Defaults = new();

    /// <summary>A week of minutes.</summary>
    private const int Week = 7 * 24 * 60;

    private sealed record Evaluation(int Minute, double Value, WarningStep Step);

    /// <summary>
    /// Evaluates <paramref name="values"/> one a minute (17 s past each minute, as a timer fires a little late), or one
    /// every <paramref name="everyMinutes"/>, carrying the series and state as the tables would.
    /// </summary>
    private static List<Evaluation> Run(IEnumerable<double> values, double threshold = Threshold, int everyMinutes = 1)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 17, TimeSpan.Zero));
        IReadOnlyList<SeriesPoint> points = [];
        var state = WarningState.Quiet;
        var run = new List<Evaluation>();
        var minute = 0;
        foreach (var value in values)
        {
            var step = EarlyWarning.Step(points, state, clock.GetUtcNow(), value, threshold, Defaults);
            (points, state) = (step.Points, step.State);
            run.Add(new Evaluation(minute, value, step));
            minute += everyMinutes;
            clock.Advance(TimeSpan.FromMinutes(everyMinutes));
        }

        return run;
    }

    private static IEnumerable<double> Flat(int minutes, double level, Func<double> noise) => Enumerable.Range(0, minutes).Select(_ => level + noise());

    private static IEnumerable<double> Ramp(int minutes, double from, double perMinute, Func<double> noise) =>
        Enumerable.Range(1, minutes).Select(m => from + perMinute * m + noise());

    private static List<WarningChange> Changes(List<Evaluation> run) => run.Select(e => e.Step.Change).Where(c => c != WarningChange.None).ToList();

    private static int FirstBreach(List<Evaluation> run) => run.First(e => e.Value >= Threshold).Minute;

    /// <summary>
    /// Flat at 5 for an hour, then a steady climb through the threshold of 15, ten times with different noise: at least
    /// <paramref name="warnedAtLeast"/> of the ten climbs are warned of before the breach (noise can push a figure over
    /// the threshold before the trend is significant: then the threshold alert speaks first), each climb once, and
    /// the median warning comes <paramref name="earliest"/> to <paramref name="latest"/> minutes before the breach.
    /// </summary>
    [Theory]
    [InlineData(0.25, 0.0, 10, 15, 22)] // failed syncs piling up at one every 4 minutes: the threshold 40 minutes away
    [InlineData(0.25, 1.0, 8, 8, 22)]
    [InlineData(0.1, 0.5, 10, 15, 30)] // a slow climb: warned close to the full horizon ahead
    [InlineData(0.5, 1.0, 8, 3, 12)] // twenty minutes from flat to the threshold
    public void Step_SteadilyRisingSeries_WarnsMinutesBeforeTheBreach(double perMinute, double noise, int warnedAtLeast, int earliest, int latest)
    {
        var ahead = new List<int?>();
        for (var seed = 1; seed <= 10; seed++)
        {
            var rng = new Noise(seed);
            var run = Run(Flat(60, 5, () => rng.Gaussian(noise)).Concat(Ramp((int)(15 / perMinute), 5, perMinute, () => rng.Gaussian(noise))));
            var breach = FirstBreach(run);
            var raised = run.Where(e => e.Step.Change == WarningChange.Raised).ToList();
            Assert.True(raised.Count <= 1, $"seed {seed}: {raised.Count} warnings for one climb");
            ahead.Add(raised is [var warning] && warning.Minute < breach ? breach - warning.Minute : null);
            Assert.All(raised, r => Assert.InRange(r.Step.Forecast!.MinutesToBreach!.Value, 0, Defaults.HorizonMinutes));
        }

        var warned = ahead.OfType<int>().Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"+{perMinute}/min, noise sd {noise}: minutes of warning per seed {string.Join(", ", ahead.Select(a => a?.ToString(CultureInfo.InvariantCulture) ?? "none"))}; median {warned[warned.Count / 2]}"));
        Assert.True(warned.Count >= warnedAtLeast, $"{warned.Count} of 10 climbs warned of");
        Assert.InRange(warned[warned.Count / 2], earliest, latest);
    }

    [Fact]
    public void Step_EvaluationsEveryFiveMinutes_SlopeStaysPerMinute_AndStillWarnsBeforeTheBreach()
    {
        // A schedule of every 5 minutes: a climb of +0.1/min is +0.5 a point. Alpha and beta weigh points, not minutes,
        // so the trend needs as many points as at one a minute (five times the minutes): climbs shorter than about two
        // hours are warned of late or not at all, which is why the schedule is every minute.
        var run = Run(Flat(24, 5, () => 0).Concat(Ramp(30, 5, 0.5, () => 0)), everyMinutes: 5);

        var raised = run.Single(e => e.Step.Change == WarningChange.Raised);

        output.WriteLine($"every 5 minutes, +0.1/min: warned {FirstBreach(run) - raised.Minute} min before the breach");
        Assert.Equal(0.1, run[^1].Step.Forecast!.TrendPerMinute, 0.02);
        Assert.InRange(FirstBreach(run) - raised.Minute, 3, 30);
    }

    [Fact]
    public void Step_StuckRelay_OutboxAgeGrowingAMinuteAMinute_WarnsBeforeTheThreshold()
    {
        // Outbox lag is the age of the oldest waiting message: 0 while the relay keeps up, then +1 every minute.
        var run = Run(Flat(60, 0, () => 0).Concat(Ramp(20, 0, 1, () => 0)));

        var raised = run.Single(e => e.Step.Change == WarningChange.Raised);

        output.WriteLine($"stuck relay: warned at lag {raised.Value} min, {FirstBreach(run) - raised.Minute} min before the 15-minute threshold");
        Assert.InRange(FirstBreach(run) - raised.Minute, 3, 15);
    }

    [Fact]
    public void Step_NoisyFlatSeries_NeverWarns()
    {
        var rng = new Noise(7);

        var run = Run(Flat(24 * 60, 5, () => rng.Gaussian(2)));

        Assert.Empty(Changes(run));
    }

    [Fact]
    public void Step_ClimbThatTurnsBeforeTheThreshold_WarnsOnce_AndClearsOnceAfterTheTurn()
    {
        var rng = new Noise(3);
        var values = Flat(90, 5, () => rng.Gaussian(0.5)).Concat(Ramp(40, 5, 0.2, () => rng.Gaussian(0.5))) // up to 13
            .Concat(Ramp(40, 13, -0.2, () => rng.Gaussian(0.5))).Concat(Flat(60, 5, () => rng.Gaussian(0.5)));

        var run = Run(values);

        Assert.Equal([WarningChange.Raised, WarningChange.Cleared], Changes(run));
        var raised = run.Single(e => e.Step.Change == WarningChange.Raised).Minute;
        var cleared = run.Single(e => e.Step.Change == WarningChange.Cleared).Minute;
        output.WriteLine($"raised at minute {raised} (climb from 90, turn at 130), cleared at minute {cleared}");
        Assert.InRange(raised, 90, 130);
        Assert.InRange(cleared, 131, 131 + 20); // the trend turned: cleared within 20 minutes of the turn
    }

    [Fact]
    public void Step_ClimbThroughTheThreshold_IsSupersededOnce_AndNotRaisedAgainWhileItHovers()
    {
        var rng = new Noise(11);
        var values = Flat(60, 5, () => rng.Gaussian(0.5)).Concat(Ramp(40, 5, 0.25, () => rng.Gaussian(0.5))) // reaches 15
            .Concat(Flat(30, 15, () => rng.Gaussian(1))) // hovers around the threshold: the threshold alert flaps, the warning does not
            .Concat(Ramp(30, 15, -0.3, () => rng.Gaussian(0.5))).Concat(Flat(60, 6, () => rng.Gaussian(0.5)));

        var run = Run(values);

        Assert.Equal([WarningChange.Raised, WarningChange.Superseded, WarningChange.Held], Changes(run));
        Assert.Equal(FirstBreach(run), run.Single(e => e.Step.Change == WarningChange.Superseded).Minute);
        Assert.Equal(WarningState.Quiet, run[^1].Step.State);
    }

    [Fact]
    public void Step_ThresholdReachedWithoutAWarning_HoldsSilently_UntilTheTrendTurns()
    {
        // A jump (a WMS down all at once) gives no time to warn: the threshold alert speaks, the warning stays silent.
        var run = Run(Flat(30, 2, () => 0).Concat(Flat(30, 20, () => 0)).Concat(Flat(60, 2, () => 0)));

        Assert.Equal([WarningChange.Held, WarningChange.Held], Changes(run));
        Assert.Equal(WarningState.Superseded, run[45].Step.State);
        Assert.Equal(WarningState.Quiet, run[^1].Step.State);
    }

    /// <summary>The noise-only weeks: level 5 against a threshold of 15 (5 standard deviations of the gaussian noise) unless said otherwise.</summary>
    public static TheoryData<string, int> NoiseShapes => new()
    {
        { "gaussian", 0 },
        { "spikes", 0 },
        { "heavy-tailed", 0 },
        { "counts", 0 },
        { "drifting", 2 },
        { "gaussian-near", 1 },
        { "drifting-near", 12 },
    };

    private static double[] NoiseWeek(string shape, int seed, out double threshold)
    {
        var rng = new Noise(seed);
        threshold = Threshold;
        switch (shape)
        {
            case "gaussian": // N(5, 2)
                return [.. Flat(Week, 5, () => rng.Gaussian(2))];
            case "spikes": // N(5, 1) and, 2 minutes in 100, a spike of +4 to +8 (a burst of failures that resolves at once)
                return [.. Flat(Week, 5, () => rng.Gaussian(1) + (rng.Next() < 0.02 ? 4 + 4 * rng.Next() : 0))];
            case "heavy-tailed": // Laplace, standard deviation 2: more large deviations than gaussian noise
                return [.. Flat(Week, 5, () => rng.Laplace(2))];
            case "counts": // open failed syncs as a Poisson count with mean 3 against a threshold of 10
                threshold = 10;
                return [.. Enumerable.Range(0, Week).Select(_ => (double)rng.Poisson(3))];
            case "drifting": // AR(1), phi 0.8, stationary standard deviation 2: noise that wanders for minutes at a time
                return Drifting(rng);
            case "gaussian-near": // the threshold only 3 standard deviations above the level: it is itself crossed about 13 times a week
                threshold = 11;
                return [.. Flat(Week, 5, () => rng.Gaussian(2))];
            case "drifting-near":
                threshold = 11;
                return Drifting(rng);
            default:
                throw new ArgumentOutOfRangeException(nameof(shape));
        }
    }

    private static double[] Drifting(Noise rng)
    {
        var x = 0.0;
        return [.. Enumerable.Range(0, Week).Select(_ => 5 + (x = 0.8 * x + rng.Gaussian(2 * Math.Sqrt(1 - 0.64))))];
    }

    /// <summary>
    /// A week (10,080 minutes) of noise only, three seeds per shape: a warning is false when the figure does not reach
    /// the threshold within the horizon after it. The bound is per week.
    /// </summary>
    [Theory]
    [MemberData(nameof(NoiseShapes))]
    public void Step_AWeekOfNoiseOnly_FalseAlarmsStayWithinTheBound(string shape, int boundPerWeek)
    {
        var perSeed = new List<(int Raised, int False, int Crossings)>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var values = NoiseWeek(shape, seed, out var threshold);
            var run = Run(values, threshold);
            var raised = run.Where(e => e.Step.Change == WarningChange.Raised).ToList();
            var falseAlarms = raised.Count(r => !values.Skip(r.Minute).Take(Defaults.HorizonMinutes + 1).Any(v => v >= threshold));
            perSeed.Add((raised.Count, falseAlarms, values.Skip(1).Where((v, i) => v >= threshold && values[i] < threshold).Count()));
        }

        var worst = perSeed.Max(s => s.False);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"false alarms, {shape}: {string.Join(", ", perSeed.Select(s => $"{s.False}/week"))} over {Week:N0} minutes each (seeds 1-3); worst {(double)worst / Week:P3} of evaluations; bound {boundPerWeek}/week; the figure itself crossed the threshold {string.Join(", ", perSeed.Select(s => s.Crossings))} times"));
        Assert.InRange(worst, 0, boundPerWeek);
    }

    [Fact]
    public void Forecast_StraightLine_FindsItsSlope_AndTheMinutesToTheThreshold()
    {
        var run = Run(Ramp(60, 0, 0.1, () => 0)); // 0.1 .. 6.0

        var forecast = run[^1].Step.Forecast!;

        Assert.Equal(0.1, forecast.TrendPerMinute, 2);
        Assert.Equal(6.0, forecast.Level, 1);
        Assert.InRange(forecast.MinutesToBreach!.Value, 87, 93); // about (15 - 6) / 0.1 = 90 minutes: beyond the horizon, no warning
        Assert.Equal(6 + 0.1 * Defaults.HorizonMinutes, forecast.AtHorizon, 0.2);
        Assert.DoesNotContain(run, e => e.Step.Change == WarningChange.Raised);
    }

    [Fact]
    public void Forecast_OneSpike_MovesTheLevelByAtMostAlphaTimesTheClip()
    {
        var rng = new Noise(5);
        var calm = Flat(59, 5, () => rng.Gaussian(1)).ToList();
        var before = Run(calm)[^1].Step.Forecast!;

        var after = Run(calm.Append(5 + 100))[^1].Step.Forecast!; // a spike of 100 standard deviations

        Assert.InRange(after.Level - before.Level, 0, Defaults.Alpha * Defaults.SpikeClip * after.Spread + 0.5);
        Assert.True(after.AtHorizon < Threshold, $"one spike must not make the forecast cross: {after.AtHorizon}");
    }

    [Fact]
    public void Forecast_TooFewPoints_IsNone()
    {
        var run = Run(Ramp(Defaults.MinimumPoints, 0, 5, () => 0));

        Assert.All(run.Take(Defaults.MinimumPoints - 1), e => Assert.Null(e.Step.Forecast));
        Assert.NotNull(run[^1].Step.Forecast);
    }

    [Fact]
    public void NoiseGain_MatchesTheSlopesSpreadOnWhiteNoise()
    {
        var rng = new Noise(9);
        var (level, trend, sum, n) = (0.0, 0.0, 0.0, 200_000);
        for (var i = 0; i < n; i++)
        {
            var predicted = level + trend;
            var next = Defaults.Alpha * rng.Gaussian(1) + (1 - Defaults.Alpha) * predicted;
            trend = Defaults.Beta * (next - level) + (1 - Defaults.Beta) * trend;
            level = next;
            sum += trend * trend;
        }

        Assert.Equal(Math.Sqrt(sum / n), TrendForecaster.NoiseGain(Defaults.Alpha, Defaults.Beta), 3);
    }

    [Fact]
    public void Append_SameMinute_ReplacesThePoint_AGap_StartsAgain_AndTheWindowKeepsTheNewest()
    {
        var start = new DateTimeOffset(2026, 12, 7, 8, 0, 5, TimeSpan.Zero);
        var options = new EarlyWarningOptions { WindowPoints = 10, MaxGapMinutes = 15 };
        IReadOnlyList<SeriesPoint> points = [];
        for (var m = 0; m < 12; m++)
        {
            points = MetricSeries.Append(points, start.AddMinutes(m), m, options);
        }

        Assert.Equal(Enumerable.Range(2, 10).Select(m => (double)m), points.Select(p => p.Value)); // the newest 10
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 8, 11, 0, TimeSpan.Zero), points[^1].At); // floored to the minute

        var again = MetricSeries.Append(points, start.AddMinutes(11).AddSeconds(40), 99, options);
        Assert.Equal((10, 99.0), (again.Count, again[^1].Value)); // a second run in the same minute replaces its point

        Assert.Same(points, MetricSeries.Append(points, start.AddMinutes(5), 1, options)); // an older figure changes nothing

        var afterGap = MetricSeries.Append(points, start.AddMinutes(11 + 16), 3, options);
        Assert.Equal([3.0], afterGap.Select(p => p.Value));
    }

    [Fact]
    public void Serialize_RoundTrips_AndParseDropsWhatItCannotRead()
    {
        var at = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        SeriesPoint[] points = [new(at, 1.5), new(at.AddMinutes(1), -0.25), new(at.AddMinutes(3), 1e-9)];

        var text = MetricSeries.Serialize(points);

        Assert.Equal(points, MetricSeries.Parse(text));
        Assert.Equal([points[0]], MetricSeries.Parse(text.Split(';')[0] + ";garbage;12:NaN;x:1;" + text.Split(';')[0]));
        Assert.Empty(MetricSeries.Parse(null));
    }

    [Fact]
    public void Validator_DefaultsPass_AndEachBadSettingIsNamed()
    {
        Assert.Empty(EarlyWarningOptionsValidator.Problems(new EarlyWarningOptions(), AlertEvaluator.ForecastableMetrics));

        var problems = EarlyWarningOptionsValidator.Problems(
            new EarlyWarningOptions
            {
                Metrics = "failed-syncs,discrepancies", HorizonMinutes = 2, Alpha = 1, Beta = 0, RaiseSignificance = 2, ClearSignificance = 3,
                SpikeClip = 0.5, WindowPoints = 5, MaxGapMinutes = 0, MinimumSpreadFraction = 0,
            },
            AlertEvaluator.ForecastableMetrics);

        Assert.Collection(problems,
            p => Assert.Contains("'discrepancies'", p, StringComparison.Ordinal),
            p => Assert.Contains("HorizonMinutes", p, StringComparison.Ordinal),
            p => Assert.Contains("ClearHorizonMinutes", p, StringComparison.Ordinal),
            p => Assert.Contains("Alpha and Beta", p, StringComparison.Ordinal),
            p => Assert.Contains("RaiseSignificance", p, StringComparison.Ordinal),
            p => Assert.Contains("SpikeClip", p, StringComparison.Ordinal),
            p => Assert.Contains("WindowPoints", p, StringComparison.Ordinal),
            p => Assert.Contains("MaxGapMinutes", p, StringComparison.Ordinal),
            p => Assert.Contains("MinimumSpreadFraction", p, StringComparison.Ordinal));
    }

    /// <summary>Seeded noise, the same on every machine (System.Random with a seed is stable across runtimes).</summary>
    private sealed class Noise(int seed)
    {
        private readonly Random _random = new(seed);

        public double Next() => _random.NextDouble();

        public double Gaussian(double sd) =>
            sd == 0 ? 0 : sd * Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

        /// <summary>Laplace noise with standard deviation <paramref name="sd"/>.</summary>
        public double Laplace(double sd)
        {
            var u = _random.NextDouble() - 0.5;
            return -sd / Math.Sqrt(2) * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u));
        }

        public int Poisson(double mean)
        {
            var (limit, k, p) = (Math.Exp(-mean), 0, 1.0);
            while ((p *= _random.NextDouble()) >= limit)
            {
                k++;
            }

            return k;
        }
    }
}
