using System.Runtime.CompilerServices;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// One attempt at a run, facility by facility: pulls the WMS's stock page by page (sorted by SKU), mapping each row's
/// location and SKU to the OMS's (rows that do not map are reported, never dropped), stream-merges it with the hub's
/// snapshots of the facility's OMS warehouses (ordered range queries, <see cref="StockReads.SnapshotsAsync"/>) and
/// compares per (warehouse, area, SKU), taking off what the hub booked for movements after the WMS's as-of. Neither
/// side is held in memory: only the SKU being compared. SKUs the merge cannot keep in WMS order (aliased SKUs, SKUs
/// with characters the table keys escape) are set aside, bounded by the alias map, and compared at the end.
/// </summary>
internal sealed class ReconciliationAttempt(
    WmsStockPull pull,
    StockReads stock,
    ReconciliationReporter reporter,
    ReconciliationRunEntity run,
    WmsInstance instance,
    OutboundInstance target,
    IWmsStockDialect dialect,
    ReconciliationRunSettings settings)
{
    private readonly HashSet<string> _aliasTargets = instance.AliasTargets.ToHashSet(StringComparer.Ordinal);
    private DateTimeOffset _asOf;

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

        await reporter.FlushAsync(cancellationToken).ConfigureAwait(false);
        run.OmsFigures = reporter.OmsFigures;
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
        var rows = pull.RowsAsync(target, dialect, facility, settings.Instance.PageSize, run.RunId, OnPage, cancellationToken);
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
                await reporter.UnmappedAsync(row, _asOf, reason, cancellationToken).ConfigureAwait(false);
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
        await foreach (var hubSku in stock.SnapshotsAsync(run.Tenant, warehouse, instance.Id, cancellationToken).ConfigureAwait(false))
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
            IReadOnlyList<StockMovementEntity>? movements = null;
            var inFlight = new Dictionary<string, long>(StringComparer.Ordinal);
            var horizon = asOf - settings.ClockSkew;
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
                await reporter.DifferenceAsync(comparison, asOf, wmsRows.FirstOrDefault(r => r.Warehouse == warehouse && r.Area == area)?.Row, movements, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Newest first: every movement applied after <paramref name="horizon"/>, and at least the last few the report shows.</summary>
    private Task<IReadOnlyList<StockMovementEntity>> MovementsAsync(string warehouse, string sku, DateTimeOffset? horizon, CancellationToken cancellationToken) =>
        stock.MovementsSinceAsync(run.Tenant, warehouse, sku, horizon, settings.Instance.RecentMovements, cancellationToken);

    /// <summary>A WMS row mapped to the OMS's codes, with the as-of of the page it came on.</summary>
    private sealed record MappedRow(WmsStockRow Row, string Sku, string Warehouse, string Area, DateTimeOffset AsOf);
}
