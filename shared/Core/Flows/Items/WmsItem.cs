using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Flows.Items;

// The attributes are the contract a WMS implements: HubJsonContract generates functions/openapi/wms-outbound.json from
// these records. On a list or a map, a string constraint describes its strings.

/// <summary>
/// The item the hub sends a WMS (item download), its codes the instance's own (the hub-json dialect serializes it as
/// is): a new or changed item, inactive ones included.
/// </summary>
public sealed record WmsItem(
    [property: Description("The WMS's SKU (the OMS SKU through the instance's SKU aliases).")]
    [property: StringLength(128, MinimumLength = 1)]
    string Sku,
    [property: StringLength(256)]
    string Description,
    bool Active,
    [property: Description("The WMS unit one item is counted in.")]
    [property: StringLength(128, MinimumLength = 1)]
    string Unit,
    [property: Description("GTINs of the single item, 14 digits, check digit verified.")]
    [property: RegularExpression("^[0-9]{14}$")]
    IReadOnlyList<string> Gtins,
    WmsDimensions? Dimensions,
    WmsWeight? Weight,
    IReadOnlyList<WmsPack> Packs,
    [property: Description("Name -> value, names sorted.")]
    [property: StringLength(256)]
    IReadOnlyDictionary<string, string> Attributes,
    [property: Url]
    IReadOnlyList<string> ImageUrls) : WmsDocument;

/// <summary>The item's size, in one of the length units item download accepts (<see cref="ItemDownloadFlow.LengthUnits"/>).</summary>
public sealed record WmsDimensions(
    decimal Length,
    decimal Width,
    decimal Height,
    [property: AllowedValues("MM", "CM", "M", "IN", "FT")]
    string Unit);

/// <summary>The item's weight, in one of the weight units item download accepts (<see cref="ItemDownloadFlow.WeightUnits"/>).</summary>
public sealed record WmsWeight(
    decimal Value,
    [property: AllowedValues("G", "KG", "OZ", "LB")]
    string Unit);

/// <summary>A pack (case, inner) of the item: its unit, how many eaches it holds, its own GTIN if it has one.</summary>
public sealed record WmsPack(
    [property: StringLength(128, MinimumLength = 1)]
    string Unit,
    [property: Range(2, int.MaxValue)]
    int Eaches,
    [property: RegularExpression("^[0-9]{14}$")]
    string? Gtin);
