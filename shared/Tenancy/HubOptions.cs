using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Tenancy;

/// <summary>
/// Which retailers (tenants) this deployment serves and, per tenant, the WMS instances that may call it.
/// Bound from the "Hub" configuration section (a tenants file, app settings or both); validated at start.
/// Secrets never appear here: API keys are stored as SHA-256 hashes.
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

    public WebhookAuthOptions Auth { get; set; } = new();

    /// <summary>
    /// The WMS's own location or area codes mapped to the OMS's stocking locations (a distribution centre,
    /// a warehouse, a store for ship-from-store). An instance may only post for the locations listed here.
    /// </summary>
    public Dictionary<string, string> Locations { get; set; } = [];

    /// <summary>WMS SKU to OMS SKU, where they differ. A SKU without an alias is taken as the OMS SKU.</summary>
    public Dictionary<string, string> SkuAliases { get; set; } = [];

    /// <summary>The largest quantity a single movement may carry; anything above is refused as absurd.</summary>
    public long MaxQuantity { get; set; } = 1_000_000;

    /// <summary>How the hub calls this WMS for the OMS -> WMS flows; null when the instance receives nothing.</summary>
    public WmsOutboundOptions? Outbound { get; set; }

    /// <summary>How long this WMS may take to acknowledge and to ship a pick slip.</summary>
    public PickSlipDeadlineOptions PickSlips { get; set; } = new();
}

public sealed class PickSlipDeadlineOptions
{
    public const string AnyServiceLevel = "*";

    public TimeSpan AcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Per service level (e.g. "express": 4 h); <see cref="AnyServiceLevel"/> for every other level.</summary>
    public Dictionary<string, TimeSpan> ShipWithin { get; set; } = new(StringComparer.OrdinalIgnoreCase) { [AnyServiceLevel] = TimeSpan.FromHours(24) };
}

public sealed class WebhookAuthOptions
{
    public const string ApiKeyScheme = "ApiKey";

    public string Scheme { get; set; } = ApiKeyScheme;

    /// <summary>Hex SHA-256 of every accepted API key (several while keys rotate).</summary>
    public List<string> ApiKeySha256 { get; set; } = [];
}

/// <summary>A bad tenant configuration fails the start, not the first webhook at 3 a.m.</summary>
public sealed partial class HubOptionsValidator : IValidateOptions<HubOptions>
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

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
                var where = $"Hub:Tenants:{tenantId}:Instances:{instanceId}";
                if (!IdPattern().IsMatch(instanceId))
                {
                    errors.Add($"{where}: instance id must be lower-case letters, digits and '-' (at most 40).");
                }

                if (instance.Auth.Scheme != WebhookAuthOptions.ApiKeyScheme)
                {
                    errors.Add($"{where}:Auth:Scheme '{instance.Auth.Scheme}' is not supported (supported: {WebhookAuthOptions.ApiKeyScheme}).");
                }
                else if (instance.Auth.ApiKeySha256.Count == 0)
                {
                    errors.Add($"{where}:Auth:ApiKeySha256 needs at least one key hash.");
                }

                errors.AddRange(instance.Auth.ApiKeySha256
                    .Where(hash => !Sha256Hex().IsMatch(hash))
                    .Select(_ => $"{where}:Auth:ApiKeySha256 holds a value that is not 64 hex digits."));

                if (instance.Locations.Count == 0)
                {
                    errors.Add($"{where}:Locations must map at least one WMS location to an OMS location.");
                }

                errors.AddRange(instance.Locations
                    .Where(pair => string.IsNullOrWhiteSpace(pair.Value) || !Codes.IsValid(pair.Value))
                    .Select(pair => $"{where}:Locations:{pair.Key} maps to an invalid OMS location '{pair.Value}'."));

                if (instance.PickSlips.AcknowledgeWithin <= TimeSpan.Zero || instance.PickSlips.ShipWithin.Values.Any(v => v <= TimeSpan.Zero)
                    || !instance.PickSlips.ShipWithin.ContainsKey(PickSlipDeadlineOptions.AnyServiceLevel))
                {
                    errors.Add($"{where}:PickSlips needs positive durations and a ShipWithin entry for '{PickSlipDeadlineOptions.AnyServiceLevel}'.");
                }

                if (instance.MaxQuantity is < 1 or > 1_000_000_000)
                {
                    errors.Add($"{where}:MaxQuantity must be between 1 and 1,000,000,000.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
