using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.IntegrationTests.Inventory;

/// <summary>
/// The same event delivered several times at the same moment (a WMS retrying while its first delivery is still being
/// handled): applied once, published once, and every delivery but the first audited as a duplicate, as when the
/// deliveries come one after another.
/// </summary>
public sealed class ConcurrentDuplicateTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234");
        await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("warm-up", "adjust", 1)); // tables and queue exist: the copies race on the inbox only
        await _hub.RelayAsync();
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public async Task SameBody_PostedConcurrently_IsAppliedOnce_PublishedOnce_AndTheOthersAreAuditedAsDuplicates(int copies)
    {
        var body = JsonSerializer.Serialize(InventoryWebhookTests.Tx("concurrent-1", "adjust", 7));
        using var go = new ManualResetEventSlim();
        var posts = Enumerable.Range(0, copies).Select(_ => Task.Run(
            () =>
            {
                go.Wait(TestContext.Current.CancellationToken);
                return _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body);
            },
            TestContext.Current.CancellationToken)).ToList();
        go.Set();
        var responses = await Task.WhenAll(posts);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var answers = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.Single(answers.Distinct()); // every delivery answered as the first
        Assert.Single(responses, r => !r.Headers.Contains("Idempotent-Replayed"));

        var published = await _hub.RelayAsync();
        Assert.Single(published);
        Assert.Equal("acme/east/inventory/concurrent-1", JsonDocument.Parse(published[0]).RootElement.GetProperty("id").GetString());
        Assert.Equal(0, await _hub.OutboxMessagesAsync()); // no reservation of a duplicate left to surface later

        var snapshot = await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken);
        Assert.Equal(8, snapshot!.OnHand); // warm-up 1 + 7 once
        var audit = await _hub.RowsAsync(HubTable.Audit);
        Assert.Equal(copies - 1, audit.Count(a => a.GetString("Outcome") == "duplicate" && a.GetString("EventId") == "concurrent-1"));
    }

    /// <summary>
    /// The first delivery's insert landed but its request timed out before the effects (an outage, a deadline), and its
    /// reservation may already be gone (one that surfaced while the stalled insert had not landed found no row and was
    /// dropped: this lost an acknowledged event in a storm through an 8 s stall). The WMS's retry takes the row over:
    /// it finishes the event, is answered as a duplicate, and its own reservation publishes it once; the first
    /// reservation, if it still comes up, is a stray the relay drops.
    /// </summary>
    [Fact]
    public async Task RetryAfterATimeoutThatFollowedTheInsert_TakesTheRowOver_AndItIsPublishedOnce()
    {
        var body = JsonSerializer.Serialize(InventoryWebhookTests.Tx("timed-out-1", "adjust", 5));
        var flow = _hub.Services.GetServices<IInboundFlow>().Single(f => f.Name == "inventory");
        _hub.Services.GetRequiredService<TenantDirectory>().TryGet("acme", "east", out var wms);
        var read = await flow.ReadAsync(new InboundRequest(wms, System.Text.Encoding.UTF8.GetBytes(body), "corr-first"), TestContext.Current.CancellationToken);
        var ev = read.Event!;
        var outbox = _hub.Services.GetRequiredService<OutboxMessages>();
        var reservation = await outbox.ReserveAsync(new InboxRef(ev.Tenant, ev.Instance, ev.Flow, ev.EventId), null, TestContext.Current.CancellationToken);
        var (_, created) = await _hub.Services.GetRequiredService<InboxStore>().AddOrGetAsync(
            new InboxEntity
            {
                PartitionKey = InboxEntity.PartitionFor(ev.Tenant, ev.Instance),
                RowKey = InboxEntity.RowFor(ev.Flow, ev.EventId),
                Tenant = ev.Tenant,
                Instance = ev.Instance,
                Flow = ev.Flow,
                EventId = ev.EventId,
                RequestHash = ev.RequestHash,
                Command = ev.Command,
                CorrelationId = ev.CorrelationId,
                OutboxMessageId = reservation.MessageId,
                ReceivedAt = DateTimeOffset.UtcNow,
            },
            TestContext.Current.CancellationToken);
        Assert.True(created); // ... and here the first request's deadline passed: 503, nothing applied yet

        var retry = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var snapshot = await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken);
        Assert.Equal(6, snapshot!.OnHand); // warm-up 1 + 5, once
        var published = Assert.Single(await _hub.RelayAsync()); // the retry's reservation, which the row now names
        Assert.Equal("acme/east/inventory/timed-out-1", JsonDocument.Parse(published).RootElement.GetProperty("id").GetString());
        await outbox.ReleaseAsync(reservation, TestContext.Current.CancellationToken); // the first reservation's timeout passes
        Assert.Empty(await _hub.RelayAsync()); // a stray now: dropped, not published again
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task Relay_DropsAReservationWhoseInboxRowWasNeverInserted_Quietly()
    {
        var outbox = _hub.Services.GetRequiredService<OutboxMessages>();
        var reservation = await outbox.ReserveAsync(new InboxRef("acme", "east", "inventory", "never-inserted"), null, TestContext.Current.CancellationToken);
        await outbox.ReleaseAsync(reservation, TestContext.Current.CancellationToken); // as if its reservation timeout had passed

        Assert.Empty(await _hub.RelayAsync()); // every invocation 200: nothing published, nothing retried
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }
}
