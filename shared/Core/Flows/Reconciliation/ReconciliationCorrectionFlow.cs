using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>
/// A correction of one area's stock to the WMS's figure, found by a reconciliation run of a trusted WMS.
/// <see cref="CountedQuantity"/> is the WMS's figure carried forward by the movements the hub booked after the WMS's
/// as-of (<see cref="InFlight"/>), booked as a count of the area at <see cref="AsOf"/>: movements from before the as-of
/// that arrive later are inside it (superseded), those after it still apply, and a newer count wins.
/// </summary>
public sealed record ReconciliationCorrection(
    string RunId,
    string Warehouse,
    string Area,
    string Sku,
    DateTimeOffset AsOf,
    long WmsOnHand,
    long HubOnHand,
    long InFlight,
    long CountedQuantity);

/// <summary>What the OMS hears about a correction (CloudEvent com.wmsfunctions.inventory.reconciled).</summary>
public sealed record InventoryReconciled(
    string RunId,
    string Instance,
    string Warehouse,
    string Area,
    string Sku,
    DateTimeOffset AsOf,
    long WmsOnHand,
    long HubOnHandBefore,
    long InFlight,
    long Quantity,
    long OnHandAfter,
    bool Applied);

/// <summary>
/// Applies reconciliation corrections through the same path as every WMS event: the inbox row (keyed by the event id
/// derived from run, SKU and area, so a retried run never applies a correction twice), the stock ledger (one count),
/// and the outbox, whose relay audits it and publishes the CloudEvent to the OMS.
/// </summary>
public sealed class ReconciliationCorrectionFlow(StockLedger ledger) : IInboxFlow
{
    public const string FlowName = "reconciliation";

    public const string ReasonCode = "RECON";

    public string Name => FlowName;

    /// <summary>The correction's event id: the same for every attempt of the run.</summary>
    public static string EventId(string runId, string warehouse, string area, string sku) => $"{runId}/{warehouse}/{area}/{sku}";

    /// <summary>The inbox's request hash is the event's identity alone: a retried run replays the first correction.</summary>
    public static string RequestHash(string eventId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)));

    public static string Source(string tenant, string instance, string runId) => $"/tenants/{tenant}/reconciliation/{instance}/runs/{runId}";

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var correction = JsonSerializer.Deserialize<ReconciliationCorrection>(record.Command, ContractJson.Options)
            ?? throw new InvalidOperationException($"Inbox row {record.EventId} holds no correction.");
        var results = await ledger.ApplyAsync(
            new StockEventRef(record.Tenant, record.Instance, FlowName, record.EventId, correction.AsOf, "reconciliation-overlay", ReasonCode),
            [new StockChange(correction.Warehouse, correction.Area, correction.Sku, StockChangeKind.Count, correction.CountedQuantity)],
            cancellationToken).ConfigureAwait(false);
        var result = results.Single();
        var data = new InventoryReconciled(
            correction.RunId, record.Instance, correction.Warehouse, correction.Area, correction.Sku, correction.AsOf, correction.WmsOnHand,
            correction.HubOnHand, correction.InFlight, result.Quantity, result.OnHandAfter, result.Applied);
        var outcome = result.Applied ? "applied" : "superseded";
        var omsEvent = OmsEvent.Create(
            $"{record.Tenant}/{record.Instance}/{FlowName}/{record.EventId}",
            Source(record.Tenant, record.Instance, correction.RunId),
            "inventory.reconciled",
            $"{correction.Warehouse}/{correction.Sku}",
            correction.AsOf,
            record.Tenant,
            record.CorrelationId,
            data);
        var summary = result.Applied
            ? $"{correction.Warehouse}/{correction.Sku} area {correction.Area}: set to the WMS's {correction.WmsOnHand} (+{correction.InFlight} in flight) by run {correction.RunId}, change {result.Quantity}, on hand {result.OnHandAfter}"
            : $"{correction.Warehouse}/{correction.Sku} area {correction.Area}: a newer count exists, correction of run {correction.RunId} superseded";
        return new InboundOutcome(outcome, 200, JsonSerializer.Serialize(data, ContractJson.Options), omsEvent, summary);
    }
}
