using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// How the hub calls one WMS instance (Hub:Tenants:{t}:Instances:{i}:Outbound). Which messages it receives:
/// the flows listed in <see cref="Flows"/>, for the OMS warehouses the instance serves (the values of its
/// Locations). Every code the OMS sends is translated through the maps below; a code without a mapping is a
/// recorded failure, never passed on unchanged, except SKUs (an OMS SKU without an alias is the WMS SKU,
/// the same rule the inbound direction uses) unless <see cref="RequireSkuAlias"/> is set.
/// </summary>
public sealed class WmsOutboundOptions
{
    /// <summary>Hub:Tenants:{t}:Instances:{i}:Outbound.</summary>
    public const string Section = "Outbound";

    /// <summary>Where the WMS's API lives, e.g. https://wms.example.com/api/v1 (paths are appended).</summary>
    public string BaseUrl { get; set; } = "";

    public OutboundAuthOptions Auth { get; set; } = new();

    /// <summary>The OMS -> WMS flows this instance receives (their <see cref="OutboundFlowDefinition.Name"/>); none by default.</summary>
    public List<string> Flows { get; set; } = [];

    /// <summary>OMS warehouse -> the WMS's own facility, location or area code it receives documents for.</summary>
    public Dictionary<string, string> Warehouses { get; set; } = [];

    /// <summary>When set, every OMS SKU needs an alias in SkuAliases (WMS SKU -> OMS SKU, read backwards).</summary>
    public bool RequireSkuAlias { get; set; }

    /// <summary>OMS unit of measure -> WMS unit code (e.g. EA -> EACH, CS -> CASE).</summary>
    public Dictionary<string, string> Units { get; set; } = [];

    /// <summary>The WMS counts eaches only: quantities in a pack unit are multiplied out and sent in the OMS unit "EA".</summary>
    public bool QuantitiesInEaches { get; set; }

    /// <summary>OMS carrier code -> WMS carrier code.</summary>
    public Dictionary<string, string> Carriers { get; set; } = [];

    /// <summary>OMS ship service (ship via) -> WMS service code.</summary>
    public Dictionary<string, string> Services { get; set; } = [];

    /// <summary>OMS reason code (cancel, return, change) -> WMS reason code.</summary>
    public Dictionary<string, string> ReasonCodes { get; set; } = [];

    public OutboundResilienceOptions Resilience { get; set; } = new();
}

public sealed class OutboundAuthOptions
{
    public const string ApiKeyScheme = "ApiKey";
    public const string OAuth2Scheme = "OAuth2ClientCredentials";

    public string Scheme { get; set; } = ApiKeyScheme;

    /// <summary>ApiKey: the header that carries the key.</summary>
    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>ApiKey: the NAME of the app setting that holds the key (a Key Vault reference in Azure), never the key.</summary>
    public string? ApiKeySetting { get; set; }

    /// <summary>OAuth2ClientCredentials: the token endpoint.</summary>
    public string? TokenUrl { get; set; }

    public string? ClientId { get; set; }

    /// <summary>OAuth2ClientCredentials: the NAME of the app setting that holds the client secret.</summary>
    public string? ClientSecretSetting { get; set; }

    public string? Scope { get; set; }
}

/// <summary>The resilience pipeline of one instance: total timeout > retry > circuit breaker > attempt timeout.</summary>
public sealed class OutboundResilienceOptions
{
    /// <summary>Retries inside one invocation after the first attempt; then the host redelivers the message.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>First backoff delay; doubles with every retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A Retry-After longer than this is not waited for inside the invocation: the host redelivers later.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(20);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>The circuit opens when this share of the sampled calls failed...</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>...and at least this many calls were sampled...</summary>
    public int MinimumThroughput { get; set; } = 6;

    /// <summary>...within this window.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit fails calls at once before one trial call goes through.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Checks the Outbound part of every instance at start, with the instance's adapter and SKU aliases; the flows and
/// dialects it may name are the registered ones.
/// </summary>
public sealed class OutboundOptionsValidator(
    IOptions<HubOptions> hub, IEnumerable<OutboundFlowDefinition> flows, IEnumerable<RegisteredWmsDialect> dialects)
    : IValidateOptions<PerInstance<WmsOutboundOptions>>
{
    private readonly IReadOnlyList<string> _flows = flows.Select(f => f.Name).ToList();
    private readonly IReadOnlyList<string> _dialects = dialects.Select(d => d.Name).ToList();

    public ValidateOptionsResult Validate(string? name, PerInstance<WmsOutboundOptions> options)
    {
        var errors = new List<string>();
        foreach (var (tenant, instance, outbound) in options.All)
        {
            if (hub.Value.Tenants.GetValueOrDefault(tenant)?.Instances.GetValueOrDefault(instance) is { } core)
            {
                Validate(HubSections.InstancePath(tenant, instance), core, outbound, errors);
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private void Validate(string where, WmsInstanceOptions instance, WmsOutboundOptions outbound, List<string> errors)
    {
        if (!_dialects.Contains(instance.Adapter))
        {
            errors.Add($"{where}:Adapter '{instance.Adapter}' has no outbound adapter (known: {string.Join(", ", _dialects)}).");
        }

        if (!Uri.TryCreate(outbound.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("https" or "http"))
        {
            errors.Add($"{where}:Outbound:BaseUrl must be an absolute http(s) URL.");
        }
        else if (baseUrl.Scheme == "http" && !baseUrl.IsLoopback)
        {
            errors.Add($"{where}:Outbound:BaseUrl must use https (plain http only on loopback).");
        }

        errors.AddRange(outbound.Flows.Where(f => !_flows.Contains(f))
            .Select(f => $"{where}:Outbound:Flows names an unknown flow '{f}' (known: {string.Join(", ", _flows)})."));

        var auth = outbound.Auth;
        switch (auth.Scheme)
        {
            case OutboundAuthOptions.ApiKeyScheme:
                if (string.IsNullOrWhiteSpace(auth.ApiKeySetting))
                {
                    errors.Add($"{where}:Outbound:Auth:ApiKeySetting must name the app setting that holds the API key.");
                }

                if (string.IsNullOrWhiteSpace(auth.ApiKeyHeader))
                {
                    errors.Add($"{where}:Outbound:Auth:ApiKeyHeader must not be empty.");
                }

                break;
            case OutboundAuthOptions.OAuth2Scheme:
                if (!Uri.TryCreate(auth.TokenUrl, UriKind.Absolute, out _))
                {
                    errors.Add($"{where}:Outbound:Auth:TokenUrl must be an absolute URL.");
                }

                if (string.IsNullOrWhiteSpace(auth.ClientId) || string.IsNullOrWhiteSpace(auth.ClientSecretSetting))
                {
                    errors.Add($"{where}:Outbound:Auth needs ClientId and ClientSecretSetting (the name of the setting holding the secret).");
                }

                break;
            default:
                errors.Add($"{where}:Outbound:Auth:Scheme '{auth.Scheme}' is not supported ({OutboundAuthOptions.ApiKeyScheme} or {OutboundAuthOptions.OAuth2Scheme}).");
                break;
        }

        var ambiguous = instance.SkuAliases.GroupBy(p => p.Value, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);
        errors.AddRange(ambiguous.Select(sku => $"{where}:SkuAliases: OMS SKU '{sku}' has several WMS SKUs; the outbound direction needs one."));

        var r = outbound.Resilience;
        if (r.MaxRetryAttempts is < 0 or > 10)
        {
            errors.Add($"{where}:Outbound:Resilience:MaxRetryAttempts must be between 0 and 10.");
        }

        if (r.AttemptTimeout <= TimeSpan.Zero || r.TotalTimeout < r.AttemptTimeout || r.TotalTimeout > TimeSpan.FromMinutes(4))
        {
            errors.Add($"{where}:Outbound:Resilience: AttemptTimeout must be positive and at most TotalTimeout, which is at most 4 minutes (the message lock).");
        }

        if (r.BaseDelay < TimeSpan.Zero || r.MaxDelay < r.BaseDelay || r.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{where}:Outbound:Resilience: BaseDelay, MaxDelay and MaxRetryAfter must be 0 or more, MaxDelay at least BaseDelay.");
        }

        if (r.FailureRatio is <= 0 or > 1 || r.MinimumThroughput < 2 || r.SamplingDuration < TimeSpan.FromMilliseconds(500) || r.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add($"{where}:Outbound:Resilience: circuit breaker needs FailureRatio in (0, 1], MinimumThroughput >= 2, SamplingDuration and BreakDuration >= 0.5 s.");
        }
    }
}
