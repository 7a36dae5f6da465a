using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Flows.Stock;

namespace WmsFunctions.Flows.Inventory;

/// <summary>Applies a stored inventory transaction to the stock snapshots and says what to answer and publish.</summary>
public sealed class InventoryTransactionFlow(StockLedger ledger) : IInboundFlow
{
    public string Name => InventoryTransactionHandler.Flow;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<InventoryTransactionCommand>(record.Command, InboundJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for event '{record.EventId}' holds no command.");

        var results = await ledger.ApplyAsync(
            new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, command.Type.Name(), command.ReasonCode),
            command.Changes,
            cancellationToken).ConfigureAwait(false);

        var status = results.All(r => r.Applied) ? "applied" : results.Any(r => r.Applied) ? "partly-superseded" : "superseded";
        var movements = results
            .Select(r => new MovementView(r.Warehouse, r.Sku, r.Quantity, r.OnHandAfter, r.Applied, r.SupersededByCountAt))
            .ToArray();
        var first = results[0];

        var omsEvent = OmsEvent.FromWms(
            record.Tenant,
            record.Instance,
            Name,
            record.EventId,
            command.Type.EventType(),
            $"{first.Warehouse}/{first.Sku}",
            command.OccurredAt,
            record.CorrelationId,
            new InventoryTransactionEvent(
                record.EventId, command.Type.Name(), status, command.OccurredAt, command.ReasonCode, command.Reference, command.Wms, movements, command.VendorId));

        var summary = string.Join("; ", results.Select(r => string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Warehouse}/{r.Sku} {(r.Applied ? $"{r.Quantity:+0;-0;0} -> {r.OnHandAfter}" : $"superseded by count at {r.SupersededByCountAt:O}")}")));

        return new InboundOutcome(
            status,
            202,
            JsonSerializer.Serialize(new InventoryTransactionAnswer(record.EventId, status, movements), InboundJson.Options),
            omsEvent,
            $"{command.Type.Name()}: {summary}");
    }
}
