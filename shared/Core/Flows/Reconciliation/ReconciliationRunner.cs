using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>What one run is reconciled with: the instance's Reconciliation section, the tenant's OmsStock (optional) and the clock skew allowed.</summary>
internal sealed record ReconciliationRunSettings(InstanceReconciliationOptions Instance, OmsStockOptions? OmsStock, TimeSpan ClockSkew);

/// <summary>
/// Runs one instance's reconciliation:
/// 1. claims the run (a new attempt under the header's ETag) and chooses the instance's stock dialect;
/// 2. compares the WMS's stock with the hub's snapshots (<see cref="ReconciliationAttempt"/>);
/// 3. reports each difference, flags those beyond the instance's tolerance and, for a trusted WMS, corrects them
///    (<see cref="ReconciliationReporter"/>, <see cref="ReconciliationCorrections"/>);
/// 4. finishes the run's header and the instance's latest-run row.
/// A run that is retried starts again as a new attempt: its corrections carry the run's event ids, so none applies twice.
/// </summary>
public sealed partial class ReconciliationRunner(
    ReconciliationStore store,
    TenantDirectory tenants,
    OutboundDirectory outbound,
    IOptions<PerInstance<InstanceReconciliationOptions>> instanceOptions,
    IOptions<PerTenant<OmsStockOptions>> omsStock,
    IOptions<ReconciliationRunOptions> reconciliation,
    WmsStockPull pull,
    StockReads stock,
    ReconciliationCorrections corrections,
    AuditLog audit,
    OmsStockClient oms,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<ReconciliationRunner> logger)
{
    public async Task<ReconciliationRunEntity?> RunAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(request.Tenant, request.RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Instance != request.Instance)
        {
            LogUnknownRun(logger, request.RunId, request.Tenant, request.Instance);
            return null;
        }

        if (run.Status.IsFinal())
        {
            LogAlreadyFinished(logger, run.RunId, run.StatusName);
            return run;
        }

        run.Attempt++;
        run.Status = RunStatus.Running;
        run.StartedAt = time.GetUtcNow();
        run.FinishedAt = null;
        run.Error = null;
        run.AsOf = null;
        run.Pages = run.Compared = run.Equal = run.Different = run.Flagged = run.Corrected = run.Unmapped = run.OnlyInWms = run.OnlyInHub = run.Rows = 0;
        try
        {
            await store.SaveAsync(run, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException moved) when (moved.Status == 412)
        {
            LogTakenOver(logger, run.RunId);
            return null; // another delivery of the same message runs it
        }

        var settings = SettingsFor(run.Tenant, run.Instance);
        var target = outbound.All.FirstOrDefault(i => i.Tenant == run.Tenant && i.Id == run.Instance);
        if (settings is null || !tenants.TryGet(run.Tenant, run.Instance, out var instance))
        {
            return await FinishAsync(run, RunStatus.NotSupported, "The instance is no longer configured.", cancellationToken).ConfigureAwait(false);
        }

        if (target is null)
        {
            return await FinishAsync(run, RunStatus.NotSupported, "The instance has no Outbound section (BaseUrl, credentials): the hub cannot ask it for stock.", cancellationToken).ConfigureAwait(false);
        }

        if (pull.DialectFor(target.Adapter) is not { } dialect)
        {
            return await FinishAsync(run, RunStatus.NotSupported, $"Adapter '{target.Adapter}' has no stock listing.", cancellationToken).ConfigureAwait(false);
        }

        var reporter = new ReconciliationReporter(store, audit, oms, corrections, run, settings);
        var attempt = new ReconciliationAttempt(pull, stock, reporter, run, instance, target, dialect, settings);
        try
        {
            await attempt.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception permanent) when (permanent is WmsStockFormatException or UnsortedStreamException or WmsAuthException)
        {
            await reporter.FlushAsync(cancellationToken).ConfigureAwait(false);
            LogRunFailed(logger, permanent, run.RunId, run.Tenant, run.Instance);
            return await FinishAsync(run, RunStatus.Failed, permanent.Message, cancellationToken).ConfigureAwait(false);
        }
        catch (WmsUnavailableException unavailable)
        {
            // Recorded for operators, then thrown: the host answers 500 and the queue delivers the message again.
            await FinishAsync(run, RunStatus.Failed, unavailable.Message + " The run is retried.", cancellationToken).ConfigureAwait(false);
            throw;
        }

        var finished = await FinishAsync(run, RunStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        await store.WriteLatestAsync(finished, cancellationToken).ConfigureAwait(false);
        metrics.ReconciliationDifferences(run.Tenant, run.Instance, run.Different); // once per run: a redelivered finished run returns above
        LogFinished(logger, run.RunId, run.Tenant, run.Instance, run.Compared, run.Different, run.Flagged, run.Corrected, run.Unmapped);
        return finished;
    }

    /// <summary>
    /// The one place the runner reads its settings: the instance's Reconciliation section and the tenant's OmsStock
    /// (null when the instance is no longer configured), with the clock skew of all runs.
    /// </summary>
    private ReconciliationRunSettings? SettingsFor(string tenant, string instance)
    {
        return instanceOptions.Value.Find(tenant, instance) is { } options
            ? new ReconciliationRunSettings(options, omsStock.Value.Find(tenant), reconciliation.Value.ClockSkew)
            : null;
    }

    private async Task<ReconciliationRunEntity> FinishAsync(ReconciliationRunEntity run, RunStatus status, string? error, CancellationToken cancellationToken)
    {
        run.Status = status;
        run.Error = error;
        run.FinishedAt = time.GetUtcNow();
        await store.SaveAsync(run, cancellationToken).ConfigureAwait(false);
        return run;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation message names run {RunId} of {Tenant}/{Instance}, which is not recorded")]
    private static partial void LogUnknownRun(ILogger logger, string runId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation run {RunId} is already {Status}: nothing to do")]
    private static partial void LogAlreadyFinished(ILogger logger, string runId, string status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation run {RunId} was taken over by another delivery")]
    private static partial void LogTakenOver(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciliation run {RunId} of {Tenant}/{Instance} failed")]
    private static partial void LogRunFailed(ILogger logger, Exception error, string runId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciliation run {RunId} of {Tenant}/{Instance}: {Compared} compared, {Different} different, {Flagged} flagged, {Corrected} corrected, {Unmapped} unmapped")]
    private static partial void LogFinished(ILogger logger, string runId, string tenant, string instance, long compared, long different, long flagged, long corrected, long unmapped);
}
