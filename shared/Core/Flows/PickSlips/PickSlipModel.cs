using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// Where a pick slip stands. The first seven only move forward (their <see cref="PickSlipStates.Rank"/>);
/// <see cref="Shipped"/>, <see cref="Voided"/> and <see cref="Closed"/> are terminal.
/// </summary>
public enum PickSlipState
{
    Generated,
    SentToWms,
    Acknowledged,
    Picked,
    Packed,
    PartiallyShipped,
    Shipped,
    Voided,
    Closed,
}

public static class PickSlipStates
{
    public static int Rank(this PickSlipState state) => (int)state;

    public static bool IsTerminal(this PickSlipState state) => state >= PickSlipState.Shipped;

    /// <summary>As stored and answered: generated, sent-to-wms, ..., partially-shipped, shipped, voided, closed.</summary>
    public static string Name(this PickSlipState state) => StateNames.Of(state);
}

/// <summary>One line of a slip and what became of its quantity. Open = ordered - shipped - voided - backordered.</summary>
public sealed record PickSlipLine(int Line, string Sku, long Ordered, long Shipped = 0, long Voided = 0, long Backordered = 0)
{
    public long Open => Math.Max(0, Ordered - Shipped - Voided - Backordered);
}

/// <summary>A carton as the WMS reported it. Cartons merge by SSCC (or tracking number when there is no SSCC).</summary>
public sealed record PickSlipCarton(
    string? Sscc,
    string? TrackingNumber,
    string? Carrier,
    string? Service,
    decimal? Weight,
    string? WeightUnit,
    decimal? Freight,
    IReadOnlyList<CartonContent> Contents)
{
    public string Key => Sscc ?? TrackingNumber ?? string.Join(",", Contents.Select(c => $"{c.Line}x{c.Quantity}"));
}

public sealed record CartonContent(int Line, long Quantity);

/// <summary>The whole state of one slip: enough to explain it, with its history alongside.</summary>
public sealed record PickSlipSnapshot(
    string Tenant,
    string PickSlipId,
    string OrderId,
    string Instance,
    string Warehouse,
    string ServiceLevel,
    PickSlipState State,
    IReadOnlyList<PickSlipLine> Lines,
    IReadOnlyList<PickSlipCarton> Cartons,
    IReadOnlyList<string> TrackingNumbers,
    DateTimeOffset GeneratedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? AcknowledgeDueAt,
    DateTimeOffset? ShipDueAt,
    bool AcknowledgeEscalated,
    bool ShipEscalated,
    long OmsVersion)
{
    public long Open => Lines.Sum(l => l.Open);

    /// <summary>The next deadline that can still be missed, if any.</summary>
    public (DeadlineKind Kind, DateTimeOffset DueAt)? NextDeadline =>
        State.IsTerminal() ? null
        : State < PickSlipState.Acknowledged && AcknowledgeDueAt is { } ack && !AcknowledgeEscalated ? (DeadlineKind.Acknowledge, ack)
        : ShipDueAt is { } ship && !ShipEscalated ? (DeadlineKind.Ship, ship)
        : null;
}

public enum DeadlineKind
{
    Acknowledge,
    Ship,
}

/// <summary>How long an instance may take, per service level.</summary>
public sealed record PickSlipDeadlines(TimeSpan AcknowledgeWithin, TimeSpan ShipWithin);
