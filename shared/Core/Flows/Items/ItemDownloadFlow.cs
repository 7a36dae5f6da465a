using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Json;

namespace WmsFunctions.Flows.Items;

/// <summary>
/// Item download (OMS -> WMS): every new or changed item goes to each WMS instance that stocks it, and into the
/// hub's item catalog, so that the inbound flows know the SKU from then on.
/// </summary>
public sealed class ItemDownloadFlow(OutboundDispatcher dispatcher, ItemCatalog catalog, TimeProvider time) : OutboundFlow<ItemChanged>(dispatcher)
{
    public const string Name = "items";

    public static OutboundFlowDefinition Registration { get; } = OutboundFlowDefinition.For<ItemDownloadFlow, WmsItem>(
        Name, "ItemDownload", "oms-items", "item", ["item.created", "item.changed"], ["upsert"],
        "Item download: a new or changed item (inactive items included).");

    public override OutboundFlowDefinition Definition => Registration;

    public static readonly IReadOnlySet<string> LengthUnits = new HashSet<string>(["MM", "CM", "M", "IN", "FT"], StringComparer.Ordinal);
    public static readonly IReadOnlySet<string> WeightUnits = new HashSet<string>(["G", "KG", "OZ", "LB"], StringComparer.Ordinal);

    public override IReadOnlyDictionary<string, string[]> Validate(string type, ItemChanged item)
    {
        var errors = new FieldErrors();
        errors.Code("sku", item.Sku);
        errors.Version(item.Version);
        errors.Text("description", item.Description, 256);
        if (item.Active is null)
        {
            errors.Add("active", "Required: true or false.");
        }

        errors.Code("unitOfMeasure", item.UnitOfMeasure, required: false);
        var gtins = item.Gtins ?? [];
        for (var i = 0; i < gtins.Count; i++)
        {
            if (!Gs1Identifiers.TryParseGtin(gtins[i], out _, out var error))
            {
                errors.Add($"gtins[{i}]", error!);
            }
        }

        if (item.Dimensions is { } d)
        {
            if (d.Length is not > 0 || d.Width is not > 0 || d.Height is not > 0)
            {
                errors.Add("dimensions", "length, width and height are required and positive.");
            }

            if (d.Unit is null || !LengthUnits.Contains(d.Unit))
            {
                errors.Add("dimensions.unit", $"Required: one of {string.Join(", ", LengthUnits)}.");
            }
        }

        if (item.Weight is { } w)
        {
            if (w.Value is not > 0)
            {
                errors.Add("weight.value", "Required and positive.");
            }

            if (w.Unit is null || !WeightUnits.Contains(w.Unit))
            {
                errors.Add("weight.unit", $"Required: one of {string.Join(", ", WeightUnits)}.");
            }
        }

        var packs = item.CasePacks ?? [];
        for (var i = 0; i < packs.Count; i++)
        {
            errors.Code($"casePacks[{i}].unitOfMeasure", packs[i].UnitOfMeasure);
            if (packs[i].EachesPerUnit is not (>= 2 and <= 100_000))
            {
                errors.Add($"casePacks[{i}].eachesPerUnit", "Required: 2 to 100000 eaches in one pack.");
            }

            if (packs[i].Gtin is { } gtin && !Gs1Identifiers.TryParseGtin(gtin, out _, out var error))
            {
                errors.Add($"casePacks[{i}].gtin", error!);
            }
        }

        if (item.Attributes is { } attributes)
        {
            if (attributes.Count > 50)
            {
                errors.Add("attributes", "At most 50 attributes.");
            }

            foreach (var (name, value) in attributes)
            {
                errors.Code($"attributes.{name}", name);
                errors.Text($"attributes.{name}", value, 256);
            }
        }

        var images = item.ImageUrls ?? [];
        if (images.Count > 20)
        {
            errors.Add("imageUrls", "At most 20 image URLs.");
        }

        for (var i = 0; i < images.Count; i++)
        {
            if (!Uri.TryCreate(images[i], UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || images[i].Length > 2048)
            {
                errors.Add($"imageUrls[{i}]", "Must be an absolute http(s) URL of at most 2048 characters.");
            }
        }

        var warehouses = item.Warehouses ?? [];
        for (var i = 0; i < warehouses.Count; i++)
        {
            errors.Code($"warehouses[{i}]", warehouses[i]);
        }

        return errors.Result;
    }

    public override OutboundEntity Describe(string type, ItemChanged item) =>
        new(item.Sku!, item.Version!.Value, "upsert", item.Warehouses);

    public override WmsDocument Map(OutboundEntity entity, ItemChanged item, OutboundInstance instance)
    {
        var codes = instance.Codes;
        return new WmsItem(
            codes.Sku(item.Sku!),
            item.Description!,
            item.Active!.Value,
            codes.Unit(item.UnitOfMeasure ?? OutboundCodes.Each),
            (item.Gtins ?? []).Select(Gtin14).Distinct(StringComparer.Ordinal).ToArray(),
            item.Dimensions is { } d ? new WmsDimensions(d.Length!.Value, d.Width!.Value, d.Height!.Value, d.Unit!) : null,
            item.Weight is { } w ? new WmsWeight(w.Value!.Value, w.Unit!) : null,
            (item.CasePacks ?? []).Select(p => new WmsPack(codes.Unit(p.UnitOfMeasure!), p.EachesPerUnit!.Value, p.Gtin is null ? null : Gtin14(p.Gtin))).ToArray(),
            new SortedDictionary<string, string>((item.Attributes ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal),
            item.ImageUrls ?? []);
    }

    public override async Task KeepAsync(OmsMessage message, OutboundEntity entity, ItemChanged item, CancellationToken cancellationToken)
    {
        await catalog.ApplyAsync(
            new ItemEntity
            {
                Tenant = message.Tenant,
                Sku = item.Sku!,
                Description = item.Description!,
                Active = item.Active!.Value,
                Version = entity.Version,
                UnitOfMeasure = item.UnitOfMeasure ?? OutboundCodes.Each,
                Gtins = item.Gtins is { Count: > 0 } gtins ? string.Join(' ', gtins.Select(Gtin14).Distinct(StringComparer.Ordinal)) : null,
                UpdatedAt = time.GetUtcNow(),
            },
            cancellationToken).ConfigureAwait(false);
    }

    private static string Gtin14(string text) =>
        Gs1Identifiers.TryParseGtin(text, out var gtin, out _) ? gtin.Value : throw new InvalidOperationException("GTINs are validated first.");
}
