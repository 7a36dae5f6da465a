using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using WmsFunctions.Edi;
using WmsFunctions.Gs1;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// One X12 trading partner (a WMS instance with Adapter x12), ready to use: its reader and writer options, the
/// reverse lookups the sets need (GTIN -> the instance's SKU alias, GLN <-> location) and its code lists.
/// </summary>
public sealed class X12Partner
{
    private readonly FrozenDictionary<string, string> _gtinAliases;
    private readonly FrozenDictionary<string, string> _glnLocations;
    private readonly FrozenDictionary<string, string> _locationGlns;
    private readonly FrozenDictionary<string, string> _reasons;

    internal X12Partner(string tenant, string instance, WmsInstanceOptions options, X12InstanceOptions x12)
    {
        Tenant = tenant;
        Instance = instance;
        Settings = x12;
        Options = x12.ToPartner($"{tenant}/{instance}");
        // The instance's SKU aliases whose WMS side is a GTIN (8, 12, 13 or 14 digits), by the GTIN's 14-digit form.
        _gtinAliases = options.SkuAliases.Keys
            .Select(key => (Key: key, Ok: Gs1Identifiers.TryParseGtin(key, out var gtin, out _), Gtin: gtin.Value))
            .Where(k => k.Ok)
            .GroupBy(k => k.Gtin!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.First().Key, StringComparer.Ordinal);
        _glnLocations = x12.GlnLocations.ToFrozenDictionary(StringComparer.Ordinal);
        _locationGlns = x12.GlnLocations.GroupBy(p => p.Value, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(g => g.Key, g => g.First().Key, StringComparer.OrdinalIgnoreCase);
        _reasons = x12.AdjustmentReasons.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public string Tenant { get; }

    public string Instance { get; }

    public X12InstanceOptions Settings { get; }

    public X12PartnerOptions Options { get; }

    /// <summary>The instance's WMS SKU (the alias key) for a GTIN-14, or null when no alias is that GTIN.</summary>
    public string? SkuForGtin(string gtin14) => _gtinAliases.GetValueOrDefault(gtin14);

    /// <summary>The WMS location a GLN stands for, or null.</summary>
    public string? LocationForGln(string gln) => _glnLocations.GetValueOrDefault(gln);

    /// <summary>The GLN configured for a WMS location, or null.</summary>
    public string? GlnForLocation(string location) => _locationGlns.GetValueOrDefault(location);

    /// <summary>The hub's reason code for a 947 W19 reason, or null when the code list has none.</summary>
    public string? Reason(string x12Reason) => _reasons.GetValueOrDefault(x12Reason);
}

/// <summary>Every X12 partner of every tenant, by tenant and instance (built once from the validated configuration).</summary>
public sealed class X12Partners(IOptions<HubOptions> options, IOptions<PerInstance<X12InstanceOptions>> x12)
{
    private readonly FrozenDictionary<(string, string), X12Partner> _partners = options.Value.Tenants
        .SelectMany(t => t.Value.Instances
            .Where(i => i.Value.Adapter == X12OptionsValidator.AdapterName && x12.Value.Find(t.Key, i.Key) is not null)
            .Select(i => new X12Partner(t.Key, i.Key, i.Value, x12.Value.Find(t.Key, i.Key)!)))
        .ToFrozenDictionary(p => (p.Tenant, p.Instance));

    public bool TryGet(string tenant, string instance, out X12Partner partner) =>
        _partners.TryGetValue((tenant, instance), out partner!);
}
