using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>The failed-sync queue through the operator API: filters, paging, resolve and ignore with a reason.</summary>
public sealed class FailedSyncsApiTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-3);
    private readonly FakeTimeProvider _clock = new(Start);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, _clock);
        var store = _hub.Services.GetRequiredService<FailedSyncStore>();
        async Task Record(string instance, string flow, string message, string reason, string tenant = "acme") =>
            await store.RecordAsync(new FailedSync(tenant, instance, FailedSyncDirection.OmsToWms, flow, "thing", "E-" + message, message, reason, "detail", "corr-" + message, "{}"),
                TestContext.Current.CancellationToken);

        await Record("east", "items", "m-1", "unmapped-unit");
        _clock.Advance(TimeSpan.FromHours(1));
        await Record("store-12", "items", "m-2", "wms-refused");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Record("east", "order-changes", "m-3", "order-batched");
        _clock.Advance(TimeSpan.FromHours(1));
        await Record("east", "items", "m-4", "wms-refused");
        _clock.Advance(TimeSpan.FromMinutes(1));
        await Record("store-12", "vendors", "m-5", "wms-refused");
        await Record("main", "items", "g-1", "wms-refused", tenant: "globex");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<string[]> MessagesAsync(string query) =>
        (await OperatorCalls.FailedSyncsAsync(_hub, query)).Select(f => f.GetProperty("messageId").GetString()!).ToArray();

    [Fact]
    public async Task List_ByReasonFlowAgeAndInstance_OldestFirst_AndOnlyTheTenantsOwn()
    {
        Assert.Equal(["m-1", "m-2", "m-3", "m-4", "m-5"], await MessagesAsync(""));
        Assert.Equal(["m-2", "m-4", "m-5"], await MessagesAsync("?reason=wms-refused"));
        Assert.Equal(["m-2", "m-4"], await MessagesAsync("?reason=wms-refused&flow=items"));
        Assert.Equal(["m-1", "m-2", "m-4"], await MessagesAsync("?flow=items"));
        Assert.Equal(["m-1", "m-2", "m-3"], await MessagesAsync("?olderThanMinutes=30"));
        Assert.Equal(["m-4", "m-5"], await MessagesAsync($"?newerThan={Uri.EscapeDataString(Start.AddMinutes(90).ToString("O"))}"));
        Assert.Equal(["m-2", "m-5"], (await MessagesAsync("?instance=store-12")).Order().ToArray());
        Assert.Equal(["m-5"], await MessagesAsync("?instance=store-12&flow=vendors"));
        Assert.Equal(["g-1"], (await OperatorCalls.FailedSyncsAsync(_hub, tenant: "globex")).Select(f => f.GetProperty("messageId").GetString()!).ToArray());
    }

    [Fact]
    public async Task List_InPages_WithAContinuation_CoversEveryFailureOnce()
    {
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var response = await OperatorCalls.GetAsync(_hub, "/api/ops/acme/failed-syncs?take=2" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await OperatorCalls.JsonAsync(response);
            var items = page.GetProperty("items").EnumerateArray().Select(f => f.GetProperty("messageId").GetString()!).ToArray();
            Assert.True(items.Length <= 2);
            seen.AddRange(items);
            continuation = page.GetProperty("continuation").GetString();
            pages++;
        }
        while (continuation is not null && pages < 10);

        Assert.Equal(["m-1", "m-2", "m-3", "m-4", "m-5"], seen);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task BadQuery_IsAProblem()
    {
        var response = await OperatorCalls.GetAsync(_hub, "/api/ops/acme/failed-syncs?take=0&status=lost&olderThanMinutes=-1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await OperatorCalls.JsonAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("take", out _) && errors.TryGetProperty("status", out _) && errors.TryGetProperty("olderThanMinutes", out _));
    }

    [Fact]
    public async Task Resolve_NeedsAReason_ClosesOnce_AndIsAudited()
    {
        var id = (await OperatorCalls.FailedSyncsAsync(_hub, "?flow=order-changes")).Single().GetProperty("id").GetString()!;

        var noReason = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/resolve", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub, "?flow=order-changes")); // nothing changed

        var resolved = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/resolve", new { reason = "order cancelled by phone" });
        var twice = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/ignore", new { reason = "again" });

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var view = await OperatorCalls.JsonAsync(resolved);
        Assert.Equal(("resolved", "order cancelled by phone"), (view.GetProperty("status").GetString(), view.GetProperty("statusReason").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(_hub, "?flow=order-changes"));
        Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub, "?flow=order-changes&status=resolved"));

        var audit = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/failed-syncs/{id}"));
        var entry = Assert.Single(audit.GetProperty("audit").EnumerateArray(), a => a.GetProperty("outcome").GetString() == "resolved");
        Assert.Equal("order cancelled by phone", entry.GetProperty("reason").GetString());
        Assert.StartsWith("operator-key:", entry.GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Ignore_TakesItOutOfTheOpenQueue()
    {
        var id = (await OperatorCalls.FailedSyncsAsync(_hub, "?instance=store-12&flow=vendors")).Single().GetProperty("id").GetString()!;

        var ignored = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/ignore", new { reason = "vendor retired" });

        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
        Assert.Equal(["m-2", "m-4"], await MessagesAsync("?reason=wms-refused"));
        Assert.Equal(["m-5"], await MessagesAsync("?status=ignored"));
    }

    [Fact]
    public async Task OtherTenantsFailure_IsNotFound()
    {
        var globex = (await OperatorCalls.FailedSyncsAsync(_hub, tenant: "globex")).Single().GetProperty("id").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/failed-syncs/{globex}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{globex}/resolve", new { reason = "x" })).StatusCode);
    }
}
