using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.PurchaseOrderReceipts;

/// <summary>
/// The PO receipt flow (WMS -> OMS): validate, map the WMS's codes, check the line against the hub's copy of the
/// purchase order, then hand the command to the inbound pipeline. Refused: a PO or line the hub does not know
/// (422), a SKU that is not the line's (422), a PO expected at a location of another WMS instance (403).
/// Accepted and flagged: a receipt on a cancelled line or PO, and an over-receipt (decided when it is counted).
/// Good units go to sellable stock at the location; damaged units count as received and are booked to the
/// instance's "damaged" disposition location, or only reported when it has none.
/// </summary>
public sealed class PurchaseOrderReceiptFlow(ItemCatalog items, PurchaseOrderStore purchaseOrders, ReceiptLedger receipts, TimeProvider time, StockLedger ledger) : InboundFlow<PurchaseOrderReceiptRequest, PurchaseOrderReceiptCommand>
{
    public const string FlowName = "po-receipts";

    /// <summary>The webhook's contract, for its OpenAPI description (set before Registration, which uses it).</summary>
    public static WebhookContract Contract { get; } = new(
        "Purchase order receipt",
        "Receipt of one PO line into one location (several locations are several receipts). Good units go to sellable stock at the " +
        "location; damaged units count as received and go to the instance's damaged location, or are only reported when it has none. " +
        "Each receipt is counted once into the line's total: line.lineStatus is partial, complete, over-received or cancelled. An " +
        "over-receipt or a receipt on a cancelled line or PO is accepted with status 'flagged' and named in flags. Refused: a PO or line " +
        "the hub does not know or another SKU than the line's (422), a PO expected at a location of another instance (403).",
        typeof(PurchaseOrderReceiptRequest),
        typeof(PurchaseOrderReceiptAnswer));

    public static InboundFlowDefinition Registration { get; } = InboundFlowDefinition.For<PurchaseOrderReceiptFlow>(
        FlowName, "PurchaseOrderReceipts", "po-receipts", Contract);

    public override InboundFlowDefinition Definition => Registration;

    public const int MaxLineNumber = 999_999;

    protected override async Task<Intake<PurchaseOrderReceiptCommand>> IntakeAsync(PurchaseOrderReceiptRequest receipt, WmsInstance instance, CancellationToken cancellationToken)
    {
        var errors = Validate(receipt, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problem.InvalidEvent(errors);
        }

        if (InboundMapping.ResolveLocation(instance, receipt.Location!, out var location) is { } locationProblem)
        {
            return locationProblem;
        }

        var (sku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, receipt.Sku!, cancellationToken).ConfigureAwait(false);
        if (unknownSku is not null)
        {
            return unknownSku;
        }

        var (header, line) = await purchaseOrders.FindLineAsync(instance.Tenant, receipt.PoNumber!, receipt.LineNumber!.Value, cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return Problem.UnknownPurchaseOrder(receipt.PoNumber!);
        }

        if (header.Warehouse.Length > 0 && !instance.Warehouses.Contains(header.Warehouse, StringComparer.OrdinalIgnoreCase))
        {
            return Problem.PurchaseOrderNotAllowed(receipt.PoNumber!, instance.Id);
        }

        if (line is null)
        {
            return Problem.UnknownPurchaseOrderLine(receipt.PoNumber!, receipt.LineNumber.Value);
        }

        if (!string.Equals(line.Sku, sku, StringComparison.Ordinal))
        {
            return Problem.SkuNotOnPurchaseOrderLine(receipt.Sku!, sku, receipt.LineNumber.Value, receipt.PoNumber!);
        }

        var quantity = receipt.Quantity!.Value;
        var damaged = receipt.DamagedQuantity ?? 0;
        var damagedAt = damaged > 0 ? instance.ResolveDisposition(StockDisposition.Damaged) : null;
        var changes = new List<StockChange>(2);
        if (quantity > 0)
        {
            changes.Add(new StockChange(location.Warehouse!, location.Area!, sku, StockChangeKind.Adjust, quantity));
        }

        if (damagedAt is { } booked)
        {
            changes.Add(new StockChange(booked.Warehouse!, booked.Area!, sku, StockChangeKind.Adjust, damaged));
        }

        var command = new PurchaseOrderReceiptCommand(
            receipt.OccurredAt!.Value,
            receipt.PoNumber!,
            receipt.LineNumber.Value,
            sku,
            line.ExpectedQuantity,
            line.Status == PurchaseOrderStatus.Cancelled || header.Status == PurchaseOrderStatus.Cancelled,
            quantity,
            damaged,
            damagedAt?.Warehouse,
            receipt.Reference,
            new ReceiptWmsCodes(receipt.Sku!, receipt.Location!),
            changes);

        return Intake.Accepted(receipt.EventId!, command);
    }

    internal static Dictionary<string, string[]> Validate(PurchaseOrderReceiptRequest receipt, WmsInstance instance, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        InboundFields.EventId(errors, receipt.EventId);

        InboundFields.OccurredAt(errors, receipt.OccurredAt, now, "when the goods were received");

        if (!Codes.IsValid(receipt.PoNumber))
        {
            Fail("poNumber", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (receipt.LineNumber is not (>= 1 and <= MaxLineNumber))
        {
            Fail("lineNumber", $"Required: the PO line, 1 to {MaxLineNumber}.");
        }

        if (!Codes.IsValid(receipt.Sku))
        {
            Fail("sku", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (!Codes.IsValid(receipt.Location))
        {
            Fail("location", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (receipt.Quantity is not { } quantity || quantity < 0 || quantity > instance.MaxQuantity)
        {
            Fail("quantity", $"Required: the good units received, 0 to {instance.MaxQuantity}.");
        }

        if (receipt.DamagedQuantity is < 0 || receipt.DamagedQuantity > instance.MaxQuantity)
        {
            Fail("damagedQuantity", $"The damaged units received, 0 to {instance.MaxQuantity}.");
        }

        if (receipt.Quantity is 0 && receipt.DamagedQuantity is null or 0)
        {
            Fail("quantity", "A receipt of nothing changes nothing: quantity or damagedQuantity must be positive.");
        }

        if (receipt.Reference is { Length: > 256 })
        {
            Fail("reference", "At most 256 characters.");
        }

        return errors;
    }

    protected override async Task<InboundOutcome> ApplyAsync(InboxEntity record, PurchaseOrderReceiptCommand command, CancellationToken cancellationToken)
    {
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
            totals.ReceivedBefore, totals.ReceivedAfter, totals.DamagedAfter, overReceived, lineStatus.Name(), command.DamagedWarehouse);
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
            JsonSerializer.Serialize(new PurchaseOrderReceiptAnswer(record.EventId, status, flags, line, movements), ContractJson.Options),
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
