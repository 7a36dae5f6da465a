using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>Manual overrides: through the ledger/orchestration and the outbox to the OMS, audited with actor and reason.</summary>
public sealed class OverrideTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234", "100235");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private Task<StockSnapshotEntity?> SnapshotAsync(string sku = "100234") => _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", sku, Ct);

    private Task<HttpResponseMessage> OverrideStockAsync(object body) => OperatorCalls.PostAsync(_hub, "/api/ops/acme/stock-overrides", body);

    [Fact]
    public async Task StockOverride_ReachesTheSnapshotAndTheOms_AsTheOperator_AndIsAudited()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(new { eventId = "adj-1", type = "adjust", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-5), sku = "100234", location = "E-A1", quantity = 4 })).StatusCode);
        await _hub.RelayAsync();

        var response = await OverrideStockAsync(new { overrideId = "ovr-1", instance = "east", location = "E-A1", sku = "100234", quantity = 11, reason = "recount after flood" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await OperatorCalls.JsonAsync(response);
        Assert.Equal(("applied", 11L), (answer.GetProperty("outcome").GetString(), answer.GetProperty("onHandAfter").GetInt64()));
        Assert.Equal(11, (await SnapshotAsync())!.OnHand);

        var published = Assert.Single(await _hub.RelayAsync());
        var cloudEvent = JsonDocument.Parse(published).RootElement;
        Assert.EndsWith("inventory.counted", cloudEvent.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("/tenants/acme/operators/operator-key", cloudEvent.GetProperty("source").GetString(), StringComparison.Ordinal);
        Assert.Equal("recount after flood", cloudEvent.GetProperty("data").GetProperty("reason").GetString());

        var audit = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(_hub, "/api/ops/acme/audit?entityType=stock&entityId=" + Uri.EscapeDataString("DC1/100234")));
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray());
        Assert.Equal(("override-stock", "recount after flood"), (entry.GetProperty("outcome").GetString(), entry.GetProperty("reason").GetString()));
        Assert.StartsWith("operator-key:", entry.GetProperty("actor").GetString(), StringComparison.Ordinal);

        var again = await OverrideStockAsync(new { overrideId = "ovr-1", instance = "east", location = "E-A1", sku = "100234", quantity = 11, reason = "recount after flood" });
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Empty(await _hub.RelayAsync());
    }

    [Fact]
    public async Task StockOverride_BadInput_IsAProblem_AndChangesNothing()
    {
        var noReason = await OverrideStockAsync(new { instance = "east", location = "E-A1", sku = "100234", quantity = 3 });
        var negative = await OverrideStockAsync(new { instance = "east", location = "E-A1", sku = "100234", quantity = -1, reason = "x" });
        var unknownSku = await OverrideStockAsync(new { instance = "east", location = "E-A1", sku = "NOPE", quantity = 3, reason = "x" });
        var otherInstancesLocation = await OverrideStockAsync(new { instance = "east", location = "S12", sku = "100234", quantity = 3, reason = "x" });
        var malformed = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/stock-overrides", "{not json");

        Assert.Equal(
            [HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Forbidden, HttpStatusCode.BadRequest],
            new[] { noReason, negative, unknownSku, otherInstancesLocation, malformed }.Select(r => r.StatusCode).ToArray());
        Assert.True((await OperatorCalls.JsonAsync(noReason)).GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("urn:wmsfunctions:problem:location-not-allowed", (await OperatorCalls.JsonAsync(otherInstancesLocation)).GetProperty("type").GetString());
        Assert.Null(await SnapshotAsync());
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }

    private async Task SlipAsync(string slip)
    {
        var orchestrator = _hub.Services.GetRequiredService<PickSlipOrchestrator>();
        var deadlines = new PickSlipDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
        await orchestrator.ApplyAsync("acme", slip, "oms", "gen-" + slip,
            new SlipGenerated("ORD-" + slip, "east", "DC1", "standard", [new OrderedLine(1, "100234", 5), new OrderedLine(2, "100235", 2)], 1, false), deadlines, "test", Ct);
        await orchestrator.ApplyAsync("acme", slip, "oms", "sent-" + slip, new SlipSent(), deadlines, "test", Ct);
    }

    [Fact]
    public async Task PickSlipMarkedShipped_ThroughTheStateMachine_AsTheOperator_ThenAVoidIsIllegal()
    {
        await SlipAsync("PS-9");

        var shipped = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-9/override", new { action = "shipped", reason = "carrier confirmed by phone" });

        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        Assert.Equal("shipped", (await OperatorCalls.JsonAsync(shipped)).GetProperty("state").GetString());
        var history = await _hub.Services.GetRequiredService<PickSlipOrchestrator>().HistoryAsync("acme", "PS-9", Ct);
        Assert.StartsWith("operator:operator-key:", history[^1].Source, StringComparison.Ordinal);
        var status = Assert.Single(await _hub.RelayAsync());
        Assert.Contains("PS-9", status, StringComparison.Ordinal);

        var voided = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-9/override", new { action = "voided", reason = "mistake" });

        Assert.Equal(HttpStatusCode.Conflict, voided.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:illegal-transition", (await OperatorCalls.JsonAsync(voided)).GetProperty("type").GetString());
        Assert.Equal(history.Count, (await _hub.Services.GetRequiredService<PickSlipOrchestrator>().HistoryAsync("acme", "PS-9", Ct)).Count);
        Assert.Empty(await _hub.RelayAsync());

        var audit = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(_hub, "/api/ops/acme/audit?entityType=pick-slip&entityId=PS-9"));
        var entry = Assert.Single(audit.GetProperty("entries").EnumerateArray(), e => e.GetProperty("flow").GetString() == "operations");
        Assert.Equal(("override-pickslip", "carrier confirmed by phone"), (entry.GetProperty("outcome").GetString(), entry.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task PickSlipVoided_ByTheOperator_AndBadOverridesRefused()
    {
        await SlipAsync("PS-10");

        var missingReason = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-10/override", new { action = "voided" });
        var badAction = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-10/override", new { action = "lost", reason = "x" });
        var unknown = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-404/override", new { action = "voided", reason = "x" });
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.NotFound], new[] { missingReason, badAction, unknown }.Select(r => r.StatusCode).ToArray());
        Assert.Equal(PickSlipState.SentToWms, (await _hub.Services.GetRequiredService<PickSlipOrchestrator>().GetAsync("acme", "PS-10", Ct))!.State);

        var voided = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/pick-slips/PS-10/override", new { action = "voided", unreserve = true, reason = "customer cancelled, WMS offline" });

        Assert.Equal(HttpStatusCode.OK, voided.StatusCode);
        Assert.Equal(PickSlipState.Voided, (await _hub.Services.GetRequiredService<PickSlipOrchestrator>().GetAsync("acme", "PS-10", Ct))!.State);
    }
}
