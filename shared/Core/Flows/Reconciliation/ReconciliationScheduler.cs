using System.Text.Json;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>The queue message that runs one instance's reconciliation; the run's header exists before it is sent.</summary>
public sealed record ReconciliationRequest(string Tenant, string Instance, string RunId)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The request a message names, or null when the text is not one.</summary>
    public static ReconciliationRequest? Parse(string text)
    {
        try
        {
            var request = JsonSerializer.Deserialize<ReconciliationRequest>(text, Json);
            return request is { Tenant.Length: > 0, Instance.Length: > 0 } && ReconciliationStore.IsRunId(request.RunId) ? request : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Starts runs: records the run (status queued) and puts one message per (tenant, instance) on the reconciliation
/// queue, so every instance runs in its own invocation: a slow WMS holds up nobody else, and the host's retries and
/// poison queue apply to each run on its own.
/// </summary>
public sealed class ReconciliationScheduler(
    HubStorage storage, ReconciliationStore store, TenantDirectory tenants, IOptions<PerInstance<InstanceReconciliationOptions>> instanceOptions, IOptions<PerTenant<OmsStockOptions>> omsStock, IOptions<ReconciliationRunOptions> settings, TimeProvider time)
{
    public const string TimerTrigger = "timer";
    public const string OperatorTrigger = "operator";

    /// <summary>The timer's work: one run per instance whose Reconciliation is Scheduled.</summary>
    public async Task<IReadOnlyList<ReconciliationRunEntity>> ScheduleAllAsync(CancellationToken cancellationToken)
    {
        var started = new List<ReconciliationRunEntity>();
        foreach (var instance in tenants.All.OrderBy(i => i.Tenant, StringComparer.Ordinal).ThenBy(i => i.Id, StringComparer.Ordinal))
        {
            if (instanceOptions.Value.Find(instance.Tenant, instance.Id)?.Scheduled == true)
            {
                started.Add(await StartAsync(instance.Tenant, instance.Id, TimerTrigger, TimerTrigger, cancellationToken).ConfigureAwait(false));
            }
        }

        return started;
    }

    /// <summary>Records a queued run and sends its message; the caller checked that the instance exists.</summary>
    public async Task<ReconciliationRunEntity> StartAsync(string tenant, string instance, string trigger, string requestedBy, CancellationToken cancellationToken)
    {
        var options = instanceOptions.Value.Find(tenant, instance) ?? new InstanceReconciliationOptions();
        var now = time.GetUtcNow();
        var runId = ReconciliationStore.NewRunId(now);
        var run = new ReconciliationRunEntity
        {
            PartitionKey = ReconciliationRunEntity.PartitionFor(tenant),
            RowKey = ReconciliationRunEntity.RowFor(runId),
            RunId = runId,
            Tenant = tenant,
            Instance = instance,
            Status = RunStatus.Queued,
            Trigger = trigger,
            RequestedBy = requestedBy,
            RequestedAt = now,
            TrustWms = options.TrustWms,
            ToleranceUnits = options.ToleranceUnits,
            TolerancePercent = options.TolerancePercent,
            OmsFigures = omsStock.Value.Find(tenant) is null ? "not-configured" : "pending",
        };
        await store.AddAsync(run, cancellationToken).ConfigureAwait(false);
        var queue = await storage.QueueAsync(settings.Value.Queue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(TraceContext.Stamp(new ReconciliationRequest(tenant, instance, runId).ToJson()), cancellationToken).ConfigureAwait(false);
        return run;
    }


}
