using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// Which WMS instances receive an OMS message. An instance receives a flow when its Outbound section lists the
/// flow, and a document when the document's OMS warehouse is one the instance serves (a value of its
/// Locations). An item names the warehouses that stock it; it goes to every instance serving one of them, or,
/// when it names none, to every instance of the tenant that receives items.
/// </summary>
public sealed class OutboundDirectory
{
    private readonly FrozenDictionary<string, OutboundInstance[]> _byTenant;

    public OutboundDirectory(IOptions<HubOptions> options, IOptions<PerInstance<WmsOutboundOptions>> outbound)
    {
        _byTenant = options.Value.Tenants.ToFrozenDictionary(
            t => t.Key,
            t => t.Value.Instances
                .Where(i => outbound.Value.Find(t.Key, i.Key) is not null)
                .Select(i => new OutboundInstance(t.Key, i.Key, i.Value, outbound.Value.Find(t.Key, i.Key)!))
                .OrderBy(i => i.Id, StringComparer.Ordinal)
                .ToArray(),
            StringComparer.Ordinal);
    }

    public bool KnowsTenant(string tenant) => _byTenant.ContainsKey(tenant);

    /// <summary>The instances of the tenant that receive <paramref name="flow"/> for any of <paramref name="warehouses"/> (null: all).</summary>
    public IReadOnlyList<OutboundInstance> Route(string tenant, string flow, IReadOnlyCollection<string>? warehouses) =>
        _byTenant.TryGetValue(tenant, out var instances)
            ? instances.Where(i => i.Receives(flow) && (warehouses is null || warehouses.Count == 0 || warehouses.Any(i.Serves))).ToArray()
            : [];

    public IEnumerable<OutboundInstance> All => _byTenant.Values.SelectMany(i => i);
}

/// <summary>One WMS instance as the outbound flows see it: where to call, how, and how its codes map.</summary>
public sealed class OutboundInstance
{
    private readonly FrozenSet<string> _flows;
    private readonly FrozenSet<string> _warehouses;

    internal OutboundInstance(string tenant, string id, WmsInstanceOptions options, WmsOutboundOptions outbound)
    {
        Tenant = tenant;
        Id = id;
        Adapter = options.Adapter;
        Options = outbound;
        _flows = Options.Flows.ToFrozenSet(StringComparer.Ordinal);
        _warehouses = options.Locations.Values.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        Codes = new OutboundCodes(id, options, Options);
    }

    public string Tenant { get; }

    public string Id { get; }

    public string Adapter { get; }

    public WmsOutboundOptions Options { get; }

    public OutboundCodes Codes { get; }

    /// <summary>"{tenant}/{instance}": the key of its circuit breaker, token cache and delivery rows.</summary>
    public string Key => Tenant + "/" + Id;

    public bool Receives(string flow) => _flows.Contains(flow);

    public bool Serves(string warehouse) => _warehouses.Contains(warehouse);
}
