namespace WmsFunctions.Flows.Reconciliation;

/// <summary>What one compared (warehouse, area, SKU) turned out to be.</summary>
public enum ComparisonKind
{
    Equal,
    Different,
    OnlyInWms,
    OnlyInHub,
}

/// <summary>
/// One (warehouse, area, SKU) as both sides see it. <see cref="InFlight"/> is what the hub booked for movements that
/// happened after the WMS's as-of time: the WMS's figure cannot contain them yet, so the hub's figure at the WMS's
/// as-of is <c>HubOnHand - InFlight</c>, and only that is compared.
/// </summary>
public sealed record AreaComparison(
    string Warehouse, string Area, string Sku, long? HubOnHand, long InFlight, long? WmsOnHand, ComparisonKind Kind, long Difference)
{
    public long HubAtAsOf => (HubOnHand ?? 0) - InFlight;
}

/// <summary>The pure rules of a comparison: classification and tolerance.</summary>
public static class StockComparison
{
    /// <summary>
    /// Compares one area. Missing on one side counts as 0 there: a WMS that leaves out empty locations and a hub area
    /// that went to 0 agree. Difference = WMS - hub at as-of.
    /// </summary>
    public static AreaComparison Compare(string warehouse, string area, string sku, long? hubOnHand, long inFlight, long? wmsOnHand)
    {
        var expected = (hubOnHand ?? 0) - inFlight;
        var difference = (wmsOnHand ?? 0) - expected;
        var kind = difference == 0 ? ComparisonKind.Equal
            : hubOnHand is null ? ComparisonKind.OnlyInWms
            : wmsOnHand is null ? ComparisonKind.OnlyInHub
            : ComparisonKind.Different;
        return new AreaComparison(warehouse, area, sku, hubOnHand, inFlight, wmsOnHand, kind, difference);
    }

    /// <summary>
    /// Whether a difference is small enough to report without flagging: at most <paramref name="units"/>, or at most
    /// <paramref name="percent"/> % of the larger figure. With both 0 only an exact match is tolerated.
    /// </summary>
    public static bool WithinTolerance(AreaComparison comparison, long units, double percent)
    {
        var size = Math.Abs(comparison.Difference);
        if (size == 0 || size <= units)
        {
            return true;
        }

        var basis = Math.Max(Math.Abs(comparison.HubAtAsOf), Math.Abs(comparison.WmsOnHand ?? 0));
        return percent > 0 && size <= basis * percent / 100.0;
    }
}
