using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Items;

/// <summary>Mapping a WMS's codes to the OMS's, the same way for every inbound flow, with the refusal when one cannot be.</summary>
public static class InboundMapping
{
    /// <summary>
    /// The OMS location and area a WMS location code of this instance stands for, or why not: 403 when the code
    /// belongs to another instance of the tenant (tenant isolation), 422 when nobody knows it.
    /// </summary>
    public static Problem? ResolveLocation(WmsInstance instance, string code, out LocationMatch match)
    {
        match = instance.ResolveLocation(code);
        return match.Kind switch
        {
            LocationMatchKind.NotAllowed => Problem.LocationNotAllowed(code, instance.Id),
            LocationMatchKind.Unknown => Problem.UnknownLocation(code, instance.Id),
            _ => null,
        };
    }

    /// <summary>The OMS SKU of a WMS SKU (aliases per instance), or 422 when the OMS does not know it.</summary>
    public static async Task<(string Sku, Problem? Problem)> ResolveSkuAsync(
        ItemCatalog items, WmsInstance instance, string wmsSku, CancellationToken cancellationToken)
    {
        var sku = instance.ResolveSku(wmsSku);
        return await items.ExistsAsync(instance.Tenant, sku, cancellationToken).ConfigureAwait(false)
            ? (sku, null)
            : (sku, Problem.UnknownSku(wmsSku, sku));
    }
}
