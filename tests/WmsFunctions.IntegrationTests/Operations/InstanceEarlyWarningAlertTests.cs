using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>
/// The early warning of a figure measured per WMS instance, through the alert timer as the host runs it, one run a
/// minute of a fake clock: acme's east instance fails more every minute, its store-12 instance fails at a steady
/// trickle; only east is warned of, by name, once, before its threshold alert.
/// </summary>
public sealed class InstanceEarlyWarningAlertTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Threshold = 12;

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 9, 0, 20, TimeSpan.Zero));
    private HubTestHost _hub = null!;
    private int _failures;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await HubTestHost.StartAsync(azurite, _clock, values =>
        {
            values["Hub:Alerts:Defaults:FailuresPerMinute"] = Threshold.ToString(CultureInfo.InvariantCulture);
            foreach (var other in new[] { "OpenFailedSyncs", "DeadLetters", "Poisoned", "OutboxLagMinutes", "UnacknowledgedSlipMinutes", "DiscrepanciesFlagged" })
            {
                values["Hub:Alerts:Defaults:" + other] = "0";
            }

            values["Hub:Alerts:OutboxDepth"] = "0";
        });

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task FailAsync(string instance, int count)
    {
        var store = _hub.Services.GetRequiredService<FailedSyncStore>();
        for (var i = 0; i < count; i++)
        {
            var message = "m-" + ++_failures;
            await store.RecordAsync(new FailedSync("acme", instance, FailedSyncDirection.OmsToWms, "items", "item", "I-" + message, message, "wms-refused", "detail", "corr", "{}"), Ct);
        }
    }

    private static string Line(JsonElement alert) =>
        $"{alert.GetProperty("type").GetString()} {alert.GetProperty("data").GetProperty("incidentId").GetString()}";

    [Fact]
    public async Task FailureRateClimbingOnOneInstance_WarnsOnceNamingIt_BeforeItsThresholdAlert_AndTheSteadyInstanceStaysQuiet()
    {
        var sent = new List<(int Minute, int Rate, JsonElement Alert)>();
        for (var minute = 0; minute < 40 && !sent.Any(s => s.Alert.GetProperty("data").GetProperty("kind").GetString() == "failure-rate"); minute++)
        {
            var rate = Math.Max(0, minute - 9); // ten quiet minutes, then one more failure a minute than the minute before
            await FailAsync("east", rate);
            await FailAsync("store-12", 1);
            var (status, alerts) = await _hub.EvaluateAlertsAsync(_clock.GetUtcNow().UtcDateTime);
            Assert.Equal(200, status);
            sent.AddRange(alerts.Select(a => (minute, rate, a)));
            _clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(
            [
                "com.wmsfunctions.alert.raised acme/predicted-breach|failure-rate|east/1",
                "com.wmsfunctions.alert.raised acme/failure-rate|east/1",
                "com.wmsfunctions.alert.cleared acme/predicted-breach|failure-rate|east/1",
            ],
            sent.Select(s => Line(s.Alert)));
        var (warnedAt, rateWarned, warning) = sent[0];
        Assert.True(warnedAt < sent[1].Minute, $"warned at minute {warnedAt}, the threshold alert came at {sent[1].Minute}");
        Assert.True(rateWarned < Threshold);
        Assert.Equal("predicted-breach|failure-rate|east", warning.GetProperty("subject").GetString());
        var data = warning.GetProperty("data");
        Assert.Equal("east", data.GetProperty("instance").GetString());
        Assert.Equal("failure-rate", data.GetProperty("metric").GetString());
        Assert.Equal(rateWarned, data.GetProperty("value").GetDouble());
        Assert.Equal(Threshold, data.GetProperty("threshold").GetDouble());
        Assert.Equal("east", sent[1].Alert.GetProperty("data").GetProperty("instance").GetString());

        // store-12 was measured every minute (a series of its own, at its steady 1 a minute) and never warned of.
        var series = (await _hub.RowsAsync(HubTable.AlertSeries)).Where(r => r.PartitionKey == "acme").ToDictionary(r => r.RowKey, r => r.GetString("Points"));
        var (east, store12) = (TableKeys.Escape("failure-rate|east"), TableKeys.Escape("failure-rate|store-12"));
        Assert.Equal([east, store12], series.Keys.Order(StringComparer.Ordinal));
        Assert.All(series[store12].Split(';'), point => Assert.EndsWith(":1", point, StringComparison.Ordinal));
    }
}
