using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Delivery;
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
public sealed class PurchaseOrderReceiptHandler(ItemCatalog items, PurchaseOrderStore purchaseOrders, InboundEventProcessor processor, TimeProvider time)
{
    public const string Flow = "po-receipts";

    public const int MaxLineNumber = 999_999;

    public async Task<InboundResult> HandleAsync(InboundRequest request, CancellationToken cancellationToken)
    {
        if (!InboundJson.TryParse<PurchaseOrderReceiptRequest>(request.Body, out var receipt, out var malformed))
        {
            return InboundResult.Refused(malformed!);
        }

        var instance = request.Instance;
        var errors = Validate(receipt, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return InboundResult.Refused(Problem.InvalidEvent(errors));
        }

        if (InboundMapping.ResolveLocation(instance, receipt.Location!, out var location) is { } locationProblem)
        {
            return InboundResult.Refused(locationProblem);
        }

        var (sku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, receipt.Sku!, cancellationToken).ConfigureAwait(false);
        if (unknownSku is not null)
        {
            return InboundResult.Refused(unknownSku);
        }

        var (header, line) = await purchaseOrders.FindLineAsync(instance.Tenant, receipt.PoNumber!, receipt.LineNumber!.Value, cancellationToken).ConfigureAwait(false);
        if (header is null)
        {
            return InboundResult.Refused(Problem.UnknownPurchaseOrder(receipt.PoNumber!));
        }

        if (header.Warehouse.Length > 0 && !instance.Warehouses.Contains(header.Warehouse, StringComparer.OrdinalIgnoreCase))
        {
            return InboundResult.Refused(Problem.PurchaseOrderNotAllowed(receipt.PoNumber!, instance.Id));
        }

        if (line is null)
        {
            return InboundResult.Refused(Problem.UnknownPurchaseOrderLine(receipt.PoNumber!, receipt.LineNumber.Value));
        }

        if (!string.Equals(line.Sku, sku, StringComparison.Ordinal))
        {
            return InboundResult.Refused(Problem.SkuNotOnPurchaseOrderLine(receipt.Sku!, sku, receipt.LineNumber.Value, receipt.PoNumber!));
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

        return await processor.AcceptAsync(
            new InboundEvent(
                instance.Tenant,
                instance.Id,
                Flow,
                receipt.EventId!,
                InboundJson.Hash(receipt),
                JsonSerializer.Serialize(command, InboundJson.Options),
                request.CorrelationId),
            cancellationToken).ConfigureAwait(false);
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
}
