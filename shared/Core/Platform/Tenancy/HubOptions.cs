using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Platform.Tenancy;

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

    /// <summary>The tenant's sales channels (marketplaces) and how its stock is shared between them.</summary>
    public WmsFunctions.Flows.Channels.TenantChannelsOptions Channels { get; set; } = new();
    /// <summary>Where the OMS exposes its own stock figures, for reconciliation; null when it does not.</summary>
    public WmsFunctions.Flows.Reconciliation.OmsStockOptions? OmsStock { get; set; }
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

    /// <summary>
    /// Where goods that must not be sold are booked: "damaged" and "quarantine" to one of this instance's
    /// <see cref="Locations"/> whose OMS location holds nothing sellable. Damaged units of a PO receipt and
    /// damaged or quarantined returns go there; without an entry they are reported to the OMS but not stocked.
    /// </summary>
    public Dictionary<string, string> Dispositions { get; set; } = [];

    /// <summary>The largest quantity a single movement may carry; anything above is refused as absurd.</summary>
    public long MaxQuantity { get; set; } = 1_000_000;

    /// <summary>How the hub calls this WMS for the OMS -> WMS flows; null when the instance receives nothing.</summary>
    public WmsOutboundOptions? Outbound { get; set; }

    /// <summary>How long this WMS may take to acknowledge and to ship a pick slip.</summary>
    public PickSlipDeadlineOptions PickSlips { get; set; } = new();

    /// <summary>For <c>Adapter: x12</c>: the trading-partner settings (docs/x12.md); null for every other adapter.</summary>
    public WmsFunctions.Adapters.X12.X12InstanceOptions? X12 { get; set; }
    /// <summary>How the hub compares this WMS's stock with its snapshot (tolerance, whether to trust the WMS).</summary>
    public WmsFunctions.Flows.Reconciliation.InstanceReconciliationOptions Reconciliation { get; set; } = new();
}

public sealed class PickSlipDeadlineOptions
{
    public const string AnyServiceLevel = "*";

    public TimeSpan AcknowledgeWithin { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Per service level (e.g. "express": 4 h); <see cref="AnyServiceLevel"/> for every other level.</summary>
    public Dictionary<string, TimeSpan> ShipWithin { get; set; } = new(StringComparer.OrdinalIgnoreCase) { [AnyServiceLevel] = TimeSpan.FromHours(24) };
}

/// <summary>
/// How one WMS instance proves who it is on every webhook. <see cref="Scheme"/> chooses: an API key (stored
/// hashed), Standard Webhooks signatures (secrets in app settings named here), or an OAuth 2.0 bearer JWT
/// (issuer, audience and public signing keys here). Nothing in this class is a secret.
/// </summary>
public sealed class WebhookAuthOptions
{
    public const string ApiKeyScheme = "ApiKey";

    public const string StandardWebhooksScheme = "StandardWebhooks";

    public const string BearerScheme = "Bearer";

    public static readonly IReadOnlyList<string> Schemes = [ApiKeyScheme, StandardWebhooksScheme, BearerScheme];

    public string Scheme { get; set; } = ApiKeyScheme;

    /// <summary>ApiKey: hex SHA-256 of every accepted API key (several while keys rotate).</summary>
    public List<string> ApiKeySha256 { get; set; } = [];

    /// <summary>
    /// StandardWebhooks: names of the app settings that hold the signing secrets (<c>whsec_</c> + base64), several
    /// while secrets rotate. The secrets themselves never appear in the tenants file; in Azure each setting is a
    /// Key Vault reference.
    /// </summary>
    public List<string> SecretSettings { get; set; } = [];

    /// <summary>Bearer: the token's required <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Bearer: the token's required <c>aud</c>; give every instance its own, or set <see cref="Subject"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Bearer, optional: the token's required <c>sub</c> (the WMS's client), when the audience is shared.</summary>
    public string? Subject { get; set; }

    /// <summary>Bearer: the issuer's public signing keys as a JSON Web Key Set (the document its jwks_uri serves).</summary>
    public string? SigningKeysJwks { get; set; }

    /// <summary>Bearer: public signing keys in PEM (<c>-----BEGIN PUBLIC KEY-----</c>, RSA or EC).</summary>
    public List<string> SigningKeysPem { get; set; } = [];

    /// <summary>Bearer: the signature algorithms accepted (asymmetric only); empty means RS256.</summary>
    public List<string> Algorithms { get; set; } = [];
}

/// <summary>
/// A bad tenant configuration fails the start, not the first webhook at 3 a.m. Given the app's configuration,
/// it also checks that every secret setting an instance names exists and holds a usable secret.
/// </summary>
public sealed partial class HubOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<HubOptions>
{
    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex IdPattern();

    public ValidateOptionsResult Validate(string? name, HubOptions options)
    {
        Func<string, string?>? setting = configuration is null ? null : key => configuration[key];
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

                errors.AddRange(WebhookCredentials.Problems(instance.Auth, setting).Select(problem => $"{where}:Auth:{problem}"));

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

                errors.AddRange(DispositionProblems(instance).Select(problem => $"{where}:Dispositions:{problem}"));

                if (instance.MaxQuantity is < 1 or > 1_000_000_000)
                {
                    errors.Add($"{where}:MaxQuantity must be between 1 and 1,000,000,000.");
                }
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

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
