using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Stock;

namespace WmsFunctions.Flows.PurchaseOrderReceipts;

/// <summary>
/// Applies a stored PO receipt: counts it into the line's totals (exactly once, <see cref="ReceiptLedger"/>), books
/// its stock (exactly once, <see cref="StockLedger"/>), and says what to answer, publish and audit, flags included.
/// Both stores keep the outcome of the first application, so a re-run after a crash answers the same.
/// </summary>
public sealed class PurchaseOrderReceiptFlow(ReceiptLedger receipts, StockLedger ledger) : IInboundFlow
{
    public string Name => PurchaseOrderReceiptHandler.Flow;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<PurchaseOrderReceiptCommand>(record.Command, InboundJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for event '{record.EventId}' holds no command.");

        var totals = await receipts.CountAsync(
            record.Tenant, record.Instance, record.EventId, command.PoNumber, command.LineNumber, command.Quantity, command.DamagedQuantity, cancellationToken).ConfigureAwait(false);
        var results = await ledger.ApplyAsync(
            new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, "po-receipt", null),
            command.Changes,
            cancellationToken).ConfigureAwait(false);

        var overReceived = Math.Max(0, totals.ReceivedAfter - command.ExpectedQuantity);
        var flags = new List<string>(2);
        if (overReceived > 0)
        {
            flags.Add(ReceiptFlags.OverReceipt);
        }

        if (command.LineCancelled)
        {
            flags.Add(ReceiptFlags.CancelledLine);
        }

        var lineStatus = command.LineCancelled ? ReceiptLineStatus.Cancelled
            : overReceived > 0 ? ReceiptLineStatus.OverReceived
            : totals.ReceivedAfter == command.ExpectedQuantity ? ReceiptLineStatus.Complete
            : ReceiptLineStatus.Partial;
        var line = new ReceiptLineView(
            command.PoNumber, command.LineNumber, command.Sku, command.ExpectedQuantity, command.Quantity, command.DamagedQuantity,
            totals.ReceivedBefore, totals.ReceivedAfter, totals.DamagedAfter, overReceived, lineStatus, command.DamagedWarehouse);
        var movements = results
            .Select(r => new MovementView(r.Warehouse, r.Sku, r.Quantity, r.OnHandAfter, r.Applied, r.SupersededByCountAt))
            .ToArray();
        var status = flags.Count > 0 ? "flagged" : "applied";

        var omsEvent = OmsEvent.FromWms(
            record.Tenant,
            record.Instance,
            Name,
            record.EventId,
            "purchase-order.received",
            $"{command.PoNumber}/{command.LineNumber.ToString(CultureInfo.InvariantCulture)}",
            command.OccurredAt,
            record.CorrelationId,
            new PurchaseOrderReceivedEvent(record.EventId, status, flags, command.OccurredAt, command.Reference, line, movements, command.Wms));

        return new InboundOutcome(
            status,
            202,
            JsonSerializer.Serialize(new PurchaseOrderReceiptAnswer(record.EventId, status, flags, line, movements), InboundJson.Options),
            omsEvent,
            Summary(line, flags, results));
    }

    private static string Summary(ReceiptLineView line, List<string> flags, IReadOnlyList<StockChangeResult> results)
    {
        var damaged = line.DamagedQuantity == 0 ? ""
            : line.DamagedWarehouse is null ? $", {line.DamagedQuantity} damaged (reported, not stocked)"
            : $", {line.DamagedQuantity} damaged (to {line.DamagedWarehouse})";
        var flagged = flags.Count == 0 ? "" : $"; FLAGGED {string.Join(", ", flags)}{(line.OverReceived > 0 ? $" (+{line.OverReceived} over)" : "")}";
        var stock = string.Join("; ", results.Select(r => r.Applied
            ? $"{r.Warehouse}/{r.Sku} {r.Quantity:+0;-0;0} -> {r.OnHandAfter}"
            : $"{r.Warehouse}/{r.Sku} superseded by count at {r.SupersededByCountAt:O}"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"PO {line.PoNumber}/{line.LineNumber} {line.Sku}: {line.Quantity} good{damaged}; {line.ReceivedTotal} of {line.ExpectedQuantity} received ({line.LineStatus}){flagged}; {stock}");
    }
}
