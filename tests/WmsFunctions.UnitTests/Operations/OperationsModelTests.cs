using WmsFunctions.Operations;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.UnitTests.Operations;

public sealed class OperationsModelTests
{
    [Theory]
    [InlineData("east", "items|SKU%7C1|m-1")]
    [InlineData("we|ird/inst", "order-changes|O%2F1|m%7C2")]
    public void FailedSyncId_RoundTrips_ToItsKeys_UnderTheCallersTenant(string instance, string rowKey)
    {
        var id = FailedSyncStore.IdOf(new FailedSyncEntity { Tenant = "acme", Instance = instance, RowKey = rowKey });

        Assert.True(FailedSyncStore.TryParseId("acme", id, out var partition, out var row));
        Assert.Equal((FailedSyncEntity.PartitionFor("acme", instance), rowKey), (partition, row));
        Assert.True(FailedSyncStore.TryParseId("globex", id, out var other, out _));
        Assert.Equal(FailedSyncEntity.PartitionFor("globex", instance), other); // another tenant's id never reaches acme's rows
        Assert.Matches("^[A-Za-z0-9_-]+$", id);
    }

    [Theory]
    [InlineData("")]
    [InlineData("***")]
    [InlineData("bm9zZXBhcmF0b3I")] // "noseparator"
    public void FailedSyncId_Garbage_IsRefused(string id) => Assert.False(FailedSyncStore.TryParseId("acme", id, out _, out _));

    [Fact]
    public void Thresholds_TenantValuesOverrideTheDefaults_AndZeroSwitchesOff()
    {
        var options = new AlertOptions
        {
            Defaults = new AlertThresholds { OpenFailedSyncs = 10, DeadLetters = 1, OutboxLagMinutes = 15, UnacknowledgedSlipMinutes = 120, DiscrepanciesFlagged = 1 },
            Tenants = { ["globex"] = new AlertThresholds { OpenFailedSyncs = 0, DeadLetters = null, OutboxLagMinutes = 5, UnacknowledgedSlipMinutes = null, DiscrepanciesFlagged = null } },
        };

        var globex = options.For("globex");

        Assert.Equal((0, 1, 5, 120, 1), (globex.OpenFailedSyncs, globex.DeadLetters, globex.OutboxLagMinutes, globex.UnacknowledgedSlipMinutes, globex.DiscrepanciesFlagged));
        Assert.Same(options.Defaults, options.For("acme"));
        Assert.False(new AlertMeasure("globex", "failed-syncs", null, 50, 0, "n", "").Over);
        Assert.True(new AlertMeasure("acme", "failed-syncs", null, 10, 10, "n", "").Over);
        Assert.False(new AlertMeasure("acme", "failed-syncs", null, 9, 10, "n", "").Over);
    }

    [Fact]
    public void OverrideSource_NamesTheOperator_AsAUriReference()
    {
        Assert.Equal("/tenants/acme/operators/operator%3Aalice%40acme.test%20%28user-42%29", OperatorOverrides.SourceOf("acme", "operator:alice@acme.test (user-42)"));
    }
}
