using WmsFunctions.Operations;
using WmsFunctions.Operations.Forecasting;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.UnitTests.Operations;

/// <summary>The failure rate per WMS instance the alert evaluator measures and forecasts: failed syncs first seen in the minute up to the run.</summary>
public sealed class AlertFailureRateTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 9, 30, 0, TimeSpan.Zero);

    private static OpenFailure Failure(string instance, TimeSpan ago) => new("wms-refused", Now - ago, "items", null, null, instance);

    [Fact]
    public void FailuresOpenedPerInstance_FailuresAroundTheMinute_CountsOnlyThoseFirstSeenAfterThePreviousRunUpToThisOne()
    {
        OpenFailure[] open =
        [
            Failure("east", TimeSpan.Zero), // at this run: counted here
            Failure("east", TimeSpan.FromSeconds(59)),
            Failure("east", TimeSpan.FromMinutes(1)), // at the previous run: counted there
            Failure("east", TimeSpan.FromHours(2)),
            Failure("east", TimeSpan.FromSeconds(-1)), // after the run read the clock
        ];

        Assert.Equal([("east", 2)], AlertEvaluator.FailuresOpenedPerInstance(open, ["east"], Now));
    }

    [Fact]
    public void FailuresOpenedPerInstance_QuietAndUnconfiguredInstances_QuietOnesReadZero_AndInstancesWithOpenFailuresAreMeasuredToo()
    {
        OpenFailure[] open =
        [
            Failure("_unrouted", TimeSpan.FromSeconds(10)),
            Failure("old", TimeSpan.FromHours(1)),
        ];

        Assert.Equal(
            [("_unrouted", 1), ("east", 0), ("old", 0), ("store-12", 0)],
            AlertEvaluator.FailuresOpenedPerInstance(open, ["store-12", "east"], Now));
    }

    [Fact]
    public void ForecastableMetrics_DefaultEarlyWarning_ForecastsFailureRateAndOutboxDepth()
    {
        var defaults = new EarlyWarningOptions();

        Assert.True(defaults.Forecasts("failure-rate"));
        Assert.True(defaults.Forecasts("outbox-depth"));
        Assert.Empty(EarlyWarningOptionsValidator.Problems(defaults, AlertEvaluator.ForecastableMetrics.ToArray()));
    }

    [Fact]
    public void AlertThresholds_TenantWithoutItsOwnFailureRate_TakesTheDefault()
    {
        var options = new AlertOptions { Tenants = { ["acme"] = new AlertThresholds { FailuresPerMinute = null }, ["globex"] = new AlertThresholds { FailuresPerMinute = 2 } } };

        Assert.Equal(5, options.For("acme").FailuresPerMinute);
        Assert.Equal(2, options.For("globex").FailuresPerMinute);
    }
}
