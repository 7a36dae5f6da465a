using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.ReturnReceipts;

/// <summary>
/// The return receipt flow (WMS -> OMS): validate, map every line's codes, decide where each line's goods are
/// booked, then hand the command to the inbound pipeline. restock: sellable stock at the line's location, which
/// must be one of the instance's; damaged and quarantine: the instance's location for that disposition, never
/// sellable, or nowhere (only reported) when it has none. The hub keeps no copy of return authorizations: the RA
/// id travels to the OMS, which matches it and refunds.
/// </summary>
public sealed class ReturnReceiptHandler(ItemCatalog items, InboundEventProcessor processor, TimeProvider time)
{
    public const string Flow = "returns";

    public const int MaxLines = 100;

    public async Task<InboundResult> HandleAsync(InboundRequest request, CancellationToken cancellationToken)
    {
        if (!InboundJson.TryParse<ReturnReceiptRequest>(request.Body, out var receipt, out var malformed))
        {
            return InboundResult.Refused(malformed!);
        }

        var instance = request.Instance;
        var errors = Validate(receipt, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return InboundResult.Refused(Problem.InvalidEvent(errors));
        }

        var lines = new List<ReturnLineCommand>(receipt.Lines!.Count);
        var changes = new List<StockChange>(receipt.Lines.Count);
        foreach (var line in receipt.Lines)
        {
            if (InboundMapping.ResolveLocation(instance, line.Location!, out var location) is { } locationProblem)
            {
                return InboundResult.Refused(locationProblem);
            }

            var (sku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, line.Sku!, cancellationToken).ConfigureAwait(false);
            if (unknownSku is not null)
            {
                return InboundResult.Refused(unknownSku);
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
}
