using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.ReturnAuthorizations;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.return-authorization.created</c> / <c>.changed</c> / <c>.deleted</c>:
/// the whole RA as the OMS now has it (lines may be left out when deleted).
/// </summary>
public sealed record ReturnAuthorizationChanged
{
    public string? RaNumber { get; init; }

    public string? OrderId { get; init; }

    public long? Version { get; init; }

    /// <summary>The OMS warehouse the goods come back to: decides the WMS instance.</summary>
    public string? Warehouse { get; init; }

    public string? ReasonCode { get; init; }

    public IReadOnlyList<ReturnLine>? Lines { get; init; }
}

public sealed record ReturnLine
{
    public int? LineNumber { get; init; }

    public string? Sku { get; init; }

    public long? Quantity { get; init; }

    public string? UnitOfMeasure { get; init; }

    public int? EachesPerUnit { get; init; }

    public string? ReasonCode { get; init; }
}

/// <summary>Outbound return authorization (OMS -> WMS): created, changed and deleted RAs to the receiving warehouse's instance.</summary>
public sealed class ReturnAuthorizationOutFlow(OutboundDispatcher dispatcher) : OutboundFlow<ReturnAuthorizationChanged>(dispatcher)
{
    public const string Name = "return-authorizations";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<ReturnAuthorizationOutFlow, WmsReturnAuthorization>(
        Name, "ReturnAuthorizationOut", "oms-return-authorizations", "return-authorization", ["return-authorization.created", "return-authorization.changed", "return-authorization.deleted"], ["create", "change", "delete"],
        "Return authorization created, changed or deleted.");

    public override OutboundFlowDefinition Definition => Registration;

    public const int MaxLines = 999;

    public override IReadOnlyDictionary<string, string[]> Validate(string type, ReturnAuthorizationChanged ra)
    {
        var errors = new FieldErrors();
        errors.Code("raNumber", ra.RaNumber);
        errors.Code("orderId", ra.OrderId, required: false);
        errors.Version(ra.Version);
        errors.Code("warehouse", ra.Warehouse);
        errors.Code("reasonCode", ra.ReasonCode, required: false);
        var deleted = type == "return-authorization.deleted";
        errors.Lines("lines", ra.Lines, MaxLines, required: !deleted);
        var lines = ra.Lines ?? [];
        errors.LineNumbers("lines", lines, l => l.LineNumber);
        for (var i = 0; i < lines.Count; i++)
        {
            var prefix = $"lines[{i}].";
            errors.Code(prefix + "sku", lines[i].Sku);
            errors.Quantity(prefix + "quantity", lines[i].Quantity);
            errors.Unit(prefix, lines[i].UnitOfMeasure, lines[i].EachesPerUnit);
            errors.Code(prefix + "reasonCode", lines[i].ReasonCode, required: false);
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, ReturnAuthorizationChanged ra)
    {
        var action = type switch
        {
            "return-authorization.created" => "create",
            "return-authorization.deleted" => "delete",
            _ => "change",
        };
        return new OutboundEntity(ra.RaNumber!, ra.Version!.Value, action, [ra.Warehouse!]);
    }

    public override WmsDocument Map(OutboundEntity entity, ReturnAuthorizationChanged ra, OutboundInstance instance)
    {
        var codes = instance.Codes;
        return new WmsReturnAuthorization(
            ra.RaNumber!,
            ra.OrderId,
            codes.Warehouse(ra.Warehouse!),
            codes.OptionalReason(ra.ReasonCode),
            entity.Action == "delete"
                ? []
                : ra.Lines!.OrderBy(l => l.LineNumber).Select(l =>
                {
                    var quantity = codes.Quantity(l.Quantity!.Value, l.UnitOfMeasure!, l.EachesPerUnit);
                    return new WmsReturnLine(l.LineNumber!.Value, codes.Sku(l.Sku!), quantity.Quantity, quantity.Unit, codes.OptionalReason(l.ReasonCode));
                }).ToArray());
    }
}
