using WmsFunctions.Flows.Stock;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// What a WMS reports about a pick slip (pick in), in the hub's JSON contract: progress (acknowledged, picked,
/// packed), a shipment confirmation (full or partial, with cartons and tracking), a void (unreserve or keep
/// the reservation) or a partial backorder with a reason code.
/// </summary>
public sealed record PickConfirmationRequest
{
    public string? EventId { get; init; }

    /// <summary>acknowledged, picked, packed, shipped, voided or backordered.</summary>
    public string? Type { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }

    public string? PickSlipId { get; init; }

    /// <summary>shipped and backordered: the quantity per slip line; voided: the lines voided (none = the whole slip).</summary>
    public IReadOnlyList<PickConfirmationLine>? Lines { get; init; }

    public IReadOnlyList<PickConfirmationCarton>? Cartons { get; init; }

    /// <summary>voided: true to release the OMS reservation, false to keep it.</summary>
    public bool? Unreserve { get; init; }

    public string? ReasonCode { get; init; }
}

public sealed record PickConfirmationLine
{
    public int? Line { get; init; }

    public long? Quantity { get; init; }

    /// <summary>shipped: the WMS location or area the goods left from (optional when the instance has one area for the slip's warehouse).</summary>
    public string? Location { get; init; }
}

public sealed record PickConfirmationCarton
{
    /// <summary>SSCC-18 (GS1 check digit validated), when the WMS labels cartons with one.</summary>
    public string? Sscc { get; init; }

    public string? TrackingNumber { get; init; }

    public string? Carrier { get; init; }

    public string? Service { get; init; }

    public decimal? Weight { get; init; }

    public string? WeightUnit { get; init; }

    public decimal? Freight { get; init; }

    public IReadOnlyList<PickConfirmationCartonContent>? Contents { get; init; }
}

public sealed record PickConfirmationCartonContent
{
    public int? Line { get; init; }

    public long? Quantity { get; init; }
}

public enum PickConfirmationType
{
    Acknowledged,
    Picked,
    Packed,
    Shipped,
    Voided,
    Backordered,
}

/// <summary>The validated, mapped confirmation as the inbox stores it.</summary>
public sealed record PickConfirmationCommand(
    PickConfirmationType Type,
    DateTimeOffset OccurredAt,
    string PickSlipId,
    string ServiceLevel,
    IReadOnlyList<LineQuantity> Lines,
    IReadOnlyList<PickSlipCarton> Cartons,
    bool Unreserve,
    string? ReasonCode,
    IReadOnlyList<StockChange> StockChanges)
{
    public PickSlipCommand ToSlipCommand() => Type switch
    {
        PickConfirmationType.Acknowledged => new WmsProgress(PickSlipState.Acknowledged),
        PickConfirmationType.Picked => new WmsProgress(PickSlipState.Picked),
        PickConfirmationType.Packed => new WmsProgress(PickSlipState.Packed),
        PickConfirmationType.Shipped => new ShipmentConfirmed(Lines, Cartons),
        PickConfirmationType.Voided => new VoidedByWms(Unreserve, Lines.Count == 0 ? null : Lines.Select(l => l.Line).ToArray(), ReasonCode),
        _ => new LinesBackordered(Lines, ReasonCode ?? ""),
    };
}

/// <summary>The answer to the WMS.</summary>
public sealed record PickConfirmationAnswer(string EventId, string PickSlipId, string Outcome, string State, string Summary, string? FlagReason);
