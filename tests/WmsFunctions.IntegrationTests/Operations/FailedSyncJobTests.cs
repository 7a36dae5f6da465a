using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>
/// Bulk recovery through the operator API: a dry run counts what a filter takes; a job (a row and queue messages, worked
/// through by the FailedSyncJobs queue function in slices) replays or closes each match once, with per-item outcomes;
/// the same request twice is one job, two jobs over the same failures act on each once, and a tenant's job never
/// touches another tenant's failures.
/// </summary>
public sealed class FailedSyncJobTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OutboundHub _hub = null!;

    private HubTestHost Hub => _hub.Hub;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private int OrderChangesSentToEast => _hub.East.To("/order-changes").Count;

    /// <summary>Order changes the east WMS refused: each a failed sync with its CloudEvent, replayable to east.</summary>
    private async Task RecordAsync(string prefix, int count, string reason, string tenant = "acme", string instance = "east")
    {
        var store = Hub.Services.GetRequiredService<FailedSyncStore>();
        for (var i = 1; i <= count; i++)
        {
            var id = $"{prefix}-{i}";
            var body = OutboundHub.CloudEvent("order.cancelled", id, new { orderId = "O-" + id, version = 4, warehouse = "DC1", reasonCode = "CUST" }, tenant);
            await store.RecordAsync(new FailedSync(tenant, instance, FailedSyncDirection.OmsToWms, "order-changes", "order", "O-" + id, id, reason, "HTTP 409", "corr-" + id, body), Ct);
        }
    }

    private async Task<JsonElement> PostJobAsync(object body, HttpStatusCode expected, string tenant = "acme")
    {
        var response = await OperatorCalls.PostAsync(Hub, $"/api/ops/{tenant}/failed-syncs/jobs", body);
        var json = await OperatorCalls.JsonAsync(response);
        Assert.True(response.StatusCode == expected, json.ToString());
        return json;
    }

    private async Task RunJobsAsync()
    {
        var invocations = await Hub.Functions.DrainAsync("FailedSyncJobs", Ct);
        Assert.NotEmpty(invocations);
        Assert.All(invocations, i => Assert.Equal(200, i.Status));
    }

    private async Task<JsonElement> JobAsync(string jobId, string tenant = "acme")
    {
        var response = await OperatorCalls.GetAsync(Hub, $"/api/ops/{tenant}/failed-syncs/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await OperatorCalls.JsonAsync(response);
    }

    private async Task<List<JsonElement>> ItemsAsync(string jobId)
    {
        var items = new List<JsonElement>();
        string? continuation = null;
        do
        {
            var query = continuation is null ? "?take=20" : "?take=20&continuation=" + Uri.EscapeDataString(continuation);
            var page = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(Hub, $"/api/ops/acme/failed-syncs/jobs/{jobId}/items{query}"));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null);
        return items;
    }

    private static (string Status, int Matched, int Done, int Succeeded, int FailedAgain, int Skipped) Progress(JsonElement job) =>
        (job.GetProperty("status").GetString()!, job.GetProperty("matched").GetInt32(), job.GetProperty("done").GetInt32(),
            job.GetProperty("succeeded").GetInt32(), job.GetProperty("failedAgain").GetInt32(), job.GetProperty("skipped").GetInt32());

    [Fact]
    public async Task DryRunCountsTheMatches_AJobOver35Failures_ReplaysEachOnce_WithAnOutcomePerItem_AndTheSameRequestAgainIsTheSameJob()
    {
        await RecordAsync("b", 35, "order-batched");
        await RecordAsync("r", 4, "wms-refused");
        await RecordAsync("g", 3, "order-batched", tenant: "globex", instance: "main");
        var filter = new { action = "replay", flow = "order-changes", reasonCode = "order-batched", ratePerSecond = 50, reason = "waves released" };

        var dry = await PostJobAsync(new { filter.action, filter.flow, filter.reasonCode, dryRun = true }, HttpStatusCode.OK);
        var open = (await OperatorCalls.FailedSyncsAsync(Hub, "?reason=order-batched&take=200")).Select(f => f.GetProperty("id").GetString()).ToHashSet();
        Assert.Equal((35, false), (dry.GetProperty("matched").GetInt32(), dry.GetProperty("moreThanCounted").GetBoolean()));
        Assert.Equal(10, dry.GetProperty("sample").EnumerateArray().Select(s => s.GetString()).Distinct().Count(open.Contains));
        Assert.Equal(0, OrderChangesSentToEast); // a dry run changes nothing

        var started = await PostJobAsync(filter, HttpStatusCode.Accepted);
        var jobId = started.GetProperty("jobId").GetString()!;
        var again = await PostJobAsync(filter, HttpStatusCode.OK);
        Assert.Equal(jobId, again.GetProperty("jobId").GetString());
        await RunJobsAsync();
        var onceMore = await PostJobAsync(filter, HttpStatusCode.OK); // after it completed: still the same job, nothing started
        Assert.Empty(await Hub.Functions.DrainAsync("FailedSyncJobs", Ct)); // a completed job is not queued again

        Assert.Equal(jobId, onceMore.GetProperty("jobId").GetString());
        Assert.Equal(("completed", 35, 35, 35, 0, 0), Progress(await JobAsync(jobId)));
        var items = await ItemsAsync(jobId);
        Assert.Equal(35, items.Count);
        Assert.All(items, i => Assert.Equal(("replayed", "replayed"), (i.GetProperty("outcome").GetString(), i.GetProperty("status").GetString())));
        Assert.Equal(open.Order(), items.Select(i => i.GetProperty("id").GetString()).Order());
        Assert.Equal(35, OrderChangesSentToEast);
        Assert.Equal(35, _hub.East.To("/order-changes").Select(r => JsonDocument.Parse(r.Text).RootElement.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.Equal(4, (await OperatorCalls.FailedSyncsAsync(Hub)).Length); // the wms-refused ones
        Assert.Equal(3, (await OperatorCalls.FailedSyncsAsync(Hub, tenant: "globex")).Length);
    }

    [Fact]
    public async Task TwoJobsOverTheSameFailures_RunConcurrently_ReplayEachFailureOnce()
    {
        await RecordAsync("c", 30, "order-batched");
        var first = await PostJobAsync(new { action = "replay", reasonCode = "order-batched", ratePerSecond = 50, idempotencyKey = "first" }, HttpStatusCode.Accepted);
        var second = await PostJobAsync(new { action = "replay", reasonCode = "order-batched", ratePerSecond = 50, idempotencyKey = "second" }, HttpStatusCode.Accepted);
        var reused = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/failed-syncs/jobs", new { action = "resolve", reason = "x", idempotencyKey = "first" });

        await RunJobsAsync(); // the host runs a batch of messages concurrently: both jobs at once

        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        var a = Progress(await JobAsync(first.GetProperty("jobId").GetString()!));
        var b = Progress(await JobAsync(second.GetProperty("jobId").GetString()!));
        Assert.Equal(("completed", "completed"), (a.Status, b.Status));
        Assert.Equal(30, a.Succeeded + b.Succeeded);
        Assert.Equal(0, a.FailedAgain + b.FailedAgain);
        Assert.Equal((a.Matched, b.Matched), (a.Done, b.Done));
        Assert.True(a.Matched + b.Matched > 30, $"the jobs did not overlap: {a.Matched} and {b.Matched} matched"); // both found failures the other took
        Assert.Equal(a.Matched + b.Matched - 30, a.Skipped + b.Skipped);
        Assert.Equal(30, OrderChangesSentToEast);
        Assert.Equal(30, _hub.East.To("/order-changes").Select(r => JsonDocument.Parse(r.Text).RootElement.GetProperty("messageId").GetString()).Distinct().Count());
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(Hub));
    }

    [Fact]
    public async Task ResolveByFilter_ClosesOnlyTheMatches_OfItsOwnTenant()
    {
        await RecordAsync("x", 10, "order-batched");
        await RecordAsync("y", 5, "wms-refused");
        await RecordAsync("z", 3, "order-batched", tenant: "globex", instance: "main");
        var withoutReason = await OperatorCalls.PostAsync(Hub, "/api/ops/acme/failed-syncs/jobs", new { action = "resolve", reasonCode = "order-batched" });
        Assert.Equal(HttpStatusCode.BadRequest, withoutReason.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await OperatorCalls.PostAsync(Hub, "/api/ops/acme/failed-syncs/jobs", new { action = "teleport" })).StatusCode);

        var job = await PostJobAsync(new { action = "resolve", reasonCode = "order-batched", reason = "orders cancelled in the OMS", ratePerSecond = 50 }, HttpStatusCode.Accepted);
        var jobId = job.GetProperty("jobId").GetString()!;
        await RunJobsAsync();

        Assert.Equal(("completed", 10, 10, 10, 0, 0), Progress(await JobAsync(jobId)));
        Assert.All(await ItemsAsync(jobId), i => Assert.Equal("resolved", i.GetProperty("outcome").GetString()));
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(Hub, "?reason=order-batched"));
        Assert.Equal(5, (await OperatorCalls.FailedSyncsAsync(Hub, "?reason=wms-refused")).Length);
        Assert.Equal(10, (await OperatorCalls.FailedSyncsAsync(Hub, "?status=resolved&take=200")).Length);
        Assert.Equal(3, (await OperatorCalls.FailedSyncsAsync(Hub, "?reason=order-batched", tenant: "globex")).Length);
        Assert.Equal(0, OrderChangesSentToEast);
        Assert.Equal(HttpStatusCode.NotFound, (await OperatorCalls.GetAsync(Hub, $"/api/ops/globex/failed-syncs/jobs/{jobId}")).StatusCode);
    }
}
