using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PurchaseOrders;

/// <summary>
/// Outbound purchase order (OMS -> WMS): new, changed and cancelled POs go to the instance serving the PO's
/// warehouse, and into the hub's own copy that the PO receipt flow reads.
/// </summary>
public sealed class PurchaseOrderOutFlow(OutboundDispatcher dispatcher, PurchaseOrderStore store) : OutboundFlow<PurchaseOrderChanged>(dispatcher)
{
    public const string Name = "purchase-orders";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<PurchaseOrderOutFlow, WmsPurchaseOrder>(
        Name, "PurchaseOrderOut", "oms-purchase-orders", "purchase-order", ["purchase-order.created", "purchase-order.changed", "purchase-order.cancelled"], ["create", "change", "cancel"],
        "Outbound purchase order: new, changed or cancelled (all lines cancelled).");

    public override OutboundFlowDefinition Definition => Registration;

    public const int MaxLines = 999;

    public override IReadOnlyDictionary<string, string[]> Validate(string type, PurchaseOrderChanged po)
    {
        var errors = new FieldErrors();
        errors.Code("poNumber", po.PoNumber);
        errors.Version(po.Version);
        errors.Code("vendorId", po.VendorId, required: false);
        errors.Code("warehouse", po.Warehouse);
        var cancelled = type.EndsWith(".cancelled", StringComparison.Ordinal);
        errors.Lines("lines", po.Lines, MaxLines, required: !cancelled);
        var lines = po.Lines ?? [];
        errors.LineNumbers("lines", lines, l => l.LineNumber);
        for (var i = 0; i < lines.Count; i++)
        {
            var prefix = $"lines[{i}].";
            errors.Code(prefix + "sku", lines[i].Sku);
            errors.Quantity(prefix + "quantity", lines[i].Quantity);
            errors.Unit(prefix, lines[i].UnitOfMeasure, lines[i].EachesPerUnit);
            if (lines[i].UnitOfMeasure is { } unit && !string.Equals(unit, OutboundCodes.Each, StringComparison.OrdinalIgnoreCase) && lines[i].EachesPerUnit is null)
            {
                errors.Add(prefix + "eachesPerUnit", "Required for a unit other than EA: the receipt compares eaches.");
            }
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, PurchaseOrderChanged po)
    {
        var action = type switch
        {
            "purchase-order.created" => "create",
            "purchase-order.cancelled" => "cancel",
            _ => "change",
        };
        return new OutboundEntity(po.PoNumber!, po.Version!.Value, action, [po.Warehouse!]);
    }

    public override WmsDocument Map(OutboundEntity entity, PurchaseOrderChanged po, OutboundInstance instance)
    {
        var codes = instance.Codes;
        var cancelled = entity.Action == "cancel";
        return new WmsPurchaseOrder(
            po.PoNumber!,
            codes.Warehouse(po.Warehouse!),
            po.VendorId,
            po.ExpectedDate,
            (po.Lines ?? []).OrderBy(l => l.LineNumber).Select(l =>
            {
                var quantity = codes.Quantity(l.Quantity!.Value, l.UnitOfMeasure!, l.EachesPerUnit);
                return new WmsPurchaseOrderLine(l.LineNumber!.Value, codes.Sku(l.Sku!), quantity.Quantity, quantity.Unit, l.ExpectedDate ?? po.ExpectedDate, cancelled || l.Cancelled == true);
            }).ToArray());
    }

    public override Task KeepAsync(OmsMessage message, OutboundEntity entity, PurchaseOrderChanged po, CancellationToken cancellationToken) =>
        store.ApplyAsync(message.Tenant, po, entity.Action == "cancel", cancellationToken);
}
