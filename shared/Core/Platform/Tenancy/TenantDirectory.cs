using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Tenancy;

/// <summary>
/// Looks up the WMS instances of every tenant, with their mappings precomputed once.
/// </summary>
public sealed class TenantDirectory
{
    private readonly FrozenDictionary<string, WmsInstance> _instances;

    public TenantDirectory(IOptions<HubOptions> options)
    {
        var instances = new Dictionary<string, WmsInstance>(StringComparer.Ordinal);
        foreach (var (tenantId, tenant) in options.Value.Tenants)
        {
            // Every code any instance of this tenant knows: posting one of them from the wrong
            // instance is a 403 (not yours), anything else a 422 (unknown).
            var tenantCodes = tenant.Instances.Values
                .SelectMany(i => i.Locations.Keys.Concat(i.Locations.Values))
                .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

            foreach (var (instanceId, instance) in tenant.Instances)
            {
                instances[Key(tenantId, instanceId)] = new WmsInstance(tenantId, instanceId, instance, tenantCodes);
            }
        }

        _instances = instances.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<WmsInstance> All => _instances.Values;

    public bool TryGet(string tenant, string instance, out WmsInstance wms) =>
        _instances.TryGetValue(Key(tenant, instance), out wms!);

    private static string Key(string tenant, string instance) => tenant + "|" + instance;
}

/// <summary>One WMS instance of one tenant: who it is and how its codes map to the OMS's.</summary>
public sealed class WmsInstance
{
    private readonly FrozenDictionary<string, LocationMatch> _locations;
    private readonly FrozenDictionary<string, string> _skuAliases;
    private readonly FrozenSet<string> _tenantCodes;
    private readonly FrozenDictionary<StockDisposition, LocationMatch> _dispositions;

    internal WmsInstance(string tenant, string id, WmsInstanceOptions options, FrozenSet<string> tenantCodes)
    {
        Tenant = tenant;
        Id = id;
        Adapter = options.Adapter;
        MaxQuantity = options.MaxQuantity;
        _locations = options.Locations.ToFrozenDictionary(
            pair => pair.Key,
            pair => new LocationMatch(LocationMatchKind.Mapped, pair.Value, $"{id}:{pair.Key}"),
            StringComparer.OrdinalIgnoreCase);
        _skuAliases = options.SkuAliases.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _tenantCodes = tenantCodes;
        _dispositions = options.Dispositions
            .Select(pair => (Disposition: StockDispositions.Parse(pair.Key), Match: ResolveLocation(pair.Value)))
            .Where(d => d.Disposition is not null && d.Match.Kind == LocationMatchKind.Mapped)
            .ToFrozenDictionary(d => d.Disposition!.Value, d => d.Match);
    }

    public string Tenant { get; }

    public string Id { get; }

    public string Adapter { get; }

    public long MaxQuantity { get; }


    /// <summary>The OMS locations this instance may post for.</summary>
    public IEnumerable<string> Warehouses => _locations.Values.Select(l => l.Warehouse!).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The OMS location a WMS location code stands for, and the area it names ("{instance}:{code}", the
    /// code spelled as configured). A code this instance does not map is <see cref="LocationMatchKind.NotAllowed"/>
    /// when another instance of the tenant knows it, otherwise <see cref="LocationMatchKind.Unknown"/>.
    /// </summary>
    public LocationMatch ResolveLocation(string wmsCode)
    {
        if (_locations.TryGetValue(wmsCode, out var match))
        {
            return match;
        }

        return new LocationMatch(_tenantCodes.Contains(wmsCode) ? LocationMatchKind.NotAllowed : LocationMatchKind.Unknown, null, null);
    }

    /// <summary>
    /// The OMS SKU a WMS SKU stands for: its alias's target, the alias matched ignoring case as location codes are (both
    /// are keys of the hub's configuration, which cannot hold two spellings of one key anyway); without an alias the
    /// SKU itself, exactly as sent, since an OMS SKU is the item master's identifier and is matched exactly.
    /// </summary>
    public string ResolveSku(string wmsSku) => _skuAliases.GetValueOrDefault(wmsSku, wmsSku);

    /// <summary>The OMS SKUs some WMS SKU of this instance is an alias of.</summary>
    public IEnumerable<string> AliasTargets => _skuAliases.Values;

    /// <summary>The WMS areas this instance maps to one OMS location.</summary>
    public IReadOnlyList<string> AreasOf(string warehouse) =>
        _locations.Values.Where(l => string.Equals(l.Warehouse, warehouse, StringComparison.OrdinalIgnoreCase)).Select(l => l.Area!).Distinct().ToArray();

    /// <summary>Where goods of a non-sellable disposition are booked, or null when they are only reported.</summary>
    public LocationMatch? ResolveDisposition(StockDisposition disposition) =>
        _dispositions.TryGetValue(disposition, out var match) ? match : null;
}

public enum LocationMatchKind
{
    Mapped,
    NotAllowed,
    Unknown,
}

public readonly record struct LocationMatch(LocationMatchKind Kind, string? Warehouse, string? Area);
