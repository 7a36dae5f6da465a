using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>Replays through the operator API: through the same flows as the original, and never applied twice.</summary>
public sealed class ReplayTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "OrderChangeOut";
    private OutboundHub _hub = null!;

    private HubTestHost Hub => _hub.Hub;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<string> RefusedOrderChangeAsync(string messageId, string orderId)
    {
        _hub.East.Enqueue(Reply.Problem(409, "urn:wms:problem:order-batched", $"Order {orderId} is in wave 7"));
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("order.cancelled", messageId, new { orderId, version = 4, warehouse = "DC1", reasonCode = "CUST" }));
        Assert.Equal(200, invocation.Status);
        var failed = (await OperatorCalls.FailedSyncsAsync(Hub, "?flow=order-changes")).Single(f => f.GetProperty("messageId").GetString() == messageId);
        Assert.Equal("order-batched", failed.GetProperty("reasonCode").GetString());
        return failed.GetProperty("id").GetString()!;
    }

    private int OrderChangesSentToEast => _hub.East.To("/order-changes").Count;

    [Fact]
    public async Task OutboundRefusal_ReplayedAfterTheFix_GoesThroughTheAdapterOnce_AndASecondReplayAppliesNothing()
    {
        var id = await RefusedOrderChangeAsync("oc-r1", "O-1");
        Assert.Equal(1, OrderChangesSentToEast);

        var replay = await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", new { reason = "wave released by the warehouse" });
        var again = await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var outcome = await OperatorCalls.JsonAsync(replay);
        Assert.Equal(("replayed", "Replayed"), (outcome.GetProperty("outcome").GetString(), outcome.GetProperty("status").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:failed-sync-not-open", (await OperatorCalls.JsonAsync(again)).GetProperty("type").GetString());
        Assert.Equal(2, OrderChangesSentToEast); // the original and exactly one replay
        Assert.Equal("oc-r1", System.Text.Json.JsonDocument.Parse(_hub.East.To("/order-changes")[1].Text).RootElement.GetProperty("messageId").GetString());
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(Hub, "?flow=order-changes"));

        var view = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(Hub, $"/api/ops/acme/failed-syncs/{id}"));
        Assert.Equal("replayed", view.GetProperty("failedSync").GetProperty("status").GetString());
        Assert.StartsWith("operator-key:", view.GetProperty("failedSync").GetProperty("statusBy").GetString());
        var trail = view.GetProperty("audit").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()).ToArray();
        Assert.Contains("refused", trail);
        Assert.Contains("delivered", trail);
        var replayEntry = view.GetProperty("audit").EnumerateArray().Single(a => a.GetProperty("outcome").GetString() == "replay-replayed");
        Assert.StartsWith("operator-key:", replayEntry.GetProperty("actor").GetString());
        Assert.Contains("wave released by the warehouse", replayEntry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ConcurrentReplaysOfTheSameFailure_ApplyOnce()
    {
        var id = await RefusedOrderChangeAsync("oc-r2", "O-2");

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.Conflict, a.StatusCode));
        Assert.Equal(2, OrderChangesSentToEast);
    }

    [Fact]
    public async Task ReplayRefusedAgain_StaysOpen_WithTheNewReason_AndCanBeReplayedLater()
    {
        var id = await RefusedOrderChangeAsync("oc-r3", "O-3");
        _hub.East.Enqueue(Reply.Problem(422, "urn:wms:problem:unknown-order", "Order O-3 is unknown"));

        var replay = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null));

        Assert.Equal(("failed-again", "Open"), (replay.GetProperty("outcome").GetString(), replay.GetProperty("status").GetString()));
        var open = Assert.Single(await OperatorCalls.FailedSyncsAsync(Hub, "?flow=order-changes"));
        Assert.Equal((id, 2), (open.GetProperty("id").GetString(), open.GetProperty("attempts").GetInt32()));
        Assert.NotEqual("order-batched", open.GetProperty("reasonCode").GetString());
        Assert.Single(await OperatorCalls.FailedSyncsAsync(Hub, $"?reason={open.GetProperty("reasonCode").GetString()}"));
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(Hub, "?reason=order-batched")); // the index follows the new reason

        var later = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null));
        Assert.Equal("replayed", later.GetProperty("outcome").GetString());
        Assert.Equal(3, OrderChangesSentToEast);
    }

    [Fact]
    public async Task InboundUnknownSku_ReplayedAfterTheItemExists_AppliesOnce_ThroughTheInbox()
    {
        var adjustment = new { eventId = "inv-new-1", type = "adjust", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1), sku = "NEW-1", location = "E-A1", quantity = 5 };
        var post = await Hub.PostInventoryAsync(adjustment);
        Assert.Equal((HttpStatusCode)422, post.StatusCode);
        var failed = Assert.Single(await OperatorCalls.FailedSyncsAsync(Hub, "?reason=unknown-sku"));
        var id = failed.GetProperty("id").GetString()!;
        Assert.Equal(("inventory", "wms-to-oms"), (failed.GetProperty("flow").GetString(), failed.GetProperty("direction").GetString()));

        var tooEarly = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null));
        Assert.Equal(("failed-again", "unknown-sku"), (tooEarly.GetProperty("outcome").GetString(), tooEarly.GetProperty("reasonCode").GetString()));

        await Hub.SeedItemsAsync("acme", "NEW-1"); // the fix: the item arrives
        var answers = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null)));
        var again = await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var snapshot = await Hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "NEW-1", TestContext.Current.CancellationToken);
        Assert.Equal(5, snapshot!.OnHand);
        var published = await Hub.RelayAsync();
        Assert.Single(published, e => e.Contains("inv-new-1", StringComparison.Ordinal));

        // The webhook sending the same event again now finds it in the inbox: answered as applied, nothing twice.
        var redelivered = await Hub.PostInventoryAsync(adjustment);
        Assert.Equal(HttpStatusCode.Accepted, redelivered.StatusCode);
        Assert.Equal("true", redelivered.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(5, (await Hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "NEW-1", TestContext.Current.CancellationToken))!.OnHand);
    }

    [Fact]
    public async Task ReplayMany_ReportsEachOutcome()
    {
        var first = await RefusedOrderChangeAsync("oc-m1", "O-11");
        var second = await RefusedOrderChangeAsync("oc-m2", "O-12");

        var response = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/failed-syncs/replay", new { ids = new[] { first, second, "bm90LWFuLWlk" }, reason = "waves released" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcomes = (await OperatorCalls.JsonAsync(response)).GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()!).ToArray();
        Assert.Equal(["replayed", "replayed", "not-found"], outcomes);
        Assert.Equal(4, OrderChangesSentToEast);
    }

    [Fact]
    public async Task DeadLetterFedBack_BecomesAFailedSync_ThatReplaysThroughItsFlow()
    {
        var body = OutboundHub.CloudEvent("order.cancelled", "oc-dl", new { orderId = "O-21", version = 2, warehouse = "DC1", reasonCode = "CUST" });

        var invalid = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/dead-letters", new { flow = "teleport", body, reason = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(Hub));

        var fed = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/dead-letters",
            new { flow = "order-changes", instance = "east", entityType = "order", entityId = "O-21", body, reason = "from oms-order-changes/wms-hub/$deadletterqueue" });
        var twice = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/dead-letters",
            new { flow = "order-changes", instance = "east", entityType = "order", entityId = "O-21", body, reason = "fed again by mistake" });

        Assert.Equal(HttpStatusCode.Created, fed.StatusCode);
        var failed = await OperatorCalls.JsonAsync(fed);
        Assert.Equal(("dead-lettered", "oc-dl", "open"), (failed.GetProperty("reasonCode").GetString(), failed.GetProperty("messageId").GetString(), failed.GetProperty("status").GetString()));
        Assert.Equal(failed.GetProperty("id").GetString(), (await OperatorCalls.JsonAsync(twice)).GetProperty("id").GetString());
        Assert.Single(await OperatorCalls.FailedSyncsAsync(Hub, "?reason=dead-lettered"));

        var replay = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{failed.GetProperty("id").GetString()}/replay", null));

        Assert.Equal("replayed", replay.GetProperty("outcome").GetString());
        Assert.Equal("oc-dl", System.Text.Json.JsonDocument.Parse(Assert.Single(_hub.East.To("/order-changes")).Text).RootElement.GetProperty("messageId").GetString());
        Assert.Empty(_hub.Store.To("/messages"));
    }
}
