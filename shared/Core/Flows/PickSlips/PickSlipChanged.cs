using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.pick-slip.generated</c> (new, or a reprint with <see cref="Reprint"/>
/// true and a higher version) and <c>.pick-slip.voided</c>. A generated slip carries ship-to, carrier, service
/// and lines; a backordered line is listed but not picked. The ship-to is personal data: it goes to the WMS
/// and to the pick-slip orchestration, never into logs or the audit.
/// </summary>
public sealed record PickSlipChanged
{
    public string? PickSlipId { get; init; }

    public string? OrderId { get; init; }

    public long? Version { get; init; }

    /// <summary>The OMS warehouse that ships: decides the WMS instance.</summary>
    public string? Warehouse { get; init; }

    public bool? Reprint { get; init; }

    public string? Carrier { get; init; }

    public string? Service { get; init; }

    public ShipTo? ShipTo { get; init; }

    /// <summary>Voided: why (optional).</summary>
    public string? ReasonCode { get; init; }

    public IReadOnlyList<PickSlipChangedLine>? Lines { get; init; }
}

public sealed record ShipTo
{
    public string? Name { get; init; }

    public string? Company { get; init; }

    public PostalAddress? Address { get; init; }

    public string? Phone { get; init; }
}

public sealed record PickSlipChangedLine
{
    public int? LineNumber { get; init; }

    public string? Sku { get; init; }

    public long? Quantity { get; init; }

    public string? UnitOfMeasure { get; init; }

    public int? EachesPerUnit { get; init; }

    /// <summary>Not in stock: printed on the slip, not picked (no pick location).</summary>
    public bool? Backordered { get; init; }
}
