using Microsoft.Extensions.Options;

namespace WmsFunctions.Operations.Forecasting;

/// <summary>
/// The early warning of the alerts evaluator (section "Hub:Alerts:EarlyWarning"): which alert figures get a
/// per-minute series and a forecast (<see cref="TrendForecaster"/>), and when a forecast that crosses the figure's
/// own threshold raises a <c>predicted-breach</c> alert (<see cref="EarlyWarning"/>). The defaults were chosen on
/// synthetic series (docs/operations.md#early-warning): at most one false warning a week on noise well below the
/// threshold, and 5-30 minutes of warning for a figure climbing steadily towards it.
/// </summary>
public sealed class EarlyWarningOptions
{
    public const string SectionName = "Hub:Alerts:EarlyWarning";

    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The alert kinds forecast, comma separated (one string: a configured list would be added to a default list, not
    /// replace it). Figures that climb minute by minute when something is stuck: open failed syncs, the failure rate
    /// per WMS instance, the outbox's oldest message and its depth, the oldest unacknowledged slip. A threshold of 1
    /// (dead letters, poisoned) leaves nothing to foresee, and a reconciliation run is not a per-minute figure.
    /// </summary>
    public string Metrics { get; set; } = "failed-syncs,failure-rate,outbox-lag,outbox-depth,pickslip-lag";

    public IReadOnlyList<string> MetricNames => Metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>How far ahead a breach is foreseen: a forecast crossing the threshold within this raises the alert.</summary>
    public int HorizonMinutes { get; set; } = 30;

    /// <summary>
    /// Hysteresis: an open warning stays open while the forecast still crosses within this many minutes (and the trend
    /// still rises), so a forecast wobbling around the horizon raises once, not every other minute.
    /// </summary>
    public int ClearHorizonMinutes { get; set; } = 60;

    /// <summary>Holt's level smoothing per point (0-1): higher follows the figure faster, and its noise too.</summary>
    public double Alpha { get; set; } = 0.2;

    /// <summary>Holt's trend smoothing per point (0-1): low, so one noisy minute hardly bends the slope.</summary>
    public double Beta { get; set; } = 0.05;

    /// <summary>
    /// The trend must be at least this many times its own spread over the window (a signal, not a wander of the
    /// noise) to raise a warning.
    /// </summary>
    public double RaiseSignificance { get; set; } = 4;

    /// <summary>An open warning clears once the trend's significance drops to this or below (0: the trend no longer rises).</summary>
    public double ClearSignificance { get; set; }

    /// <summary>A point further than this many spreads from the one-step forecast counts only this far (spikes move little).</summary>
    public double SpikeClip { get; set; } = 2;

    /// <summary>Points a series needs before it is forecast.</summary>
    public int MinimumPoints { get; set; } = 10;

    /// <summary>Points a series keeps (one per minute at most): the newest win.</summary>
    public int WindowPoints { get; set; } = 60;

    /// <summary>A series with no point for longer than this starts again: a slope from before a gap says nothing about now.</summary>
    public int MaxGapMinutes { get; set; } = 15;

    /// <summary>
    /// The smallest noise assumed, as a fraction of the threshold: a figure that stays exactly flat (a count of 0)
    /// has no spread of its own, and the first step of 1 would otherwise look infinitely significant.
    /// </summary>
    public double MinimumSpreadFraction { get; set; } = 0.02;

    public bool Forecasts(string metric) => Enabled && MetricNames.Contains(metric, StringComparer.Ordinal);
}

/// <summary>A bad early-warning setting fails the start, not the first evaluation.</summary>
public sealed class EarlyWarningOptionsValidator(IReadOnlyCollection<string> forecastable) : IValidateOptions<EarlyWarningOptions>
{
    public ValidateOptionsResult Validate(string? name, EarlyWarningOptions options)
    {
        var errors = Problems(options, forecastable);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> Problems(EarlyWarningOptions options, IReadOnlyCollection<string> forecastable)
    {
        const string Section = EarlyWarningOptions.SectionName;
        var errors = new List<string>();
        if (options.MetricNames.FirstOrDefault(m => !forecastable.Contains(m)) is { } unknown)
        {
            errors.Add($"{Section}:Metrics names '{unknown}': only {string.Join(", ", forecastable)} can be forecast.");
        }

        if (options.HorizonMinutes is < 5 or > 240)
        {
            errors.Add($"{Section}:HorizonMinutes must be between 5 and 240.");
        }

        if (options.ClearHorizonMinutes < options.HorizonMinutes || options.ClearHorizonMinutes > 4 * options.HorizonMinutes)
        {
            errors.Add($"{Section}:ClearHorizonMinutes must be between HorizonMinutes and 4 x HorizonMinutes.");
        }

        if (!(options.Alpha is > 0 and < 1) || !(options.Beta is > 0 and < 1))
        {
            errors.Add($"{Section}: Alpha and Beta must be between 0 and 1 (exclusive).");
        }

        if (!(options.RaiseSignificance is >= 1 and <= 50) || !(options.ClearSignificance >= 0 && options.ClearSignificance < options.RaiseSignificance))
        {
            errors.Add($"{Section}: RaiseSignificance must be between 1 and 50, ClearSignificance at least 0 and below it.");
        }

        if (!(options.SpikeClip is >= 1 and <= 10))
        {
            errors.Add($"{Section}:SpikeClip must be between 1 and 10.");
        }

        if (options.WindowPoints is < 10 or > 500 || options.MinimumPoints < 3 || options.MinimumPoints > options.WindowPoints)
        {
            errors.Add($"{Section}: WindowPoints must be between 10 and 500, MinimumPoints between 3 and WindowPoints.");
        }

        if (options.MaxGapMinutes is < 1 or > 1440)
        {
            errors.Add($"{Section}:MaxGapMinutes must be between 1 and 1440.");
        }

        if (!(options.MinimumSpreadFraction is > 0 and < 1))
        {
            errors.Add($"{Section}:MinimumSpreadFraction must be between 0 and 1 (exclusive).");
        }

        return errors;
    }
}
