using System.Text.Json;
using WmsFunctions.Inbox;
using WmsFunctions.Items;
using WmsFunctions.Problems;
using WmsFunctions.Stock;
using WmsFunctions.Tenancy;

namespace WmsFunctions.Inventory;

/// <summary>
/// The inventory-transaction flow (WMS -> OMS): validate, map the WMS's codes to the OMS's, then hand the
/// command to the inbound pipeline, which de-duplicates, applies it to the stock snapshots and publishes it.
/// </summary>
public sealed class InventoryTransactionHandler(ItemCatalog items, InboundEventProcessor processor, TimeProvider time)
{
    public const string Flow = "inventory";

    /// <summary>How far ahead of the hub's clock an event may claim to have happened (clock skew).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    public async Task<InboundResult> HandleAsync(InboundRequest request, CancellationToken cancellationToken)
    {
        if (!InboundJson.TryParse<InventoryTransactionRequest>(request.Body, out var transaction, out var malformed))
        {
            return InboundResult.Refused(malformed!);
        }

        var errors = Validate(transaction, request.Instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return InboundResult.Refused(Problem.InvalidEvent(errors));
        }

        var type = InventoryTransactionTypes.Parse(transaction.Type)!.Value;
        var from = request.Instance.ResolveLocation(transaction.Location!);
        var to = type == InventoryTransactionType.Transfer ? request.Instance.ResolveLocation(transaction.ToLocation!) : from;
        foreach (var (match, code) in new[] { (from, transaction.Location!), (to, transaction.ToLocation ?? transaction.Location!) })
        {
            switch (match.Kind)
            {
                case LocationMatchKind.NotAllowed:
                    return InboundResult.Refused(Problem.LocationNotAllowed(code, request.Instance.Id));
                case LocationMatchKind.Unknown:
                    return InboundResult.Refused(Problem.UnknownLocation(code, request.Instance.Id));
            }
        }

        var sku = request.Instance.ResolveSku(transaction.Sku!);
        if (!await items.ExistsAsync(request.Instance.Tenant, sku, cancellationToken).ConfigureAwait(false))
        {
            return InboundResult.Refused(Problem.UnknownSku(transaction.Sku!, sku));
        }

        var quantity = transaction.Quantity!.Value;
        IReadOnlyList<StockChange> changes = type switch
        {
            InventoryTransactionType.Adjust => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Adjust, quantity)],
            InventoryTransactionType.Transfer =>
            [
                new(from.Warehouse!, from.Area!, sku, StockChangeKind.Adjust, -quantity),
                new(to.Warehouse!, to.Area!, sku, StockChangeKind.Adjust, quantity),
            ],
            _ => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Count, quantity)],
        };

        var command = new InventoryTransactionCommand(
            type,
            transaction.OccurredAt!.Value,
            transaction.ReasonCode,
            transaction.Reference,
            new WmsCodes(transaction.Sku!, transaction.Location!, transaction.ToLocation),
            changes);

        return await processor.AcceptAsync(
            new InboundEvent(
                request.Instance.Tenant,
                request.Instance.Id,
                Flow,
                transaction.EventId!,
                InboundJson.Hash(transaction),
                JsonSerializer.Serialize(command, InboundJson.Options),
                request.CorrelationId),
            cancellationToken).ConfigureAwait(false);
    }

    internal static Dictionary<string, string[]> Validate(InventoryTransactionRequest transaction, WmsInstance instance, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        if (!Codes.IsValid(transaction.EventId))
        {
            Fail("eventId", $"Required: 1 to {Codes.MaxLength} characters, no surrounding spaces or control characters.");
        }

        var type = InventoryTransactionTypes.Parse(transaction.Type);
        if (type is null)
        {
            Fail("type", "Required: one of adjust (A), transfer (T), overlay (O).");
        }

        if (transaction.OccurredAt is not { } occurredAt)
        {
            Fail("occurredAt", "Required: when the movement happened in the warehouse (RFC 3339 with offset).");
        }
        else if (occurredAt > now + FutureTolerance)
        {
            Fail("occurredAt", $"Lies more than {FutureTolerance.TotalMinutes:0} minutes in the future.");
        }

        if (!Codes.IsValid(transaction.Sku))
        {
            Fail("sku", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (!Codes.IsValid(transaction.Location))
        {
            Fail("location", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (type == InventoryTransactionType.Transfer)
        {
            if (!Codes.IsValid(transaction.ToLocation))
            {
                Fail("toLocation", "Required for a transfer.");
            }
            else if (string.Equals(transaction.ToLocation, transaction.Location, StringComparison.OrdinalIgnoreCase))
            {
                Fail("toLocation", "A transfer must move stock to another location.");
            }
        }
        else if (transaction.ToLocation is not null)
        {
            Fail("toLocation", "Only a transfer has a destination.");
        }

        if (transaction.Quantity is not { } quantity)
        {
            Fail("quantity", "Required: a whole number.");
        }
        else if (Math.Abs(quantity) > instance.MaxQuantity)
        {
            Fail("quantity", $"Must not exceed {instance.MaxQuantity} in size.");
        }
        else
        {
            switch (type)
            {
                case InventoryTransactionType.Adjust when quantity == 0:
                    Fail("quantity", "An adjustment of zero changes nothing.");
                    break;
                case InventoryTransactionType.Transfer when quantity <= 0:
                    Fail("quantity", "A transfer moves a positive quantity.");
                    break;
                case InventoryTransactionType.Overlay when quantity < 0:
                    Fail("quantity", "A count cannot be negative.");
                    break;
            }
        }

        if (transaction.ReasonCode is not null && !Codes.IsValid(transaction.ReasonCode))
        {
            Fail("reasonCode", $"At most {Codes.MaxLength} characters.");
        }

        if (transaction.Reference is { Length: > 256 })
        {
            Fail("reference", "At most 256 characters.");
        }

        return errors;
    }
}
