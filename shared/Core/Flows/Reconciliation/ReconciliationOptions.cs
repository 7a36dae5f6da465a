using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// How one WMS instance is reconciled (Hub:Tenants:{t}:Instances:{i}:Reconciliation). The stock is pulled from the
/// instance's Outbound BaseUrl with its credentials and resilience pipeline, so an instance without an Outbound
/// section cannot be reconciled (its runs are recorded as not supported).
/// </summary>
public sealed class InstanceReconciliationOptions
{
    /// <summary>Hub:Tenants:{t}:Instances:{i}:Reconciliation.</summary>
    public const string Section = "Reconciliation";

    /// <summary>Whether the scheduled timer reconciles this instance; an operator may still start a run on demand.</summary>
    public bool Scheduled { get; set; } = true;

    /// <summary>
    /// When set, a flagged difference is corrected: the hub books the WMS's figure as a count of that area (through the
    /// inbox/outbox, so it is audited and sent to the OMS). Off by default: the hub only reports.
    /// </summary>
    public bool TrustWms { get; set; }

    /// <summary>A difference of at most this many units is reported but not flagged (0: every difference counts).</summary>
    public long ToleranceUnits { get; set; }

    /// <summary>
    /// A difference of at most this percentage of the larger of the two figures is reported but not flagged (0: off).
    /// With both set, a difference within either is tolerated.
    /// </summary>
    public double TolerancePercent { get; set; }

    /// <summary>How many stock rows the hub asks the WMS for per page (the WMS may send fewer).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>How many recent movements each reported difference shows.</summary>
    public int RecentMovements { get; set; } = 5;
}

/// <summary>
/// Where the OMS exposes its own stock figures (Hub:Tenants:{t}:OmsStock), compared as a third figure for every
/// reported difference. Optional: without it the report says the OMS figure is not configured.
/// </summary>
public sealed class OmsStockOptions
{
    /// <summary>Hub:Tenants:{t}:OmsStock.</summary>
    public const string Section = "OmsStock";

    /// <summary>The OMS stock API, e.g. https://oms.example.com/api; the hub calls GET {BaseUrl}/stock?warehouse=&amp;sku=.</summary>
    public string BaseUrl { get; set; } = "";

    public string ApiKeyHeader { get; set; } = "X-Api-Key";

    /// <summary>The NAME of the app setting that holds the key (a Key Vault reference in Azure), never the key.</summary>
    public string? ApiKeySetting { get; set; }
}

/// <summary>Settings of reconciliation that are not per tenant: the queue that runs one instance's reconciliation.</summary>
public sealed class ReconciliationRunOptions
{
    public const string QueueSetting = "RECONCILIATION_QUEUE";

    public const string ScheduleSetting = "RECONCILIATION_SCHEDULE";

    public string Queue { get; set; } = "reconciliation-runs";

    /// <summary>Movements applied this long before the WMS's as-of may still have happened after it (clock skew, the webhook's future tolerance).</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    public static void Configure(ReconciliationRunOptions settings, IConfiguration configuration) =>
        settings.Queue = configuration[QueueSetting] is { Length: > 0 } queue ? queue : settings.Queue;
}

/// <summary>Checks every instance's Reconciliation section and every tenant's OmsStock at start.</summary>
public sealed class ReconciliationOptionsValidator : IValidateOptions<PerInstance<InstanceReconciliationOptions>>, IValidateOptions<PerTenant<OmsStockOptions>>
{
    public ValidateOptionsResult Validate(string? name, PerTenant<OmsStockOptions> options)
    {
        var errors = new List<string>();
        foreach (var (tenantId, oms) in options.All)
        {
            if (!Uri.TryCreate(oms.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || (url.Scheme == "http" && !url.IsLoopback))
            {
                errors.Add($"{HubSections.Path(tenantId, OmsStockOptions.Section)}:BaseUrl must be an absolute https URL (plain http only on loopback).");
            }

            if (string.IsNullOrWhiteSpace(oms.ApiKeyHeader))
            {
                errors.Add($"{HubSections.Path(tenantId, OmsStockOptions.Section)}:ApiKeyHeader must not be empty.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public ValidateOptionsResult Validate(string? name, PerInstance<InstanceReconciliationOptions> options)
    {
        var errors = new List<string>();
        foreach (var (tenantId, instanceId, r) in options.All)
        {
            var where = HubSections.Path(tenantId, instanceId, InstanceReconciliationOptions.Section);
            if (r.ToleranceUnits < 0 || r.TolerancePercent is < 0 or > 100 || double.IsNaN(r.TolerancePercent))
            {
                errors.Add($"{where}: ToleranceUnits must be 0 or more and TolerancePercent between 0 and 100.");
            }

            if (r.PageSize is < 1 or > 5000)
            {
                errors.Add($"{where}:PageSize must be between 1 and 5000.");
            }

            if (r.RecentMovements is < 0 or > 50)
            {
                errors.Add($"{where}:RecentMovements must be between 0 and 50.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
