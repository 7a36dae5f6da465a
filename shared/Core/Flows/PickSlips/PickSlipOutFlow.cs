using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// Pick slip out (OMS -> WMS): generated (new or reprint) and voided pick slips go to the instance serving the
/// shipping warehouse; every final outcome is handed to the pick-slip orchestration (<see cref="PickSlipHandedOff"/>).
/// </summary>
public sealed class PickSlipOutFlow(OutboundDispatcher dispatcher, PickSlipHandOff handOff) : OutboundFlow<PickSlipChanged>(dispatcher)
{
    public const string Name = "pick-slips";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<PickSlipOutFlow, WmsPickSlip>(
        Name, "PickSlipOut", "oms-pick-slips", "pick-slip", ["pick-slip.generated", "pick-slip.voided"], ["generate", "reprint", "void"],
        "Pick slip out: generated, reprinted or voided.");

    public override OutboundFlowDefinition Definition => Registration;

    public const int MaxLines = 999;

    public override IReadOnlyDictionary<string, string[]> Validate(string type, PickSlipChanged slip)
    {
        var errors = new FieldErrors();
        errors.Code("pickSlipId", slip.PickSlipId);
        errors.Code("orderId", slip.OrderId);
        errors.Version(slip.Version);
        errors.Code("warehouse", slip.Warehouse);
        if (type == "pick-slip.voided")
        {
            errors.Code("reasonCode", slip.ReasonCode, required: false);
            return errors.Result;
        }

        errors.Code("carrier", slip.Carrier);
        errors.Code("service", slip.Service, required: false);
        if (slip.ShipTo is not { } shipTo)
        {
            errors.Add("shipTo", "Required for a generated pick slip.");
        }
        else
        {
            errors.Text("shipTo.name", shipTo.Name, 128);
            errors.Text("shipTo.company", shipTo.Company, 128, required: false);
            errors.Text("shipTo.phone", shipTo.Phone, 32, required: false);
            if (shipTo.Address is not { } address)
            {
                errors.Add("shipTo.address", "Required.");
            }
            else
            {
                errors.Address("shipTo.address.", address);
            }
        }

        errors.Lines("lines", slip.Lines, MaxLines, required: true);
        var lines = slip.Lines ?? [];
        errors.LineNumbers("lines", lines, l => l.LineNumber);
        for (var i = 0; i < lines.Count; i++)
        {
            var prefix = $"lines[{i}].";
            errors.Code(prefix + "sku", lines[i].Sku);
            errors.Quantity(prefix + "quantity", lines[i].Quantity);
            errors.Unit(prefix, lines[i].UnitOfMeasure, lines[i].EachesPerUnit);
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, PickSlipChanged slip)
    {
        var action = type == "pick-slip.voided" ? "void" : slip.Reprint == true ? "reprint" : "generate";
        return new OutboundEntity(slip.PickSlipId!, slip.Version!.Value, action, [slip.Warehouse!]);
    }

    public override WmsDocument Map(OutboundEntity entity, PickSlipChanged slip, OutboundInstance instance)
    {
        var codes = instance.Codes;
        if (entity.Action == "void")
        {
            return new WmsPickSlip(slip.PickSlipId!, slip.OrderId!, codes.Warehouse(slip.Warehouse!), false, null, null, null, codes.OptionalReason(slip.ReasonCode), []);
        }

        var address = slip.ShipTo!.Address!;
        return new WmsPickSlip(
            slip.PickSlipId!,
            slip.OrderId!,
            codes.Warehouse(slip.Warehouse!),
            entity.Action == "reprint",
            codes.Carrier(slip.Carrier!),
            slip.Service is null ? null : codes.Service(slip.Service),
            new WmsShipTo(slip.ShipTo.Name!, slip.ShipTo.Company, address.Line1!, address.Line2, address.City!, address.Region, address.PostalCode!, address.Country!, slip.ShipTo.Phone),
            null,
            slip.Lines!.OrderBy(l => l.LineNumber).Select(l =>
            {
                var quantity = codes.Quantity(l.Quantity!.Value, l.UnitOfMeasure!, l.EachesPerUnit);
                return new WmsPickLine(l.LineNumber!.Value, codes.Sku(l.Sku!), quantity.Quantity, quantity.Unit, l.Backordered == true);
            }).ToArray());
    }

    /// <summary>The quantity as the WMS received it; the OMS quantity when the line never reached it (a unit that cannot convert).</summary>
    private static long WmsQuantity(OutboundInstance instance, PickSlipChangedLine line)
    {
        try
        {
            return instance.Codes.Quantity(line.Quantity!.Value, line.UnitOfMeasure!, line.EachesPerUnit).Quantity;
        }
        catch (MappingException)
        {
            return line.Quantity!.Value;
        }
    }

    public override Task DeliveredAsync(OutboundOutcome outcome, PickSlipChanged slip, CancellationToken cancellationToken)
    {
        var (message, entity, instance) = (outcome.Message, outcome.Entity, outcome.Instance);
        var address = slip.ShipTo?.Address;
        return handOff.SendAsync(
            new PickSlipHandedOff(
                $"{message.Tenant}/{instance.Id}/{slip.PickSlipId}/{entity.Version}",
                message.Tenant,
                instance.Id,
                slip.PickSlipId!,
                slip.OrderId!,
                entity.Action switch { "void" => "voided", "reprint" => "reprint", _ => "generated" },
                PickSlipHandOff.DeliveryName(outcome.Result),
                outcome.ReasonCode,
                slip.Warehouse!,
                entity.Action == "void" ? null : slip.Carrier,
                entity.Action == "void" ? null : slip.Service,
                address is null || slip.ShipTo is null
                    ? null
                    : new PickSlipShipTo(slip.ShipTo.Name!, slip.ShipTo.Company, address.Line1!, address.Line2, address.City!, address.Region, address.PostalCode!, address.Country!, slip.ShipTo.Phone),
                entity.Action == "void"
                    ? []
                    : (slip.Lines ?? []).OrderBy(l => l.LineNumber).Select(l => new PickSlipHandOffLine(
                        l.LineNumber!.Value, l.Sku!, l.Quantity!.Value, l.UnitOfMeasure!, l.Backordered == true, WmsQuantity(instance, l))).ToArray(),
                message.Id,
                entity.Version,
                message.CorrelationId,
                outcome.At),
            cancellationToken);
    }
}
