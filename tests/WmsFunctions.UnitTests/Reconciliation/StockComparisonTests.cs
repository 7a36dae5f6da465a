using WmsFunctions.Flows.Reconciliation;

namespace WmsFunctions.UnitTests.Reconciliation;

public sealed class StockComparisonTests
{
    [Theory]
    [InlineData(10L, 0L, 10L, ComparisonKind.Equal, 0L)]
    [InlineData(10L, 0L, 7L, ComparisonKind.Different, -3L)]
    [InlineData(8L, -2L, 10L, ComparisonKind.Equal, 0L)] // 2 shipped after the as-of: the WMS still counted them
    [InlineData(13L, 3L, 10L, ComparisonKind.Equal, 0L)] // 3 received after the as-of
    [InlineData(null, 0L, 4L, ComparisonKind.OnlyInWms, 4L)]
    [InlineData(5L, 0L, null, ComparisonKind.OnlyInHub, -5L)]
    [InlineData(null, 0L, 0L, ComparisonKind.Equal, 0L)] // the WMS lists an empty location the hub never saw
    [InlineData(0L, 0L, null, ComparisonKind.Equal, 0L)] // the hub's area went to 0 and the WMS leaves it out
    public void Compare_SubtractsInFlight_AndClassifies(long? hub, long inFlight, long? wms, ComparisonKind kind, long difference)
    {
        var comparison = StockComparison.Compare("DC1", "east:E-A1", "100234", hub, inFlight, wms);

        Assert.Equal((kind, difference), (comparison.Kind, comparison.Difference));
    }

    [Theory]
    [InlineData(100L, 97L, 0L, 0.0, false)]
    [InlineData(100L, 97L, 3L, 0.0, true)]
    [InlineData(100L, 96L, 3L, 0.0, false)]
    [InlineData(100L, 96L, 0L, 4.0, true)] // 4 of 100 = 4 %
    [InlineData(100L, 95L, 0L, 4.0, false)]
    [InlineData(100L, 95L, 5L, 1.0, true)] // within either is tolerated
    [InlineData(0L, 1L, 0L, 50.0, false)] // 1 of 1 = 100 %
    public void WithinTolerance_UnitsOrPercentOfTheLargerFigure(long hub, long wms, long units, double percent, bool within)
    {
        var comparison = StockComparison.Compare("DC1", "east:E-A1", "100234", hub, 0, wms);

        Assert.Equal(within, StockComparison.WithinTolerance(comparison, units, percent));
    }
}
