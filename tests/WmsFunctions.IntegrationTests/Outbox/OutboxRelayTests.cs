using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Outbox;

/// <summary>An acknowledged event always leaves for the OMS, exactly once in effect.</summary>
public sealed class OutboxRelayTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow.AddMinutes(-10);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private T Get<T>() where T : notnull => _hub.Services.GetRequiredService<T>();

    /// <summary>
    /// What a webhook leaves behind when its process dies right after accepting an event: the inbox row (Received)
    /// and the reserved outbox message, which becomes visible once its reservation times out.
    /// </summary>
    private async Task<InventoryTransactionRequest> SimulateWebhookDiedAfterAcceptAsync(string eventId, long quantity)
    {
        var request = new InventoryTransactionRequest
        {
            EventId = eventId, Type = "adjust", OccurredAt = At, Sku = "100234", Location = "E-A1", Quantity = quantity,
        };
        var command = new InventoryTransactionCommand(
            InventoryTransactionType.Adjust, At, null, null, new WmsCodes("100234", "E-A1", null),
            [new StockChange("DC1", "east:E-A1", "100234", StockChangeKind.Adjust, quantity)]);
        var (_, created) = await Get<InboxStore>().AddOrGetAsync(
            new InboxEntity
            {
                PartitionKey = InboxEntity.PartitionFor("acme", "east"),
                RowKey = InboxEntity.RowFor(InventoryTransactionFlow.FlowName, eventId),
                Tenant = "acme",
                Instance = "east",
                Flow = InventoryTransactionFlow.FlowName,
                EventId = eventId,
                RequestHash = ContractJson.Hash(request),
                Command = JsonSerializer.Serialize(command, ContractJson.Options),
                CorrelationId = "crash-test",
                ReceivedAt = DateTimeOffset.UtcNow,
            },
            TestContext.Current.CancellationToken);
        Assert.True(created);
        await EnqueueVisibleAsync(new InboxRef("acme", "east", InventoryTransactionFlow.FlowName, eventId));
        return request;
    }

    private async Task EnqueueVisibleAsync(InboxRef reference)
    {
        var storage = Get<HubStorage>();
        var queue = await storage.QueueAsync(storage.OutboxQueueName, TestContext.Current.CancellationToken);
        await queue.SendMessageAsync(OutboxMessages.Serialize(reference), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Relay_FinishesAnEventItsWebhookLeftUnfinished_AndTheWmsRetryGetsTheSameAnswer()
    {
        var request = await SimulateWebhookDiedAfterAcceptAsync("crash-1", 4);

        var sent = await _hub.RelayAsync();

        var published = JsonDocument.Parse(Assert.Single(sent)).RootElement;
        Assert.Equal("acme/east/inventory/crash-1", published.GetProperty("id").GetString());
        Assert.Equal(4, (await Get<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))!.OnHand);

        // The WMS never got its answer, so it retries: it is answered from the stored outcome, nothing applies twice.
        var retry = await _hub.PostInventoryAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(4, (await Get<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))!.OnHand);
        Assert.Empty(await _hub.RelayAsync());
    }

    [Fact]
    public async Task WmsRetry_BeforeTheRelay_FinishesTheEvent_AndOnlyTheOrphanedMessagePublishesIt()
    {
        var request = await SimulateWebhookDiedAfterAcceptAsync("crash-2", 9);

        var retry = await _hub.PostInventoryAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(9, (await Get<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))!.OnHand);
        var sent = await _hub.RelayAsync(); // the orphaned message; the retry deleted its own reservation
        Assert.Equal("acme/east/inventory/crash-2", JsonDocument.Parse(Assert.Single(sent)).RootElement.GetProperty("id").GetString());
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task Redelivery_AfterAFailedOutput_RepublishesTheIdenticalEvent_WithoutReapplying()
    {
        await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("redeliver-1", "adjust", 2));
        var first = Assert.Single(await _hub.RelayAsync());

        // The host redelivers the same message (same id) when an output binding fails after the handler answered 200.
        var reference = new InboxRef("acme", "east", InventoryTransactionFlow.FlowName, "redeliver-1");
        var row = await Get<InboxStore>().FindAsync(reference, TestContext.Current.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        var (status, answer) = await _hub.Functions.InvokeAsync(
            "OutboxRelay",
            HostPayloads.QueueTrigger("message", "OutboxRelay", OutboxMessages.Serialize(reference), row!.OutboxMessageId!, 2, now, now.AddDays(7), now.AddMinutes(10), "pop-2", now.UtcDateTime),
            TestContext.Current.CancellationToken);
        Assert.Equal(200, status);
        var second = Assert.Single(LocalFunctionsHost.OutputsOf(_hub.FunctionApp["OutboxRelay"], answer)).Body;

        Assert.Equal(first, second);
        Assert.Equal(2, (await Get<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))!.OnHand);
        Assert.Single(await _hub.RowsAsync(HubTable.Audit), a => a.GetString("Outcome") == "applied");
    }

    [Fact]
    public async Task Message_TheInboxRowDoesNotName_PublishesNothing_AndCompletes()
    {
        await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("stray-1", "adjust", 2));
        Assert.Single(await _hub.RelayAsync());

        // A copy of the reservation that landed late (the SDK sent it again while storage stalled).
        await EnqueueVisibleAsync(new InboxRef("acme", "east", InventoryTransactionFlow.FlowName, "stray-1"));

        Assert.Empty(await _hub.RelayAsync());
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task Message_ForAnUnknownInboxRow_PublishesNothing_AndCompletes()
    {
        await EnqueueVisibleAsync(new InboxRef("acme", "east", InventoryTransactionFlow.FlowName, "never-accepted"));

        Assert.Empty(await _hub.RelayAsync());
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task Webhook_AcknowledgesOnlyWithItsMessageReleased_SoTheRelayPublishesWithoutWaiting()
    {
        var response = await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("fast-1", "adjust", 1));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // Visible at once: the reservation (30 s) was released when the event completed.
        Assert.Single(await _hub.RelayAsync());
    }
}
