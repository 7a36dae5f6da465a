using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>The alerts evaluator as the host's timer runs it: one alert per incident, a clearing message, a new incident later.</summary>
public sealed class AlertTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private LoopbackWms _receiver = null!;
    private HubTestHost _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _receiver = await LoopbackWms.StartAsync("alerts");
        _hub = await HubTestHost.StartAsync(azurite, _clock, values =>
        {
            values["Hub:Alerts:Defaults:OpenFailedSyncs"] = "2";
            values["Hub:Alerts:Defaults:DeadLetters"] = "1";
            values["Hub:Alerts:Defaults:OutboxLagMinutes"] = "0"; // the queue's own clock is not the fake one
            values["Hub:Alerts:Defaults:UnacknowledgedSlipMinutes"] = "60";
            values["Hub:Alerts:Defaults:DiscrepanciesFlagged"] = "5";
            values["Hub:Alerts:Tenants:globex:OpenFailedSyncs"] = "0";
            values[AlertOptions.WebhookUrlSetting] = _receiver.BaseUrl + "/alerts";
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private FailedSyncStore Store => _hub.Services.GetRequiredService<FailedSyncStore>();

    private Task<FailedSyncEntity> FailAsync(string message, string reason = "wms-refused", string tenant = "acme") =>
        Store.RecordAsync(new FailedSync(tenant, "east", FailedSyncDirection.OmsToWms, "items", "item", "I-" + message, message, reason, "detail", "corr", "{}"), Ct);

    /// <summary>One run of the timer, with the host's exact payload; the alert CloudEvents it hands the Service Bus output.</summary>
    private async Task<JsonElement[]> TickAsync()
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var (status, body) = await _hub.Functions.InvokeAsync("AlertEvaluation", HostPayloads.TimerTrigger("timer", "AlertEvaluation", now.AddMinutes(-5), now.AddMinutes(5), false, now), Ct);
        Assert.Equal(200, status);
        var outputs = JsonDocument.Parse(body).RootElement.GetProperty("Outputs");
        return outputs.TryGetProperty("alerts", out var alerts)
            ? alerts.EnumerateArray().Select(a => JsonDocument.Parse(a.GetString()!).RootElement.Clone()).ToArray()
            : [];
    }

    private static (string Type, string Subject, string State, string IncidentId) Describe(JsonElement alert) =>
        (alert.GetProperty("type").GetString()!, alert.GetProperty("subject").GetString()!, alert.GetProperty("data").GetProperty("state").GetString()!,
         alert.GetProperty("data").GetProperty("incidentId").GetString()!);

    [Fact]
    public async Task Failures_RaiseOncePerIncident_ClearBelowTheThreshold_AndANewIncidentRaisesAgain()
    {
        Assert.Empty(await TickAsync());
        await FailAsync("m-1");
        await FailAsync("m-2");
        await FailAsync("m-overdue", reason: "overdue-shipment"); // alerts per slip already: not counted here
        await FailAsync("g-1", tenant: "globex"); // globex switched this alert off

        var raised = Assert.Single(await TickAsync());
        Assert.Equal(("com.wmsfunctions.alert.raised", "failed-syncs", "raised", "acme/failed-syncs/1"), Describe(raised));
        Assert.Equal(2, raised.GetProperty("data").GetProperty("value").GetDouble());

        await FailAsync("m-3");
        Assert.Empty(await TickAsync()); // still over: the incident is open, no new alert
        _clock.Advance(TimeSpan.FromMinutes(1));
        await FailAsync("m-3"); // the same failure again, later, counts once (no extra index rows)
        Assert.Equal(3, (await Store.OpenSummaryAsync("acme", Ct)).Count(o => o.ReasonCode == "wms-refused"));

        foreach (var message in new[] { "m-1", "m-2" })
        {
            var row = (await Store.ListAsync(new FailedSyncListQuery("acme", ReasonCode: "wms-refused"), Ct)).Items.Single(f => f.MessageId == message);
            Assert.True((await Store.CloseAsync("acme", FailedSyncStore.IdOf(row), FailedSyncStatus.Resolved, "fixed", "test", Ct)).Closed);
        }

        var cleared = Assert.Single(await TickAsync());
        Assert.Equal(("com.wmsfunctions.alert.cleared", "failed-syncs", "cleared", "acme/failed-syncs/1"), Describe(cleared));
        Assert.Empty(await TickAsync());

        await FailAsync("m-4");
        var again = Assert.Single(await TickAsync());
        Assert.Equal(("raised", "acme/failed-syncs/2"), (Describe(again).State, Describe(again).IncidentId));

        var posted = _receiver.To("/alerts").Select(r => JsonDocument.Parse(r.Text).RootElement).ToArray();
        Assert.Equal(["raised", "cleared", "raised"], posted.Select(p => p.GetProperty("state").GetString()!).ToArray());
    }

    [Fact]
    public async Task DeadLettersFedBack_RaiseTheirOwnIncident()
    {
        await FailAsync("dl-1", reason: AlertEvaluator.DeadLettered);

        var alert = Assert.Single(await TickAsync());

        Assert.Equal(("dead-letters", "raised"), (Describe(alert).Subject, Describe(alert).State));
    }

    [Fact]
    public async Task ConcurrentEvaluations_AlertOnce()
    {
        await FailAsync("c-1");
        await FailAsync("c-2");

        var runs = await Task.WhenAll(TickAsync(), TickAsync(), TickAsync());

        Assert.Single(runs.SelectMany(r => r));
    }

    [Fact]
    public async Task Discrepancies_FromTheLatestReconciliationRun_RaiseAndClearPerInstance()
    {
        var runs = await _hub.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.ReconciliationRuns, Ct);
        async Task RunAsync(string instance, long flagged) => await runs.UpsertEntityAsync(new TableEntity(TableKeys.Escape("acme"), "latest|" + TableKeys.Escape(instance))
        {
            ["RunId"] = "run-" + flagged, ["FinishedAt"] = _clock.GetUtcNow(), ["Compared"] = 1000L, ["Flagged"] = flagged, ["Corrected"] = 0L,
        }, TableUpdateMode.Replace, Ct);

        await RunAsync("east", 7);
        await RunAsync("store-12", 2);
        var raised = Assert.Single(await TickAsync());
        Assert.Equal(("discrepancies|east", "raised"), (Describe(raised).Subject, Describe(raised).State));
        Assert.Equal("east", raised.GetProperty("data").GetProperty("instance").GetString());

        await RunAsync("east", 0);
        var cleared = Assert.Single(await TickAsync());
        Assert.Equal(("discrepancies|east", "cleared"), (Describe(cleared).Subject, Describe(cleared).State));
        Assert.Empty(await TickAsync());
    }

    [Fact]
    public async Task OldestUnacknowledgedSlip_RaisesLag_WhenItWaitsLongerThanTheThreshold()
    {
        var orchestrator = _hub.Services.GetRequiredService<PickSlipOrchestrator>();
        var deadlines = new PickSlipDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
        await orchestrator.ApplyAsync("acme", "PS-L", "oms", "gen", new SlipGenerated("ORD-L", "east", "DC1", "standard", [new OrderedLine(1, "100234", 1)], 1, false), deadlines, "t", Ct);
        await orchestrator.ApplyAsync("acme", "PS-L", "oms", "sent", new SlipSent(), deadlines, "t", Ct);

        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(await TickAsync());
        _clock.Advance(TimeSpan.FromMinutes(2));
        var alert = Assert.Single(await TickAsync());

        Assert.Equal(("pickslip-lag", "raised"), (Describe(alert).Subject, Describe(alert).State));
        Assert.Contains("PS-L", alert.GetProperty("data").GetProperty("summary").GetString(), StringComparison.Ordinal);
    }
}
