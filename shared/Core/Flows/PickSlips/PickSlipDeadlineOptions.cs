using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>How long one WMS instance may take to acknowledge and to ship a pick slip (Hub:Tenants:{t}:Instances:{i}:PickSlips).</summary>
public sealed class PickSlipDeadlineOptions
{
    public const string Section = "PickSlips";

    public const string AnyServiceLevel = "*";

    public TimeSpan AcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Per service level (e.g. "express": 4 h); <see cref="AnyServiceLevel"/> for every other level.</summary>
    public Dictionary<string, TimeSpan> ShipWithin { get; set; } = new(StringComparer.OrdinalIgnoreCase) { [AnyServiceLevel] = TimeSpan.FromHours(24) };
}

/// <summary>The deadlines of every configured instance, by service level.</summary>
public sealed class PickSlipDeadlineDirectory(IOptions<PerInstance<PickSlipDeadlineOptions>> options)
{
    /// <summary>The deadlines for a slip of <paramref name="serviceLevel"/> at the instance, or null when the instance is not configured.</summary>
    public PickSlipDeadlines? For(string tenant, string instance, string serviceLevel) =>
        options.Value.Find(tenant, instance) is { } deadlines
            ? new PickSlipDeadlines(
                deadlines.AcknowledgeWithin,
                deadlines.ShipWithin.TryGetValue(serviceLevel, out var within) ? within : deadlines.ShipWithin[PickSlipDeadlineOptions.AnyServiceLevel])
            : null;
}

public sealed class PickSlipDeadlineOptionsValidator : IValidateOptions<PerInstance<PickSlipDeadlineOptions>>
{
    public ValidateOptionsResult Validate(string? name, PerInstance<PickSlipDeadlineOptions> options)
    {
        var errors = options.All
            .Where(i => i.Options.AcknowledgeWithin <= TimeSpan.Zero || i.Options.ShipWithin.Values.Any(v => v <= TimeSpan.Zero)
                || !i.Options.ShipWithin.ContainsKey(PickSlipDeadlineOptions.AnyServiceLevel))
            .Select(i => $"{HubSections.Path(i.Tenant, i.Instance, PickSlipDeadlineOptions.Section)} needs positive durations and a ShipWithin entry for '{PickSlipDeadlineOptions.AnyServiceLevel}'.")
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
