using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>The failed-sync store the operator API (issue 6) will read: recorded once per message, queryable.</summary>
public sealed class FailedSyncStoreTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private HubTestHost _hub = null!;
    private FailedSyncStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        _store = new FailedSyncStore(
            _hub.Services.GetRequiredService<HubStorage>(), _time, _hub.Services.GetRequiredService<FailedSyncFlows>(), _hub.Services.GetRequiredService<HubMetrics>());
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static FailedSync Failure(string flow, string entity, string message, string reason, string instance = "east", string body = "{}", string direction = FailedSyncDirection.OmsToWms) =>
        new("acme", instance, direction, flow, "thing", entity, message, reason, "detail of " + reason, "corr", body);

    [Fact]
    public async Task SameFailureAgain_CountsAnAttempt_KeepsFirstSeen_AndTheLatestDetail()
    {
        await _store.RecordAsync(Failure("items", "SKU|1/a", "m-1", "wms-refused"), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromMinutes(5));

        var again = await _store.RecordAsync(Failure("items", "SKU|1/a", "m-1", "wms-unavailable"), TestContext.Current.CancellationToken);

        Assert.Equal((2, Start, Start.AddMinutes(5), "wms-unavailable", "SKU|1/a"), (again.Attempts, again.FirstSeenAt, again.LastSeenAt, again.ReasonCode, again.EntityId));
        Assert.Single(await _store.QueryAsync(new FailedSyncQuery("acme", "east"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Query_ByFlowAgeReasonAndInstance()
    {
        await _store.RecordAsync(Failure("items", "A", "m-1", "unmapped-unit"), TestContext.Current.CancellationToken);
        _time.Advance(TimeSpan.FromHours(1));
        await _store.RecordAsync(Failure("order-changes", "O-1", "m-2", "order-batched"), TestContext.Current.CancellationToken);
        await _store.RecordAsync(Failure("items", "B", "m-3", "wms-refused"), TestContext.Current.CancellationToken);
        await _store.RecordAsync(Failure("items", "C", "m-4", "wms-refused", instance: "store-12"), TestContext.Current.CancellationToken);
        await _store.RecordAsync(Failure("pick", "S-1", "m-5", "unknown-sku", direction: FailedSyncDirection.WmsToOms), TestContext.Current.CancellationToken);

        async Task<IEnumerable<string>> Ids(FailedSyncQuery query) =>
            (await _store.QueryAsync(query, TestContext.Current.CancellationToken)).Select(f => f.MessageId).Order(StringComparer.Ordinal);

        Assert.Equal(["m-1", "m-2", "m-3", "m-5"], await Ids(new FailedSyncQuery("acme", "east")));
        Assert.Equal(["m-1", "m-3"], await Ids(new FailedSyncQuery("acme", "east", Flow: "items")));
        Assert.Equal(["m-2", "m-3", "m-5"], await Ids(new FailedSyncQuery("acme", "east", FirstSeenFrom: Start.AddMinutes(30))));
        Assert.Equal(["m-1"], await Ids(new FailedSyncQuery("acme", "east", FirstSeenTo: Start.AddMinutes(30))));
        Assert.Equal(["m-3"], await Ids(new FailedSyncQuery("acme", "east", ReasonCode: "wms-refused")));
        Assert.Equal(["m-4"], await Ids(new FailedSyncQuery("acme", "store-12", Status: FailedSyncStatus.Open)));
        Assert.Equal(FailedSyncDirection.WmsToOms, (await _store.QueryAsync(new FailedSyncQuery("acme", "east", Flow: "pick"), TestContext.Current.CancellationToken)).Single().Direction);
    }

    [Fact]
    public async Task LargeOriginalMessage_IsKeptWhole_ForAReplay()
    {
        var body = string.Concat(Enumerable.Range(0, 9_000).Select(i => $"{{\"n\":{i}}}"));
        Assert.True(body.Length > 2 * FailedSyncEntity.BodyChunkChars);

        var recorded = await _store.RecordAsync(Failure("purchase-orders", "PO-1", "m-9", "invalid-message", body: body), TestContext.Current.CancellationToken);

        Assert.Equal(body, await _store.ReadBodyAsync("acme", "east", recorded.RowKey, TestContext.Current.CancellationToken));
        Assert.True(recorded.BodyChunks >= 3);
    }
}
