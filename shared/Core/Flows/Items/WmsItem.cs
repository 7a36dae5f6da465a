using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Items;

/// <summary>What the hub sends a WMS for this flow, its codes the instance's own (the hub-json dialect serializes it as is).</summary>
public sealed record WmsItem(
    string Sku,
    string Description,
    bool Active,
    string Unit,
    IReadOnlyList<string> Gtins,
    WmsDimensions? Dimensions,
    WmsWeight? Weight,
    IReadOnlyList<WmsPack> Packs,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> ImageUrls) : WmsDocument;

public sealed record WmsDimensions(decimal Length, decimal Width, decimal Height, string Unit);

public sealed record WmsWeight(decimal Value, string Unit);

/// <summary>A pack (case, inner) of the item: its unit, how many eaches it holds, its own GTIN if it has one.</summary>
public sealed record WmsPack(string Unit, int Eaches, string? Gtin);
