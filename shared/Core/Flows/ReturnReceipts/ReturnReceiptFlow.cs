using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.ReturnReceipts;

/// <summary>Applies a stored return receipt to the stock snapshots (exactly once) and says what to answer, publish and audit.</summary>
public sealed class ReturnReceiptFlow(StockLedger ledger) : IInboundFlow
{
    public string Name => ReturnReceiptHandler.Flow;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<ReturnReceiptCommand>(record.Command, InboundJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for event '{record.EventId}' holds no command.");

        var results = await ledger.ApplyAsync(
            new StockEventRef(record.Tenant, record.Instance, Name, record.EventId, command.OccurredAt, "return", null),
            command.Changes,
            cancellationToken).ConfigureAwait(false);

        var lines = command.Lines.Select(line => View(line, line.ChangeIndex is { } i ? results[i] : null)).ToArray();
        var totals = new ReturnTotals(
            command.Lines.Where(l => l.Disposition == StockDisposition.Restock).Sum(l => l.Quantity),
            command.Lines.Where(l => l.Disposition == StockDisposition.Damaged).Sum(l => l.Quantity),
            command.Lines.Where(l => l.Disposition == StockDisposition.Quarantine).Sum(l => l.Quantity));
        var status = results.All(r => r.Applied) ? "applied" : results.Any(r => r.Applied) ? "partly-superseded" : "superseded";

        var omsEvent = OmsEvent.FromWms(
            record.Tenant,
            record.Instance,
            Name,
            record.EventId,
            "return.received",
            command.ReturnAuthorization,
            command.OccurredAt,
            record.CorrelationId,
            new ReturnReceivedEvent(record.EventId, status, command.OccurredAt, command.ReturnAuthorization, command.OrderNumber, lines, totals));

        var summary = string.Create(
            CultureInfo.InvariantCulture,
            $"RA {command.ReturnAuthorization}: {totals.Restocked} restocked, {totals.Damaged} damaged, {totals.Quarantined} quarantined; ") +
            string.Join("; ", lines.Select(l => string.Create(
                CultureInfo.InvariantCulture,
                $"{l.Sku} x{l.Quantity} {l.Disposition} {l.Stock}{(l.Warehouse is null ? "" : $" at {l.Warehouse} -> {l.OnHandAfter}")}")));

        return new InboundOutcome(
            status,
            202,
            JsonSerializer.Serialize(new ReturnReceiptAnswer(record.EventId, status, command.ReturnAuthorization, lines, totals), InboundJson.Options),
            omsEvent,
            summary);
    }

    private static ReturnLineView View(ReturnLineCommand line, StockChangeResult? result)
    {
        var stock = result is null ? ReturnLineStock.Reported
            : !result.Applied ? ReturnLineStock.Superseded
            : line.Disposition == StockDisposition.Restock ? ReturnLineStock.Restocked
            : ReturnLineStock.SetAside;
        return new ReturnLineView(line.Sku, line.WmsSku, line.Quantity, line.Disposition.Name(), line.ReasonCode, stock, result?.Warehouse, result?.OnHandAfter);
    }
}
