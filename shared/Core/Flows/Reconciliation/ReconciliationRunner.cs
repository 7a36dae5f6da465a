using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// Runs one instance's reconciliation:
/// 1. per WMS facility, pull the stock page by page (sorted by SKU) through the instance's pipeline, mapping each row's
///    location and SKU to the OMS's (rows that do not map are reported, never dropped);
/// 2. stream-merge it with the hub's snapshots of the facility's OMS warehouses, read as ordered range queries, and
///    compare per (warehouse, area, SKU), taking off what the hub booked for movements after the WMS's as-of;
/// 3. report each difference with both figures, the in-flight quantity, the OMS's figure where it has one and the
///    last movements; flag those beyond the instance's tolerance (audited) and, for a trusted WMS, correct them
///    through the inbox and outbox;
/// 4. finish the run's header and the instance's latest-run row.
/// SKUs the merge cannot keep in WMS order (aliased SKUs, SKUs with characters the table keys escape) are set aside,
/// bounded by the alias map, and compared at the end. A run that is retried starts again as a new attempt: its
/// corrections carry the run's event ids, so none applies twice.
/// </summary>
public sealed partial class ReconciliationRunner(
    ReconciliationStore store,
    TenantDirectory tenants,
    OutboundDirectory outbound,
    IOptions<HubOptions> hub,
    IOptions<ReconciliationSettings> settings,
    WmsStockPull pull,
    StockReads stock,
    InboundEventProcessor processor,
    AuditLog audit,
    OmsStockClient oms,
    TimeProvider time,
    ILogger<ReconciliationRunner> logger)
{
    // What one attempt (the nested RunWork) uses.
    private ReconciliationStore Store => store;

    private WmsStockPull Pull => pull;

    private StockReads Stock => stock;

    private InboundEventProcessor Processor => processor;

    private AuditLog Audit => audit;

    private OmsStockClient Oms => oms;

    private TimeSpan ClockSkew => settings.Value.ClockSkew;

    public async Task<ReconciliationRunEntity?> RunAsync(ReconciliationRequest request, CancellationToken cancellationToken)
    {
        var run = await store.GetAsync(request.Tenant, request.RunId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Instance != request.Instance)
        {
            LogUnknownRun(logger, request.RunId, request.Tenant, request.Instance);
            return null;
        }

        if (RunStatus.IsFinal(run.Status))
        {
            LogAlreadyFinished(logger, run.RunId, run.Status);
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

        var options = hub.Value.Tenants.GetValueOrDefault(run.Tenant)?.Instances.GetValueOrDefault(run.Instance);
        var target = outbound.All.FirstOrDefault(i => i.Tenant == run.Tenant && i.Id == run.Instance);
        if (options is null || !tenants.TryGet(run.Tenant, run.Instance, out var instance))
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

        var work = new RunWork(this, run, instance, target, dialect, options.Reconciliation, hub.Value.Tenants[run.Tenant].OmsStock);
        try
        {
            await work.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception permanent) when (permanent is WmsStockFormatException or UnsortedStreamException or WmsAuthException)
        {
            await work.FlushAsync(cancellationToken).ConfigureAwait(false);
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
        LogFinished(logger, run.RunId, run.Tenant, run.Instance, run.Compared, run.Different, run.Flagged, run.Corrected, run.Unmapped);
        return finished;
    }

    private async Task<ReconciliationRunEntity> FinishAsync(ReconciliationRunEntity run, string status, string? error, CancellationToken cancellationToken)
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

    /// <summary>A WMS row mapped to the OMS's codes.</summary>
    private sealed record MappedRow(WmsStockRow Row, string Sku, string Warehouse, string Area, DateTimeOffset AsOf);

    /// <summary>One movement as the report shows it.</summary>
    private sealed record MovementView(DateTimeOffset AppliedAt, DateTimeOffset OccurredAt, string Area, string Instance, string Flow, string EventId, string Kind, long Quantity, long OnHandAfter, bool Applied);

    /// <summary>The state of one attempt: counters, the row buffer, the set-aside SKUs.</summary>
    private sealed class RunWork(
        ReconciliationRunner runner,
        ReconciliationRunEntity run,
        WmsInstance instance,
        OutboundInstance target,
        IWmsStockDialect dialect,
        InstanceReconciliationOptions options,
        OmsStockOptions? omsStock)
    {
        private readonly List<ReconciliationRowEntity> _rows = new(ReconciliationStore.BatchSize);
        private readonly HashSet<string> _aliasTargets = instance.AliasTargets.ToHashSet(StringComparer.Ordinal);
        private DateTimeOffset _asOf;
        private bool _omsAvailable = omsStock is not null;

        public async Task ExecuteAsync(CancellationToken cancellationToken)
        {
            var facilities = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var warehouse in instance.Warehouses.Order(StringComparer.Ordinal))
            {
                string facility;
                try
                {
                    facility = target.Codes.Warehouse(warehouse);
                }
                catch (MappingException)
                {
                    facility = warehouse; // no Outbound:Warehouses entry: the WMS knows the OMS's code
                }

                (facilities.TryGetValue(facility, out var list) ? list : facilities[facility] = []).Add(warehouse);
            }

            foreach (var (facility, warehouses) in facilities)
            {
                await ReconcileFacilityAsync(facility, warehouses, cancellationToken).ConfigureAwait(false);
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
            run.OmsFigures = omsStock is null ? "not-configured" : _omsAvailable ? "compared" : "unavailable";
        }

        private async Task ReconcileFacilityAsync(string facility, IReadOnlyList<string> warehouses, CancellationToken cancellationToken)
        {
            var setAside = new SortedDictionary<string, (List<MappedRow> Wms, List<InstanceSnapshot> Hub)>(StringComparer.Ordinal);
            var wms = MappedRowsAsync(facility, warehouses, setAside, cancellationToken);
            var hubRows = SortedMerge.MergeSortedAsync(warehouses.Select(w => SnapshotsAsync(w, setAside, cancellationToken)).ToList(), h => h.Sku, cancellationToken);
            await foreach (var group in SortedMerge.FullOuterJoinAsync(wms, r => r.Sku, hubRows, h => h.Sku, cancellationToken).ConfigureAwait(false))
            {
                await CompareSkuAsync(group.Key, group.Left, group.Right, cancellationToken).ConfigureAwait(false);
            }

            foreach (var (sku, sides) in setAside)
            {
                await CompareSkuAsync(sku, sides.Wms, sides.Hub, cancellationToken).ConfigureAwait(false);
            }
        }

        private bool SetAside(string omsSku) => _aliasTargets.Contains(omsSku) || TableKeys.Escape(omsSku) != omsSku;

        private async IAsyncEnumerable<MappedRow> MappedRowsAsync(
            string facility, IReadOnlyList<string> warehouses, SortedDictionary<string, (List<MappedRow> Wms, List<InstanceSnapshot> Hub)> setAside,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var rows = runner.Pull.RowsAsync(target, dialect, facility, options.PageSize, run.RunId, OnPage, cancellationToken);
            await foreach (var row in rows.ConfigureAwait(false))
            {
                var location = instance.ResolveLocation(row.Location);
                string? reason = location.Kind switch
                {
                    LocationMatchKind.Unknown => "unknown-location",
                    LocationMatchKind.NotAllowed => "location-of-another-instance",
                    _ when !warehouses.Contains(location.Warehouse!, StringComparer.OrdinalIgnoreCase) => "location-outside-warehouse",
                    _ => null,
                };
                if (reason is null && !WmsFunctions.Platform.Tenancy.Codes.IsValid(row.Sku))
                {
                    reason = "invalid-sku";
                }

                if (reason is not null)
                {
                    run.Unmapped++;
                    await AddRowAsync(new ReconciliationRowEntity { Kind = "unmapped", WmsSku = row.Sku, WmsLocation = row.Location, WmsOnHand = row.OnHand, AsOf = _asOf, Reason = reason }, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var warehouse = warehouses.First(w => string.Equals(w, location.Warehouse, StringComparison.OrdinalIgnoreCase));
                var mapped = new MappedRow(row, instance.ResolveSku(row.Sku), warehouse, location.Area!, _asOf);
                if (SetAside(mapped.Sku) || mapped.Sku != row.Sku)
                {
                    (setAside.TryGetValue(mapped.Sku, out var sides) ? sides : setAside[mapped.Sku] = ([], [])).Wms.Add(mapped);
                    continue;
                }

                yield return mapped;
            }
        }

        private void OnPage(WmsStockPage page)
        {
            run.Pages++;
            run.AsOf = run.AsOf is { } first && first < page.AsOf ? first : page.AsOf;
            _asOf = page.AsOf;
        }

        private async IAsyncEnumerable<InstanceSnapshot> SnapshotsAsync(
            string warehouse, SortedDictionary<string, (List<MappedRow> Wms, List<InstanceSnapshot> Hub)> setAside,
            [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await foreach (var hubSku in runner.Stock.SnapshotsAsync(run.Tenant, warehouse, instance.Id, cancellationToken).ConfigureAwait(false))
            {
                if (SetAside(hubSku.Sku))
                {
                    (setAside.TryGetValue(hubSku.Sku, out var sides) ? sides : setAside[hubSku.Sku] = ([], [])).Hub.Add(hubSku);
                    continue;
                }

                yield return hubSku;
            }
        }

        private async Task CompareSkuAsync(string sku, IReadOnlyList<MappedRow> wmsRows, IReadOnlyList<InstanceSnapshot> hubRows, CancellationToken cancellationToken)
        {
            // The as-of of the page the SKU's rows came from (the merge may already have read the next page).
            var asOf = wmsRows.Count > 0 ? wmsRows.Min(r => r.AsOf) : _asOf;
            var warehouses = wmsRows.Select(r => r.Warehouse).Concat(hubRows.Select(h => h.Warehouse)).Distinct(StringComparer.Ordinal);
            foreach (var warehouse in warehouses)
            {
                var hubSku = hubRows.FirstOrDefault(h => h.Warehouse == warehouse);
                var wmsByArea = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var row in wmsRows.Where(r => r.Warehouse == warehouse))
                {
                    wmsByArea[row.Area] = wmsByArea.GetValueOrDefault(row.Area) + row.Row.OnHand;
                }

                // Only a snapshot that moved since shortly before the as-of can hold movements from after it.
                IReadOnlyList<MovementView>? movements = null;
                var inFlight = new Dictionary<string, long>(StringComparer.Ordinal);
                var horizon = asOf - runner.ClockSkew;
                if (hubSku is { Areas.Count: > 0 } && hubSku.UpdatedAt >= horizon)
                {
                    movements = await MovementsAsync(warehouse, sku, horizon, cancellationToken).ConfigureAwait(false);
                    foreach (var move in movements.Where(m => m.Applied && m.OccurredAt > asOf && m.Instance == instance.Id))
                    {
                        inFlight[move.Area] = inFlight.GetValueOrDefault(move.Area) + move.Quantity;
                    }
                }

                var areas = wmsByArea.Keys.Concat(hubSku?.Areas.Keys ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
                foreach (var area in areas)
                {
                    long? hubOnHand = hubSku is not null && hubSku.Areas.TryGetValue(area, out var h) ? h : null;
                    long? wmsOnHand = wmsByArea.TryGetValue(area, out var w) ? w : null;
                    var comparison = StockComparison.Compare(warehouse, area, sku, hubOnHand, inFlight.GetValueOrDefault(area), wmsOnHand);
                    run.Compared++;
                    if (comparison.Kind == ComparisonKind.Equal)
                    {
                        run.Equal++;
                        continue;
                    }

                    movements ??= await MovementsAsync(warehouse, sku, null, cancellationToken).ConfigureAwait(false);
                    await ReportAsync(comparison, asOf, wmsRows.FirstOrDefault(r => r.Warehouse == warehouse && r.Area == area)?.Row, movements, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Newest first: every movement applied after <paramref name="horizon"/>, and at least the last few.</summary>
        private async Task<IReadOnlyList<MovementView>> MovementsAsync(string warehouse, string sku, DateTimeOffset? horizon, CancellationToken cancellationToken)
        {
            var found = await runner.Stock.MovementsSinceAsync(run.Tenant, warehouse, sku, horizon, options.RecentMovements, cancellationToken).ConfigureAwait(false);
            return found.Select(move => new MovementView(move.AppliedAt, move.OccurredAt, move.Area, move.Instance, move.Flow, move.EventId, move.Kind, move.Quantity, move.OnHandAfter, move.Applied)).ToList();
        }

        private async Task ReportAsync(AreaComparison comparison, DateTimeOffset asOf, WmsStockRow? wmsRow, IReadOnlyList<MovementView> movements, CancellationToken cancellationToken)
        {
            run.Different++;
            if (comparison.Kind == ComparisonKind.OnlyInWms)
            {
                run.OnlyInWms++;
            }
            else if (comparison.Kind == ComparisonKind.OnlyInHub)
            {
                run.OnlyInHub++;
            }

            var flagged = !StockComparison.WithinTolerance(comparison, options.ToleranceUnits, options.TolerancePercent);
            long? omsOnHand = null;
            if (_omsAvailable)
            {
                try
                {
                    omsOnHand = await runner.Oms.OnHandAsync(omsStock!, comparison.Warehouse, comparison.Sku, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception unavailable) when (unavailable is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    _omsAvailable = false; // reported once in the header; the run goes on without the third figure
                }
            }

            var row = new ReconciliationRowEntity
            {
                Kind = comparison.Kind switch
                {
                    ComparisonKind.OnlyInWms => "only-in-wms",
                    ComparisonKind.OnlyInHub => "only-in-hub",
                    _ => "different",
                },
                Warehouse = comparison.Warehouse,
                Area = comparison.Area,
                Sku = comparison.Sku,
                WmsSku = wmsRow?.Sku,
                WmsLocation = wmsRow?.Location,
                HubOnHand = comparison.HubOnHand,
                InFlight = comparison.InFlight,
                HubAtAsOf = comparison.HubAtAsOf,
                WmsOnHand = comparison.WmsOnHand,
                Difference = comparison.Difference,
                OmsOnHand = omsOnHand,
                AsOf = asOf,
                Flagged = flagged,
                Movements = JsonSerializer.Serialize(movements.Take(options.RecentMovements), InboundJson.Options),
            };

            if (flagged)
            {
                run.Flagged++;
                await runner.Audit.WriteAsync(
                    new AuditEntry(
                        run.Tenant, run.RequestedAt, ReconciliationCorrectionFlow.FlowName, "flagged", Instance: run.Instance, EntityType: "stock",
                        EntityId: $"{comparison.Warehouse}/{comparison.Sku}", EventId: run.RunId, CorrelationId: run.RunId, Reason: "stock-discrepancy",
                        Summary: $"area {comparison.Area}: hub {comparison.HubOnHand?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} ({comparison.InFlight} in flight), WMS {comparison.WmsOnHand?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, OMS {omsOnHand?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a"}, difference {comparison.Difference}"),
                    $"{run.RunId}|{comparison.Warehouse}|{comparison.Area}|{comparison.Sku}|flagged",
                    cancellationToken).ConfigureAwait(false);

                if (options.TrustWms)
                {
                    await CorrectAsync(comparison, asOf, row, cancellationToken).ConfigureAwait(false);
                }
            }

            await AddRowAsync(row, cancellationToken).ConfigureAwait(false);
        }

        private async Task CorrectAsync(AreaComparison comparison, DateTimeOffset asOf, ReconciliationRowEntity row, CancellationToken cancellationToken)
        {
            var eventId = ReconciliationCorrectionFlow.EventId(run.RunId, comparison.Warehouse, comparison.Area, comparison.Sku);
            var correction = new ReconciliationCorrection(
                run.RunId, comparison.Warehouse, comparison.Area, comparison.Sku, asOf, comparison.WmsOnHand ?? 0, comparison.HubOnHand ?? 0,
                comparison.InFlight, (comparison.WmsOnHand ?? 0) + comparison.InFlight);
            var result = await runner.Processor.AcceptAsync(
                new InboundEvent(run.Tenant, run.Instance, ReconciliationCorrectionFlow.FlowName, eventId, ReconciliationCorrectionFlow.RequestHash(eventId),
                    JsonSerializer.Serialize(correction, InboundJson.Options), run.RunId),
                cancellationToken).ConfigureAwait(false);
            var applied = result.Problem is null && result.Body is { } body && JsonSerializer.Deserialize<InventoryReconciled>(body, InboundJson.Options)?.Applied == true;
            row.CorrectionEventId = eventId;
            row.Corrected = applied;
            if (applied)
            {
                run.Corrected++;
            }
        }

        private async Task AddRowAsync(ReconciliationRowEntity row, CancellationToken cancellationToken)
        {
            row.PartitionKey = ReconciliationRowEntity.PartitionFor(run.Tenant, run.RunId);
            row.RowKey = ReconciliationRowEntity.RowFor(run.Attempt, run.Rows++);
            _rows.Add(row);
            if (_rows.Count == ReconciliationStore.BatchSize)
            {
                await FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public async Task FlushAsync(CancellationToken cancellationToken)
        {
            await runner.Store.WriteRowsAsync(_rows, cancellationToken).ConfigureAwait(false);
            _rows.Clear();
        }
    }
}
