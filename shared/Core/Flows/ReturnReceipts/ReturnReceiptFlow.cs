using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.ReturnReceipts;

/// <summary>
/// The return receipt flow (WMS -> OMS): validate, map every line's codes, decide where each line's goods are
/// booked, then hand the command to the inbound pipeline. restock: sellable stock at the line's location, which
/// must be one of the instance's; damaged and quarantine: the instance's location for that disposition, never
/// sellable, or nowhere (only reported) when it has none. The hub keeps no copy of return authorizations: the RA
/// id travels to the OMS, which matches it and refunds.
/// </summary>
public sealed class ReturnReceiptFlow(ItemCatalog items, TimeProvider time, StockLedger ledger) : InboundFlow<ReturnReceiptRequest, ReturnReceiptCommand>
{
    public const string FlowName = "returns";

    /// <summary>The webhook's contract, for its OpenAPI description (set before Registration, which uses it).</summary>
    public static WebhookContract Contract { get; } = new(
        "Return receipt",
        "Returned goods scanned back in under a return authorization, 1 to 100 lines. restock: back to sellable stock at the line's " +
        "location; damaged or quarantine: to the instance's location for that disposition (never sellable), or only reported when it " +
        "has none. The OMS gets every line's outcome (return.received) and refunds.",
        typeof(ReturnReceiptRequest),
        typeof(ReturnReceiptAnswer));

    public static InboundFlowDefinition Registration { get; } = InboundFlowDefinition.For<ReturnReceiptFlow>(
        FlowName, "ReturnReceipts", "return-receipts", Contract);

    public override InboundFlowDefinition Definition => Registration;

    public const int MaxLines = 100;

    protected override async Task<Intake<ReturnReceiptCommand>> IntakeAsync(ReturnReceiptRequest receipt, WmsInstance instance, CancellationToken cancellationToken)
    {
        var errors = Validate(receipt, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problem.InvalidEvent(errors);
        }

        var lines = new List<ReturnLineCommand>(receipt.Lines!.Count);
        var changes = new List<StockChange>(receipt.Lines.Count);
        foreach (var line in receipt.Lines)
        {
            if (InboundMapping.ResolveLocation(instance, line.Location!, out var location) is { } locationProblem)
            {
                return locationProblem;
            }

            var (sku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, line.Sku!, cancellationToken).ConfigureAwait(false);
            if (unknownSku is not null)
            {
                return unknownSku;
            }

            var disposition = StockDispositions.Parse(line.Disposition)!.Value;
            var bookedAt = disposition == StockDisposition.Restock ? location : instance.ResolveDisposition(disposition);
            int? changeIndex = null;
            if (bookedAt is { } booked)
            {
                changeIndex = changes.Count;
                changes.Add(new StockChange(booked.Warehouse!, booked.Area!, sku, StockChangeKind.Adjust, line.Quantity!.Value));
            }

            lines.Add(new ReturnLineCommand(sku, line.Sku!, line.Location!, line.Quantity!.Value, disposition, line.ReasonCode, changeIndex));
        }

        var command = new ReturnReceiptCommand(receipt.OccurredAt!.Value, receipt.ReturnAuthorization!, receipt.OrderNumber, lines, changes);
        return Intake.Accepted(receipt.EventId!, command);
    }

    internal static Dictionary<string, string[]> Validate(ReturnReceiptRequest receipt, WmsInstance instance, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        InboundFields.EventId(errors, receipt.EventId);

        InboundFields.OccurredAt(errors, receipt.OccurredAt, now, "when the goods were scanned back in");

        if (!Codes.IsValid(receipt.ReturnAuthorization))
        {
            Fail("returnAuthorization", $"Required: the OMS return authorization, 1 to {Codes.MaxLength} characters.");
        }

        if (receipt.OrderNumber is not null && !Codes.IsValid(receipt.OrderNumber))
        {
            Fail("orderNumber", $"1 to {Codes.MaxLength} characters.");
        }

        if (receipt.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            Fail("lines", $"Required: 1 to {MaxLines} returned lines.");
            return errors;
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"lines[{i}]");
            if (line is null)
            {
                Fail(at, "A line must be an object.");
                continue;
            }

            if (!Codes.IsValid(line.Sku))
            {
                Fail(at + ".sku", $"Required: 1 to {Codes.MaxLength} characters.");
            }

            if (line.Quantity is not { } quantity || quantity < 1 || quantity > instance.MaxQuantity)
            {
                Fail(at + ".quantity", $"Required: 1 to {instance.MaxQuantity}.");
            }

            if (StockDispositions.Parse(line.Disposition) is null)
            {
                Fail(at + ".disposition", "Required: one of restock (R), damaged (D), quarantine (Q).");
            }

            if (!Codes.IsValid(line.Location))
            {
                Fail(at + ".location", $"Required: 1 to {Codes.MaxLength} characters.");
            }

            if (line.ReasonCode is not null && !Codes.IsValid(line.ReasonCode))
            {
                Fail(at + ".reasonCode", $"At most {Codes.MaxLength} characters.");
            }
        }

        return errors;
    }

    protected override async Task<InboundOutcome> ApplyAsync(InboxEntity record, ReturnReceiptCommand command, CancellationToken cancellationToken)
    {
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
            JsonSerializer.Serialize(new ReturnReceiptAnswer(record.EventId, status, command.ReturnAuthorization, lines, totals), ContractJson.Options),
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
