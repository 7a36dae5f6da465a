using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.UnitTests.Support;

namespace WmsFunctions.UnitTests.Telemetry;

/// <summary>The logic behind the hub's metrics: what the gauges report from cached figures, and the figures themselves.</summary>
public sealed class HubMetricsTests
{
    private static readonly DateTimeOffset Seen = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static OpenFailureCounts Counts(
        Dictionary<string, int>? byReason = null, Dictionary<string, int>? poisoned = null, Dictionary<string, int>? deadLettered = null) =>
        new(byReason ?? [], poisoned ?? [], deadLettered ?? []);

    [Fact]
    public void OpenFailureGauge_ReasonGoneSinceTheLastReport_ReportsZeroInsteadOfItsLastValue()
    {
        using var metrics = new TestMetrics();
        metrics.Metrics.ReportOpenFailures("acme", Counts(new() { ["unknown-sku"] = 3, ["wms-refused"] = 1 }));
        metrics.Metrics.ReportOpenFailures("acme", Counts(new() { ["wms-refused"] = 2 }));

        var open = metrics.Read("wms.failed_syncs.open");

        Assert.Equal(
            [("acme", "unknown-sku", 0d), ("acme", "wms-refused", 2d)],
            open.Select(r => (r["tenant"], r["reason"], r.Value)).OrderBy(r => r.Item2, StringComparer.Ordinal));
    }

    [Fact]
    public void PoisonAndDeadLetterGauges_SeveralTenants_AddUpPerQueueAndSubscription()
    {
        using var metrics = new TestMetrics();
        metrics.Metrics.ReportOpenFailures("acme", Counts(poisoned: new() { ["oms-outbox"] = 2 }, deadLettered: new() { ["oms-items/Subscriptions/hub"] = 1 }));
        metrics.Metrics.ReportOpenFailures("globex", Counts(poisoned: new() { ["oms-outbox"] = 1, ["channel-stock"] = 4 }));

        var readings = metrics.Read();

        Assert.Equal(
            [("channel-stock", 4d), ("oms-outbox", 3d)],
            readings.Where(r => r.Instrument == "wms.queue.poisoned").Select(r => (r["queue"], r.Value)).OrderBy(r => r.Item1, StringComparer.Ordinal));
        var dead = Assert.Single(readings, r => r.Instrument == "wms.servicebus.dead_lettered");
        Assert.Equal(("oms-items/Subscriptions/hub", 1d), (dead["subscription"], dead.Value));
    }

    [Fact]
    public void OutboxGauges_BeforeAnyMeasurement_ReportNothing_ThenTheLastFigures()
    {
        using var metrics = new TestMetrics();
        Assert.DoesNotContain(metrics.Read(), r => r.Instrument.StartsWith("wms.outbox.", StringComparison.Ordinal));

        metrics.Metrics.ReportOutbox(5, TimeSpan.FromSeconds(42));
        metrics.Metrics.ReportOutbox(7, TimeSpan.FromSeconds(90));

        var readings = metrics.Read();
        Assert.Equal(7, Assert.Single(readings, r => r.Instrument == "wms.outbox.depth").Value);
        Assert.Equal(90, Assert.Single(readings, r => r.Instrument == "wms.outbox.oldest_age").Value);
    }

    [Fact]
    public void EndToEndLag_EventTimeAheadOfTheHubsClock_IsRecordedAsZero()
    {
        using var metrics = new TestMetrics();

        metrics.Metrics.EventPublished("acme", "east", "inventory", TimeSpan.FromSeconds(-3));

        var lag = Assert.Single(metrics.Read("wms.e2e.lag"));
        Assert.Equal((0d, "acme", "east", "inventory"), (lag.Value, lag["tenant"], lag["instance"], lag["flow"]));
    }

    [Fact]
    public void OpenFailureCount_MixedOrigins_CountsReasons_StorageQueues_AndDeadLetterSubscriptions()
    {
        OpenFailure[] open =
        [
            new("unknown-sku", Seen, "inventory", null, null),
            new("unknown-sku", Seen, "inventory", null, null),
            new("poisoned", Seen, "outbox", FailedSyncOriginKind.PoisonQueue, "oms-outbox"),
            new("malformed-message", Seen, "outbox", FailedSyncOriginKind.Queue, "oms-outbox"),
            new("dead-lettered", Seen, "items", FailedSyncOriginKind.DeadLetter, "oms-items/Subscriptions/hub"),
            new("wms-refused", Seen, "items", FailedSyncOriginKind.DeadLetter, "oms-items/Subscriptions/hub"), // a delivery failure that then dead-lettered
        ];

        var counts = OpenFailure.Count(open);

        Assert.Equal(
            [("dead-lettered", 1), ("malformed-message", 1), ("poisoned", 1), ("unknown-sku", 2), ("wms-refused", 1)],
            counts.ByReason.Select(c => (c.Key, c.Value)).OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.Equal([("oms-outbox", 2)], counts.PoisonedByQueue.Select(c => (c.Key, c.Value)));
        Assert.Equal([("oms-items/Subscriptions/hub", 2)], counts.DeadLetteredBySubscription.Select(c => (c.Key, c.Value)));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"a","time":"2026-12-01T08:00:00+00:00","data":{}}""", "2026-12-01T08:00:00+00:00")]
    [InlineData("""{"data":{"time":"1999-01-01T00:00:00Z","x":[1,{"time":"2000-01-01T00:00:00Z"}]},"time":"2026-12-01T08:00:01Z"}""", "2026-12-01T08:00:01+00:00")]
    [InlineData("""{"id":"a","data":{"time":"1999-01-01T00:00:00Z"}}""", null)]
    [InlineData("""{"time":12}""", null)]
    [InlineData("""[{"time":"2026-12-01T08:00:00Z"}]""", null)]
    [InlineData("not json", null)]
    public void CloudEventTime_OnlyTheTopLevelAttribute_IsRead(string json, string? expected)
    {
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), OmsEvent.TimeOf(json));
    }

    [Fact]
    public async Task CircuitGauge_FollowsTheBreaker_ClosedOpenHalfOpenClosed()
    {
        using var metrics = new TestMetrics();
        var clock = new FakeTimeProvider(Seen);
        var options = new OutboundResilienceOptions
        {
            MaxRetryAttempts = 0, FailureRatio = 0.5, MinimumThroughput = 2, SamplingDuration = TimeSpan.FromSeconds(30), BreakDuration = TimeSpan.FromSeconds(5),
        };
        var pipeline = new WmsResilience(metrics.Metrics, clock, NullLogger<WmsResilience>.Instance).Build("acme", "east", options);
        (string?, string?, double) State() =>
            metrics.Read("wms.partner.circuit.state").Select(r => (r["tenant"], r["instance"], r.Value)).Single();
        var built = State();

        for (var i = 0; i < 2; i++)
        {
            using var failed = await pipeline.ExecuteAsync(static _ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)), TestContext.Current.CancellationToken);
        }

        var opened = State();
        await Assert.ThrowsAsync<BrokenCircuitException>(async () => await pipeline.ExecuteAsync(
            static _ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK)), TestContext.Current.CancellationToken));
        clock.Advance(options.BreakDuration);
        var duringProbe = 0d;
        using var probe = await pipeline.ExecuteAsync(
            _ =>
            {
                duringProbe = State().Item3;
                return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(("acme", "east", 0d), built);
        Assert.Equal(("acme", "east", 2d), opened);
        Assert.Equal(1d, duringProbe);
        Assert.Equal(("acme", "east", 0d), State());
    }
}
