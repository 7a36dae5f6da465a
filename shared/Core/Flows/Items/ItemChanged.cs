
namespace WmsFunctions.Flows.Items;

/// <summary>
/// The data of <c>com.wmsfunctions.oms.item.created</c> / <c>.item.changed</c>: the whole item as the OMS now
/// has it (not a delta). An inactive item is still sent, with <see cref="Active"/> false.
/// </summary>
public sealed record ItemChanged
{
    public string? Sku { get; init; }

    /// <summary>Grows with every change of the item; an older version never overwrites a newer one.</summary>
    public long? Version { get; init; }

    public string? Description { get; init; }

    public bool? Active { get; init; }

    /// <summary>The unit one item is counted in; EA (each) when left out.</summary>
    public string? UnitOfMeasure { get; init; }

    /// <summary>GTIN-8, UPC-A (GTIN-12), EAN-13 or GTIN-14 barcodes of the single item; check digits are verified.</summary>
    public IReadOnlyList<string>? Gtins { get; init; }

    public ItemDimensions? Dimensions { get; init; }

    public ItemWeight? Weight { get; init; }

    /// <summary>Packs the item is bought or shipped in (a case of 12), each with its own GTIN if it has one.</summary>
    public IReadOnlyList<ItemCasePack>? CasePacks { get; init; }

    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    public IReadOnlyList<string>? ImageUrls { get; init; }

    /// <summary>The OMS warehouses that stock the item: it goes to the instances serving them; none = every instance.</summary>
    public IReadOnlyList<string>? Warehouses { get; init; }
}

public sealed record ItemDimensions
{
    public decimal? Length { get; init; }

    public decimal? Width { get; init; }

    public decimal? Height { get; init; }

    /// <summary>MM, CM, M, IN or FT.</summary>
    public string? Unit { get; init; }
}

public sealed record ItemWeight
{
    public decimal? Value { get; init; }

    /// <summary>G, KG, OZ or LB.</summary>
    public string? Unit { get; init; }
}

public sealed record ItemCasePack
{
    public string? UnitOfMeasure { get; init; }

    public int? EachesPerUnit { get; init; }

    public string? Gtin { get; init; }
}
