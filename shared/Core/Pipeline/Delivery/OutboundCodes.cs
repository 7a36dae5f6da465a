using System.Collections.Frozen;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// One instance's code lists, OMS -> WMS. Every lookup either finds the WMS's code or throws a
/// <see cref="MappingException"/> naming what is missing: a document is never sent with a guessed code.
/// </summary>
public sealed class OutboundCodes
{
    /// <summary>The OMS's unit for single pieces.</summary>
    public const string Each = "EA";

    private readonly string _instance;
    private readonly bool _requireSkuAlias;
    private readonly FrozenDictionary<string, string> _skus;
    private readonly FrozenDictionary<string, string> _warehouses;
    private readonly FrozenDictionary<string, string> _units;
    private readonly FrozenDictionary<string, string> _carriers;
    private readonly FrozenDictionary<string, string> _services;
    private readonly FrozenDictionary<string, string> _reasons;

    internal OutboundCodes(string instance, WmsInstanceOptions options, WmsOutboundOptions outbound)
    {
        _instance = instance;
        _requireSkuAlias = outbound.RequireSkuAlias;
        // SkuAliases is WMS SKU -> OMS SKU (the inbound direction); read backwards here (the validator
        // refuses an OMS SKU with two WMS SKUs).
        _skus = options.SkuAliases.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
        _warehouses = outbound.Warehouses.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _units = outbound.Units.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _carriers = outbound.Carriers.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _services = outbound.Services.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        _reasons = outbound.ReasonCodes.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        QuantitiesInEaches = outbound.QuantitiesInEaches;
    }

    public bool QuantitiesInEaches { get; }

    public string Sku(string omsSku) =>
        _skus.TryGetValue(omsSku, out var wms) ? wms
        : _requireSkuAlias ? throw new MappingException("unmapped-sku", $"OMS SKU '{omsSku}' has no SKU alias for WMS instance '{_instance}'.")
        : omsSku;

    public string Warehouse(string omsWarehouse) => Lookup(_warehouses, omsWarehouse, "unmapped-warehouse", "warehouse");

    public string Unit(string omsUnit) => Lookup(_units, omsUnit, "unmapped-unit", "unit of measure");

    public string Carrier(string omsCarrier) => Lookup(_carriers, omsCarrier, "unmapped-carrier", "carrier");

    public string Service(string omsService) => Lookup(_services, omsService, "unmapped-service", "ship service");

    public string Reason(string omsReason) => Lookup(_reasons, omsReason, "unmapped-reason", "reason code");

    public string? OptionalReason(string? omsReason) => omsReason is null ? null : Reason(omsReason);

    /// <summary>
    /// A quantity in the WMS's terms: as ordered (unit mapped), or, for a WMS that counts eaches, multiplied by
    /// the pack size and sent in eaches. A pack unit without its pack size cannot be converted: a failure.
    /// </summary>
    public WmsQuantity Quantity(long quantity, string omsUnit, int? eachesPerUnit)
    {
        if (!QuantitiesInEaches || string.Equals(omsUnit, Each, StringComparison.OrdinalIgnoreCase))
        {
            return new WmsQuantity(quantity, Unit(omsUnit));
        }

        if (eachesPerUnit is not > 0)
        {
            throw new MappingException("missing-pack-size", $"Unit '{omsUnit}' needs eachesPerUnit to be sent in eaches to WMS instance '{_instance}'.");
        }

        return new WmsQuantity(checked(quantity * eachesPerUnit.Value), Unit(Each));
    }

    private string Lookup(FrozenDictionary<string, string> map, string code, string reason, string what) =>
        map.TryGetValue(code, out var wms)
            ? wms
            : throw new MappingException(reason, $"OMS {what} '{code}' has no mapping for WMS instance '{_instance}'.");
}

public readonly record struct WmsQuantity(long Quantity, string Unit);

/// <summary>A code the instance has no mapping for: recorded as a failed sync, never sent with a default.</summary>
public sealed class MappingException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
