using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Platform.Json;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// Writes one attempt's report: a row per difference and per WMS row the hub could not map (buffered, written 100 at a
/// time, keyed by the attempt so a retried run's rows never mix), with the run's counts of them. A difference shows
/// the hub's, in-flight and WMS figures, the OMS's own where the tenant exposes it and the SKU's last movements; one
/// beyond the instance's tolerance is flagged (audited) and, for a trusted WMS, corrected.
/// </summary>
internal sealed class ReconciliationReporter(
    ReconciliationStore store,
    AuditLog audit,
    OmsStockClient oms,
    ReconciliationCorrections corrections,
    ReconciliationRunEntity run,
    ReconciliationRunSettings settings)
{
    private readonly List<ReconciliationRowEntity> _rows = new(ReconciliationStore.BatchSize);
    private bool _omsAvailable = settings.OmsStock is not null;

    /// <summary>What the header says of the OMS's figures once the attempt has compared everything.</summary>
    public string OmsFigures => settings.OmsStock is null ? "not-configured" : _omsAvailable ? "compared" : "unavailable";

    public Task UnmappedAsync(WmsStockRow row, DateTimeOffset asOf, string reason, CancellationToken cancellationToken)
    {
        run.Unmapped++;
        return AddRowAsync(new ReconciliationRowEntity { Kind = "unmapped", WmsSku = row.Sku, WmsLocation = row.Location, WmsOnHand = row.OnHand, AsOf = asOf, Reason = reason }, cancellationToken);
    }

    /// <param name="movements">The SKU's movements in the warehouse, newest first; the report keeps the last few.</param>
    public async Task DifferenceAsync(
        AreaComparison comparison, DateTimeOffset asOf, WmsStockRow? wmsRow, IReadOnlyList<StockMovementEntity> movements, CancellationToken cancellationToken)
    {
        var options = settings.Instance;
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
        var omsOnHand = await OmsOnHandAsync(comparison, cancellationToken).ConfigureAwait(false);
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
            Movements = JsonSerializer.Serialize(
                movements.Take(options.RecentMovements).Select(m => new MovementView(m.AppliedAt, m.OccurredAt, m.Area, m.Instance, m.Flow, m.EventId, m.Kind, m.Quantity, m.OnHandAfter, m.Applied)),
                ContractJson.Options),
        };

        if (flagged)
        {
            run.Flagged++;
            await FlagAsync(comparison, omsOnHand, cancellationToken).ConfigureAwait(false);
            if (options.TrustWms)
            {
                (row.CorrectionEventId, row.Corrected) = await corrections.CorrectAsync(run, comparison, asOf, cancellationToken).ConfigureAwait(false);
                if (row.Corrected)
                {
                    run.Corrected++;
                }
            }
        }

        await AddRowAsync(row, cancellationToken).ConfigureAwait(false);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await store.WriteRowsAsync(_rows, cancellationToken).ConfigureAwait(false);
        _rows.Clear();
    }

    /// <summary>The OMS's figure for the SKU in the warehouse; after the first failure the attempt goes on without it (the header says so once).</summary>
    private async Task<long?> OmsOnHandAsync(AreaComparison comparison, CancellationToken cancellationToken)
    {
        if (!_omsAvailable)
        {
            return null;
        }

        try
        {
            return await oms.OnHandAsync(settings.OmsStock!, comparison.Warehouse, comparison.Sku, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception unavailable) when (unavailable is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            _omsAvailable = false;
            return null;
        }
    }

    private Task FlagAsync(AreaComparison comparison, long? omsOnHand, CancellationToken cancellationToken) =>
        audit.WriteAsync(
            new AuditEntry(
                run.Tenant, run.RequestedAt, ReconciliationCorrectionFlow.FlowName, "flagged", Instance: run.Instance, EntityType: "stock",
                EntityId: $"{comparison.Warehouse}/{comparison.Sku}", EventId: run.RunId, CorrelationId: run.RunId, Reason: "stock-discrepancy",
                Summary: $"area {comparison.Area}: hub {comparison.HubOnHand?.ToString(CultureInfo.InvariantCulture) ?? "none"} ({comparison.InFlight} in flight), WMS {comparison.WmsOnHand?.ToString(CultureInfo.InvariantCulture) ?? "none"}, OMS {omsOnHand?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}, difference {comparison.Difference}"),
            $"{run.RunId}|{comparison.Warehouse}|{comparison.Area}|{comparison.Sku}|flagged",
            cancellationToken);

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

    /// <summary>One movement as the report shows it.</summary>
    private sealed record MovementView(DateTimeOffset AppliedAt, DateTimeOffset OccurredAt, string Area, string Instance, string Flow, string EventId, string Kind, long Quantity, long OnHandAfter, bool Applied);
}
