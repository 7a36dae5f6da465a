using System.Text.Json;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// Corrects a flagged difference of a trusted WMS: the WMS's figure, plus what the hub booked after the WMS's as-of, is
/// booked as a count of the area through the inbound pipeline (<see cref="ReconciliationCorrectionFlow"/>), so it is
/// audited and sent to the OMS like any WMS event. The event id is made of the run, warehouse, area and SKU: a run
/// that is retried (a new attempt) finds its earlier corrections applied and never books one twice.
/// </summary>
public sealed class ReconciliationCorrections(EventPipeline pipeline)
{
    /// <summary>Books the correction of one difference; answers its event id and whether it changed the hub's stock.</summary>
    public async Task<(string EventId, bool Applied)> CorrectAsync(
        ReconciliationRunEntity run, AreaComparison comparison, DateTimeOffset asOf, CancellationToken cancellationToken)
    {
        var eventId = ReconciliationCorrectionFlow.EventId(run.RunId, comparison.Warehouse, comparison.Area, comparison.Sku);
        var correction = new ReconciliationCorrection(
            run.RunId, comparison.Warehouse, comparison.Area, comparison.Sku, asOf, comparison.WmsOnHand ?? 0, comparison.HubOnHand ?? 0,
            comparison.InFlight, (comparison.WmsOnHand ?? 0) + comparison.InFlight);
        var result = await pipeline.AcceptAsync(
            new InboundEvent(run.Tenant, run.Instance, ReconciliationCorrectionFlow.FlowName, eventId, ReconciliationCorrectionFlow.RequestHash(eventId),
                JsonSerializer.Serialize(correction, ContractJson.Options), run.RunId),
            cancellationToken).ConfigureAwait(false);
        var applied = result.Problem is null && result.Body is { } body && JsonSerializer.Deserialize<InventoryReconciled>(body, ContractJson.Options)?.Applied == true;
        return (eventId, applied);
    }
}
