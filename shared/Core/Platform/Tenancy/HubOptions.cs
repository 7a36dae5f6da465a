using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Tenancy;

/// <summary>
/// Which retailers (tenants) this deployment serves and, per tenant, the WMS instances that may call it, with what
/// every instance has: its dialect and how its codes map. Bound from the "Hub" configuration section (a tenants file,
/// app settings or both); validated at start. Each feature binds its own part of an instance or tenant from the same
/// section (<see cref="PerInstance{TOptions}"/>: webhook credentials, OMS -> WMS delivery, pick-slip deadlines, X12,
/// channels, ...), so nothing here depends on a feature. Secrets never appear in any of it.
/// </summary>
public sealed class HubOptions
{
    public const string SectionName = "Hub";

    public Dictionary<string, TenantOptions> Tenants { get; set; } = [];
}

public sealed class TenantOptions
{
    public string? DisplayName { get; set; }

    public Dictionary<string, WmsInstanceOptions> Instances { get; set; } = [];
}

public sealed class WmsInstanceOptions
{
    /// <summary>The message dialect this WMS speaks. "hub-json" is the hub's own JSON contract.</summary>
    public string Adapter { get; set; } = "hub-json";

    /// <summary>
    /// The WMS's own location or area codes mapped to the OMS's stocking locations (a distribution centre,
    /// a warehouse, a store for ship-from-store). An instance may only post for the locations listed here.
    /// </summary>
    public Dictionary<string, string> Locations { get; set; } = [];

    /// <summary>WMS SKU to OMS SKU, where they differ. A SKU without an alias is taken as the OMS SKU.</summary>
    public Dictionary<string, string> SkuAliases { get; set; } = [];

    /// <summary>
    /// Where goods that must not be sold are booked: "damaged" and "quarantine" to one of this instance's
    /// <see cref="Locations"/> whose OMS location holds nothing sellable. Damaged units of a PO receipt and
    /// damaged or quarantined returns go there; without an entry they are reported to the OMS but not stocked.
    /// </summary>
    public Dictionary<string, string> Dispositions { get; set; } = [];

    /// <summary>The largest quantity a single movement may carry; anything above is refused as absurd.</summary>
    public long MaxQuantity { get; set; } = 1_000_000;
}

/// <summary>
/// A bad tenant configuration fails the start, not the first webhook at 3 a.m. (each feature checks its own part).
/// </summary>
public sealed partial class HubOptionsValidator : IValidateOptions<HubOptions>
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IdPattern();

    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        var errors = new List<string>();
        foreach (var (tenantId, tenant) in options.Tenants)
        {
            if (!IdPattern().IsMatch(tenantId))
            {
                errors.Add($"Tenant id '{tenantId}' must be lower-case letters, digits and '-' (at most 40).");
            }

            foreach (var (instanceId, instance) in tenant.Instances)
            {
                var where = HubSections.InstancePath(tenantId, instanceId);
                if (!IdPattern().IsMatch(instanceId))
                {
                    errors.Add($"{where}: instance id must be lower-case letters, digits and '-' (at most 40).");
                }

                if (instance.Locations.Count == 0)
                {
                    errors.Add($"{where}:Locations must map at least one WMS location to an OMS location.");
                }

                errors.AddRange(instance.Locations
                    .Where(pair => string.IsNullOrWhiteSpace(pair.Value) || !Codes.IsValid(pair.Value))
                    .Select(pair => $"{where}:Locations:{pair.Key} maps to an invalid OMS location '{pair.Value}'."));

                // Location codes and SKU aliases are matched ignoring case (see WmsInstance): two spellings of one would be one.
                var sameCode = CaseVariants(instance.Locations.Keys).Select(pair => $"{where}:Locations has '{pair.A}' and '{pair.B}', which the hub matches as one code (ignoring case).")
                    .Concat(CaseVariants(instance.SkuAliases.Keys).Select(pair => $"{where}:SkuAliases has '{pair.A}' and '{pair.B}', which the hub matches as one alias (ignoring case)."))
                    .ToList();
                errors.AddRange(sameCode);
                if (sameCode.Count == 0)
                {
                    errors.AddRange(DispositionProblems(instance).Select(problem => $"{where}:Dispositions:{problem}"));
                }

                if (instance.MaxQuantity is < 1 or > 1_000_000_000)
                {
                    errors.Add($"{where}:MaxQuantity must be between 1 and 1,000,000,000.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<(string A, string B)> CaseVariants(IEnumerable<string> codes) =>
        codes.GroupBy(code => code, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => (g.First(), g.Skip(1).First()));

    /// <summary>Each disposition names a location of the instance whose OMS location no sellable area shares.</summary>
    private static IEnumerable<string> DispositionProblems(WmsInstanceOptions instance)
    {
        var locations = new Dictionary<string, string>(instance.Locations, StringComparer.OrdinalIgnoreCase);
        var sellable = locations
            .Where(pair => !instance.Dispositions.Values.Contains(pair.Key, StringComparer.OrdinalIgnoreCase))
            .Select(pair => pair.Value)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (disposition, code) in instance.Dispositions)
        {
            if (StockDispositions.Parse(disposition) is not (StockDisposition.Damaged or StockDisposition.Quarantine))
            {
                yield return $"{disposition} is not a disposition that needs a location (damaged, quarantine).";
            }
            else if (!locations.TryGetValue(code, out var warehouse))
            {
                yield return $"{disposition} names '{code}', which is not one of the instance's Locations.";
            }
            else if (sellable.Contains(warehouse))
            {
                yield return $"{disposition} names '{code}', whose OMS location {warehouse} also holds sellable areas; map it to a location of its own.";
            }
        }
    }
}
