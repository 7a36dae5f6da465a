using System.Globalization;
using System.Text.Json;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Inventory;

/// <summary>
/// The inventory-transaction flow (WMS -> OMS): validate, map the WMS's codes to the OMS's, then hand the
/// command to the inbound pipeline, which de-duplicates, applies it to the stock snapshots and publishes it.
/// Codes: adjust (A) by a signed quantity; transfer (T) between locations; overlay (O), a count of one area as of
/// occurredAt; item-to-item transfer (G), stock of one SKU becoming another; return to vendor (V), stock leaving
/// with its RTV reference; sync (S), the WMS's total on hand in one OMS location as of occurredAt, applied as
/// the difference from the instance's current on hand there (see <see cref="StockChangeKind.Sync"/>).
/// </summary>
public sealed class InventoryTransactionFlow(ItemCatalog items, TimeProvider time, StockLedger ledger) : InboundFlow<InventoryTransactionRequest, InventoryTransactionCommand>
{
    public const string FlowName = "inventory";

    /// <summary>The webhook's contract, for its OpenAPI description (set before Registration, which uses it).</summary>
    public static WebhookContract Contract { get; } = new(
        "Inventory transaction",
        "One stock movement in the warehouse. type: adjust (A) by a signed quantity; transfer (T) to toLocation; overlay (O), the counted " +
        "quantity of one area as of occurredAt; item-transfer (G), stock of sku becoming toSku (at toLocation, default the same); " +
        "return-to-vendor (V), stock leaving with its RTV reference; sync (S), the WMS's total on hand of the SKU in the OMS location of " +
        "`location` as of occurredAt, applied as the difference from the instance's current total there. A movement from before the last " +
        "count of its area (or sync of its location) is 'superseded': already inside that count, it changes nothing.",
        typeof(InventoryTransactionRequest),
        typeof(InventoryTransactionAnswer));

    public static InboundFlowDefinition Registration { get; } = InboundFlowDefinition.For<InventoryTransactionFlow>(
        FlowName, "InventoryTransactions", "inventory-transactions", Contract);

    public override InboundFlowDefinition Definition => Registration;

    protected override async Task<Intake<InventoryTransactionCommand>> IntakeAsync(InventoryTransactionRequest transaction, WmsInstance instance, CancellationToken cancellationToken)
    {
        var errors = Validate(transaction, instance, time.GetUtcNow());
        if (errors.Count > 0)
        {
            return Problem.InvalidEvent(errors);
        }

        var type = InventoryTransactionTypes.Parse(transaction.Type)!.Value;
        var toCode = transaction.ToLocation ?? transaction.Location!;
        if (InboundMapping.ResolveLocation(instance, transaction.Location!, out var from) is { } fromProblem)
        {
            return fromProblem;
        }

        if (InboundMapping.ResolveLocation(instance, toCode, out var to) is { } toProblem)
        {
            return toProblem;
        }

        var (sku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, transaction.Sku!, cancellationToken).ConfigureAwait(false);
        if (unknownSku is not null)
        {
            return unknownSku;
        }

        var toSku = sku;
        if (type == InventoryTransactionType.ItemTransfer)
        {
            (toSku, unknownSku) = await InboundMapping.ResolveSkuAsync(items, instance, transaction.ToSku!, cancellationToken).ConfigureAwait(false);
            if (unknownSku is not null)
            {
                return unknownSku;
            }

            if (toSku == sku && to.Warehouse == from.Warehouse && to.Area == from.Area)
            {
                return Problem.InvalidEvent(new Dictionary<string, string[]>
                {
                    ["toSku"] = [$"'{transaction.ToSku}' is the same OMS SKU ({sku}) in the same location: nothing would change."],
                });
            }
        }

        var quantity = transaction.Quantity!.Value;
        IReadOnlyList<StockChange> changes = type switch
        {
            InventoryTransactionType.Adjust => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Adjust, quantity)],
            InventoryTransactionType.Transfer or InventoryTransactionType.ItemTransfer =>
            [
                new(from.Warehouse!, from.Area!, sku, StockChangeKind.Adjust, -quantity),
                new(to.Warehouse!, to.Area!, toSku, StockChangeKind.Adjust, quantity),
            ],
            InventoryTransactionType.ReturnToVendor => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Adjust, -quantity)],
            InventoryTransactionType.Sync => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Sync, quantity)],
            _ => [new(from.Warehouse!, from.Area!, sku, StockChangeKind.Count, quantity)],
        };

        var command = new InventoryTransactionCommand(
            type,
            transaction.OccurredAt!.Value,
            transaction.ReasonCode,
            transaction.Reference,
            new WmsCodes(transaction.Sku!, transaction.Location!, transaction.ToLocation, transaction.ToSku),
            changes,
            transaction.VendorId);

        return Intake.Accepted(transaction.EventId!, command);
    }

    internal static Dictionary<string, string[]> Validate(InventoryTransactionRequest transaction, WmsInstance instance, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [message];

        InboundFields.EventId(errors, transaction.EventId);

        var type = InventoryTransactionTypes.Parse(transaction.Type);
        if (type is null)
        {
            Fail("type", "Required: one of adjust (A), transfer (T), overlay (O), item-transfer (G), return-to-vendor (V), sync (S).");
        }

        InboundFields.OccurredAt(errors, transaction.OccurredAt, now, "when the movement happened in the warehouse");

        if (!Codes.IsValid(transaction.Sku))
        {
            Fail("sku", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        if (!Codes.IsValid(transaction.Location))
        {
            Fail("location", $"Required: 1 to {Codes.MaxLength} characters.");
        }

        switch (type)
        {
            case InventoryTransactionType.Transfer when !Codes.IsValid(transaction.ToLocation):
                Fail("toLocation", "Required for a transfer.");
                break;
            case InventoryTransactionType.Transfer when string.Equals(transaction.ToLocation, transaction.Location, StringComparison.OrdinalIgnoreCase):
                Fail("toLocation", "A transfer must move stock to another location.");
                break;
            case InventoryTransactionType.ItemTransfer when transaction.ToLocation is not null && !Codes.IsValid(transaction.ToLocation):
                Fail("toLocation", $"1 to {Codes.MaxLength} characters, or left out for the same location.");
                break;
            case not (InventoryTransactionType.Transfer or InventoryTransactionType.ItemTransfer) when transaction.ToLocation is not null:
                Fail("toLocation", "Only a transfer or an item-to-item transfer has a destination.");
                break;
        }

        if (type == InventoryTransactionType.ItemTransfer)
        {
            if (!Codes.IsValid(transaction.ToSku))
            {
                Fail("toSku", "Required for an item-to-item transfer: the SKU the stock becomes.");
            }
            else if (string.Equals(transaction.ToSku, transaction.Sku, StringComparison.Ordinal) && transaction.ToLocation is null)
            {
                Fail("toSku", "An item-to-item transfer must change the SKU.");
            }
        }
        else if (transaction.ToSku is not null)
        {
            Fail("toSku", "Only an item-to-item transfer has a target SKU.");
        }

        if (type == InventoryTransactionType.ReturnToVendor)
        {
            if (string.IsNullOrWhiteSpace(transaction.Reference))
            {
                Fail("reference", "Required for a return to vendor: the RTV reference.");
            }

            if (transaction.VendorId is not null && !Codes.IsValid(transaction.VendorId))
            {
                Fail("vendorId", $"1 to {Codes.MaxLength} characters.");
            }
        }
        else if (transaction.VendorId is not null)
        {
            Fail("vendorId", "Only a return to vendor names a vendor.");
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
                case InventoryTransactionType.Transfer or InventoryTransactionType.ItemTransfer or InventoryTransactionType.ReturnToVendor when quantity <= 0:
                    Fail("quantity", "A transfer or return to vendor moves a positive quantity.");
                    break;
                case InventoryTransactionType.Overlay or InventoryTransactionType.Sync when quantity < 0:
                    Fail("quantity", "A count cannot be negative.");
                    break;
            }
        }

        if (transaction.ReasonCode is not null && !Codes.IsValid(transaction.ReasonCode))
        {
            Fail("reasonCode", $"At most {Codes.MaxLength} characters.");
        }

        if (transaction.Reference is { Length: > 256 } && !errors.ContainsKey("reference"))
        {
            Fail("reference", "At most 256 characters.");
        }

        return errors;
    }

    protected override async Task<InboundOutcome> ApplyAsync(InboxEntity record, InventoryTransactionCommand command, CancellationToken cancellationToken)
    {
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
            JsonSerializer.Serialize(new InventoryTransactionAnswer(record.EventId, status, movements), ContractJson.Options),
            omsEvent,
            $"{command.Type.Name()}: {summary}");
    }
}
