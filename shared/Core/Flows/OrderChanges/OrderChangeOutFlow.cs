using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.OrderChanges;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.order.modified</c> (the lines as they must now be; quantity 0 removes a
/// line) and <c>.order.cancelled</c> (with a reason).
/// </summary>
public sealed record OrderChanged
{
    public string? OrderId { get; init; }

    public long? Version { get; init; }

    /// <summary>The OMS warehouse that ships the order: decides the WMS instance.</summary>
    public string? Warehouse { get; init; }

    public string? ReasonCode { get; init; }

    public IReadOnlyList<OrderLine>? Lines { get; init; }
}

public sealed record OrderLine
{
    public int? LineNumber { get; init; }

    public string? Sku { get; init; }

    public long? Quantity { get; init; }

    public string? UnitOfMeasure { get; init; }

    public int? EachesPerUnit { get; init; }
}

/// <summary>
/// Order changes (OMS -> WMS): a modified or cancelled order goes to the instance serving its warehouse. Once
/// the WMS has batched the order it refuses (hub-json: a 409 problem of type ...order-batched; generic-xml:
/// &lt;Error code="ORDER_BATCHED"/&gt;): the change is then a failed sync for a person, recorded once, and not
/// retried.
/// </summary>
public sealed class OrderChangeOutFlow(OutboundDispatcher dispatcher) : OutboundFlow<OrderChanged>(dispatcher)
{
    public const string Name = "order-changes";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<OrderChangeOutFlow, WmsOrderChange>(
        Name, "OrderChangeOut", "oms-order-changes", "order", ["order.modified", "order.cancelled"], ["modify", "cancel"],
        "Order modified or cancelled. Answer 409 with a problem of type ...order-batched when the order is already batched.");

    public override OutboundFlowDefinition Definition => Registration;

    public const int MaxLines = 999;

    public override IReadOnlyDictionary<string, string[]> Validate(string type, OrderChanged order)
    {
        var errors = new FieldErrors();
        errors.Code("orderId", order.OrderId);
        errors.Version(order.Version);
        errors.Code("warehouse", order.Warehouse);
        var cancelled = type == "order.cancelled";
        errors.Code("reasonCode", order.ReasonCode, required: cancelled);
        errors.Lines("lines", order.Lines, MaxLines, required: !cancelled);
        var lines = order.Lines ?? [];
        errors.LineNumbers("lines", lines, l => l.LineNumber);
        for (var i = 0; i < lines.Count; i++)
        {
            var prefix = $"lines[{i}].";
            errors.Code(prefix + "sku", lines[i].Sku);
            errors.Quantity(prefix + "quantity", lines[i].Quantity, allowZero: true);
            errors.Unit(prefix, lines[i].UnitOfMeasure, lines[i].EachesPerUnit);
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, OrderChanged order) =>
        new(order.OrderId!, order.Version!.Value, type == "order.cancelled" ? "cancel" : "modify", [order.Warehouse!]);

    public override WmsDocument Map(OutboundEntity entity, OrderChanged order, OutboundInstance instance)
    {
        var codes = instance.Codes;
        return new WmsOrderChange(
            order.OrderId!,
            codes.Warehouse(order.Warehouse!),
            codes.OptionalReason(order.ReasonCode),
            entity.Action == "cancel"
                ? []
                : order.Lines!.OrderBy(l => l.LineNumber).Select(l =>
                {
                    var quantity = codes.Quantity(l.Quantity!.Value, l.UnitOfMeasure!, l.EachesPerUnit);
                    return new WmsOrderLine(l.LineNumber!.Value, codes.Sku(l.Sku!), quantity.Quantity, quantity.Unit);
                }).ToArray());
    }
}
