using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Operations;
using WmsFunctions.Operations.Forecasting;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>
/// The predicted-breach alert through the alerts evaluator as the host's timer runs it, one run a minute of a fake
/// clock: open failed syncs climbing towards their threshold raise one warning before the threshold alert, then
/// either the climb turns (the warning clears) or the threshold is reached (the threshold alert takes over).
/// </summary>
public sealed class EarlyWarningAlertTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Threshold = 20;

    private static readonly EarlyWarningOptions Defaults = new();

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 20, TimeSpan.Zero));
    private HubTestHost _hub = null!;
    private int _failures;
    private int _ticks;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await HubTestHost.StartAsync(azurite, _clock, values =>
        {
            values["Hub:Alerts:Defaults:OpenFailedSyncs"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var other in new[] { "DeadLetters", "Poisoned", "FailuresPerMinute", "OutboxLagMinutes", "UnacknowledgedSlipMinutes", "DiscrepanciesFlagged" })
            {
                values["Hub:Alerts:Defaults:" + other] = "0";
            }

            values["Hub:Alerts:OutboxDepth"] = "0";
        });

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private FailedSyncStore Store => _hub.Services.GetRequiredService<FailedSyncStore>();

    private async Task FailAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var message = "m-" + ++_failures;
            await Store.RecordAsync(new FailedSync("acme", "east", FailedSyncDirection.OmsToWms, "items", "item", "I-" + message, message, "wms-refused", "detail", "corr", "{}"), Ct);
        }
    }

    private async Task ResolveAsync(int count)
    {
        var open = (await Store.ListAsync(new FailedSyncListQuery("acme", ReasonCode: "wms-refused"), Ct)).Items.Take(count);
        foreach (var row in open)
        {
            Assert.True((await Store.CloseAsync("acme", FailedSyncStore.IdOf(row), FailedSyncStatus.Resolved, "fixed", "test", Ct)).Closed);
        }
    }

    /// <summary>
    /// One run of the timer (the host's exact payload), or <paramref name="evaluators"/> runs at once (two instances of
    /// the app both firing), then a minute passes: the alert CloudEvents sent.
    /// </summary>
    private async Task<JsonElement[]> TickAsync(int evaluators = 1)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var runs = await Task.WhenAll(Enumerable.Range(0, evaluators).Select(_ => _hub.EvaluateAlertsAsync(now)));
        _clock.Advance(TimeSpan.FromMinutes(1));
        _ticks++;
        Assert.All(runs, r => Assert.Equal(200, r.Status));
        return runs.SelectMany(r => r.Alerts).ToArray();
    }

    /// <summary>Ten quiet minutes at 2 open failed syncs, then one more failure a minute until <paramref name="until"/> says stop; every alert sent on the way.</summary>
    private async Task<List<(int Minute, int Open, JsonElement Alert)>> ClimbAsync(
        Func<List<(int Minute, int Open, JsonElement Alert)>, bool> until, int maxMinutes = 40, int evaluators = 1)
    {
        await FailAsync(2);
        var sent = new List<(int, int, JsonElement)>();
        for (var minute = 0; minute < maxMinutes && !until(sent); minute++)
        {
            if (minute >= 10)
            {
                await FailAsync(1);
            }

            sent.AddRange((await TickAsync(evaluators)).Select(a => (minute, _failures, a)));
        }

        return sent;
    }

    private static (string Type, string Subject, string IncidentId) Describe(JsonElement alert) =>
        (alert.GetProperty("type").GetString()!, alert.GetProperty("subject").GetString()!, alert.GetProperty("data").GetProperty("incidentId").GetString()!);

    private static bool IsWarning(JsonElement alert) => alert.GetProperty("data").GetProperty("kind").GetString() == AlertEvaluator.PredictedBreach;

    [Fact]
    public async Task FailuresClimbingTowardsTheThreshold_WarnOnce_ThenTheWarningClearsWhenTheClimbTurns()
    {
        var climb = await ClimbAsync(sent => sent.Any(s => IsWarning(s.Alert)));

        var (minute, open, raised) = Assert.Single(climb);
        Assert.Equal(("com.wmsfunctions.alert.raised", "predicted-breach|failed-syncs", "acme/predicted-breach|failed-syncs/1"), Describe(raised));
        var data = raised.GetProperty("data");
        Assert.Equal("failed-syncs", data.GetProperty("metric").GetString());
        Assert.Equal((double)open, data.GetProperty("value").GetDouble());
        Assert.True(open < Threshold, $"warned at {open} open failed syncs, before the threshold of {Threshold}");
        Assert.Equal(Threshold, data.GetProperty("threshold").GetDouble());
        Assert.Equal(30, data.GetProperty("horizonMinutes").GetInt32());
        Assert.True(data.GetProperty("forecast").GetDouble() >= Threshold);
        Assert.InRange(data.GetProperty("minutesToBreach").GetDouble(), 1, 30);
        Assert.False(data.TryGetProperty("instance", out _)); // open failed syncs are counted per tenant
        Assert.InRange(minute, 11, 30);

        // Still climbing: the warning stays open, nothing new is sent.
        await FailAsync(1);
        Assert.Empty(await TickAsync());

        // An operator fixes the WMS and resolves most failures: the trend turns, the warning clears, once.
        await ResolveAsync(_failures - 4);
        var after = new List<JsonElement>();
        for (var i = 0; i < 15 && after.Count == 0; i++)
        {
            after.AddRange(await TickAsync());
        }

        var cleared = Assert.Single(after);
        Assert.Equal(("com.wmsfunctions.alert.cleared", "predicted-breach|failed-syncs", "acme/predicted-breach|failed-syncs/1"), Describe(cleared));
        Assert.Equal("cleared", cleared.GetProperty("data").GetProperty("state").GetString());
        for (var i = 0; i < 5; i++)
        {
            Assert.Empty(await TickAsync());
        }

        // One series row per tenant and figure, fed by every run (globex and the unknown tenant's stay flat at 0).
        var rows = await _hub.RowsAsync(HubTable.AlertSeries);
        Assert.Equal(["_unknown/failed-syncs", "acme/failed-syncs", "globex/failed-syncs"], rows.Select(r => $"{r.PartitionKey}/{r.RowKey}").Order(StringComparer.Ordinal));
        Assert.Equal(Math.Min(_ticks, Defaults.WindowPoints), rows.Single(r => r.PartitionKey == "acme").GetString("Points").Split(';').Length); // a point a minute
    }

    [Fact]
    public async Task ClimbThatReachesTheThreshold_TheThresholdAlertSupersedesTheWarning()
    {
        var climb = await ClimbAsync(sent => sent.Any(s => !IsWarning(s.Alert)));

        Assert.Equal(
            [
                ("com.wmsfunctions.alert.raised", "predicted-breach|failed-syncs", "acme/predicted-breach|failed-syncs/1"),
                ("com.wmsfunctions.alert.raised", "failed-syncs", "acme/failed-syncs/1"),
                ("com.wmsfunctions.alert.cleared", "predicted-breach|failed-syncs", "acme/predicted-breach|failed-syncs/1"),
            ],
            climb.Select(c => Describe(c.Alert)));
        Assert.True(climb[0].Minute < climb[1].Minute, "the warning comes before the threshold alert");
        Assert.Equal(climb[1].Minute, climb[2].Minute);
        Assert.Equal("acme/failed-syncs/1", climb[2].Alert.GetProperty("data").GetProperty("supersededBy").GetString());

        // Over the threshold the warning stays quiet however long the climb goes on.
        await FailAsync(1);
        Assert.Empty(await TickAsync());
    }

    [Fact]
    public async Task ConcurrentEvaluations_WarnOnce()
    {
        var climb = await ClimbAsync(sent => sent.Any(s => !IsWarning(s.Alert)), evaluators: 3);

        Assert.Equal(
            ["acme/predicted-breach|failed-syncs/1 raised", "acme/failed-syncs/1 raised", "acme/predicted-breach|failed-syncs/1 cleared"],
            climb.Select(c => $"{Describe(c.Alert).IncidentId} {c.Alert.GetProperty("data").GetProperty("state").GetString()}"));
    }
}
