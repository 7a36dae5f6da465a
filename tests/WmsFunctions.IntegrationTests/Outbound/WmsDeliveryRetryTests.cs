using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>
/// A WMS instance unavailable for a stretch (503 to every call): the Service Bus message completes after one delivery,
/// the delivery to that instance waits on the retry queue (WMS_DELIVERY_RETRY_QUEUE), fails there while the WMS is
/// still down, and is delivered exactly once when it recovers; the delivery claims keep order per document.
/// </summary>
public sealed class WmsDeliveryRetryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string PickSlips = "PickSlipOut";
    private const string Items = "ItemDownload";
    private const string Retry = "WmsDeliveryRetry";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await OutboundHub.StartAsync(azurite, settings: values => values["WMS_DELIVERY_RETRY_FIRST_DELAY"] = "00:00:01");

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task PickSlipDuringAnOutage_CompletesAfterOneDelivery_WaitsOnTheRetryQueue_AndIsDeliveredOnceAfterRecovery()
    {
        _hub.East.Fault = () => Reply.Unavailable();

        var invocation = await _hub.SendAsync(PickSlips, OutboundHub.CloudEvent("pick-slip.generated", "ps-out-1", PickSlipOutTests.Generated("PS-OUT", 1)));

        // One delivery, answered 200: nothing comes back from the subscription, nothing dead-letters.
        Assert.Equal(200, invocation.Status);
        Assert.Empty(await _hub.Hub.Functions.ReceiveOnceAsync(PickSlips, TestContext.Current.CancellationToken));
        Assert.Empty(await _hub.Hub.ServiceBus.ReceiveAllAsync(ServiceBusStandIn.DeadLetterPath(_hub.SubscriptionPath(PickSlips)), TestContext.Current.CancellationToken));
        Assert.Equal(3, _hub.East.To("/pick-slips").Count); // the first call and the pipeline's 2 quick retries, all 503

        // The deferral is on the retry queue, hidden for the first delay, and names the instance and the message as received.
        var queue = await RetryQueueAsync();
        Assert.Equal(1, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Empty((await queue.PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value);

        // Still down when it comes up: the invocation fails and the host tries it again later.
        var stillDown = await NextRetriesAsync();
        Assert.Equal(500, Assert.Single(stillDown).Status);
        Assert.Empty(await _hub.HandOffsAsync());

        _hub.East.Fault = null;
        var before = _hub.East.To("/pick-slips").Count;
        var recovered = await NextRetriesAsync();

        Assert.Equal(200, Assert.Single(recovered).Status);
        var accepted = _hub.East.To("/pick-slips").Skip(before).ToList();
        Assert.Contains("\"messageId\":\"ps-out-1\"", Assert.Single(accepted).Text, StringComparison.Ordinal);
        var handOff = Assert.Single(await _hub.HandOffsAsync());
        Assert.Equal(("PS-OUT", "sent", 1L), (handOff.PickSlipId, handOff.Delivery, handOff.OmsVersion));
        var outcomes = (await _hub.AuditAsync("pick-slips")).Where(a => a.GetString("Instance") == "east").Select(a => a.GetString("Outcome")).ToList();
        Assert.Equal("retrying", outcomes[0]);
        Assert.Equal("delivered", outcomes[^1]);
        Assert.Single(outcomes, o => o == "delivered");
        Assert.Empty(await _hub.FailedSyncsAsync("east"));

        // Nothing left anywhere: a later pass sends nothing more.
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        Assert.Empty(await _hub.Hub.Functions.DrainAsync(Retry, TestContext.Current.CancellationToken));
        Assert.Equal(0, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Equal(before + 1, _hub.East.To("/pick-slips").Count);
    }

    [Fact]
    public async Task ANewerVersionDeliveredWhileTheOlderWaits_MakesTheOlderStale_AndItIsNeverSent()
    {
        _hub.East.Fault = () => Reply.Unavailable();
        Assert.Equal(200, (await _hub.SendAsync(PickSlips, OutboundHub.CloudEvent("pick-slip.generated", "ps-old", PickSlipOutTests.Generated("PS-ORD", 1)))).Status);
        _hub.East.Fault = null;
        var before = _hub.East.To("/pick-slips").Count;

        Assert.Equal(200, (await _hub.SendAsync(PickSlips, OutboundHub.CloudEvent("pick-slip.generated", "ps-new", PickSlipOutTests.Generated("PS-ORD", 2, reprint: true)))).Status);
        var retried = await NextRetriesAsync();

        Assert.Equal(200, Assert.Single(retried).Status);
        var sent = _hub.East.To("/pick-slips").Skip(before).ToList();
        Assert.Contains("\"messageId\":\"ps-new\"", Assert.Single(sent).Text, StringComparison.Ordinal);
        var audit = (await _hub.AuditAsync("pick-slips")).Where(a => a.GetString("Instance") == "east").ToList();
        Assert.Equal("stale", audit.Single(a => a.GetString("EventId") == "ps-old" && a.GetString("Outcome") != "retrying").GetString("Outcome"));
        Assert.Equal(["reprint:sent:2"], (await _hub.HandOffsAsync()).Select(h => $"{h.Kind}:{h.Delivery}:{h.OmsVersion}"));
    }

    [Fact]
    public async Task TwoInstances_OneDown_TheHealthyOneGetsItOnceAtOnce_TheDownOneOnceAfterRecovery()
    {
        _hub.East.Fault = () => Reply.Unavailable();

        var invocation = await _hub.SendAsync(Items, OutboundHub.CloudEvent("item.changed", "item-split", ItemDownloadTests.Item(1)));

        Assert.Equal(200, invocation.Status);
        Assert.Single(_hub.Store.Requests);
        Assert.Equal(500, Assert.Single(await NextRetriesAsync()).Status);
        _hub.East.Fault = null;
        var before = _hub.East.Requests.Count;

        Assert.Equal(200, Assert.Single(await NextRetriesAsync()).Status);

        Assert.Equal(before + 1, _hub.East.Requests.Count);
        Assert.Single(_hub.Store.Requests); // OnlyInstance: the instance that accepted is not sent it again
        var audit = await _hub.AuditAsync("items");
        Assert.Single(audit, a => a.GetString("Instance") == "store-12");
        Assert.Single(audit, a => a.GetString("Instance") == "east" && a.GetString("Outcome") == "delivered");
    }

    [Fact]
    public async Task ARetryPastTheSchedule_IsAFailedSyncForAPerson_AndItsReplayDeliversItOnce()
    {
        _hub.East.Fault = () => Reply.Unavailable();
        Assert.Equal(200, (await _hub.SendAsync(PickSlips, OutboundHub.CloudEvent("pick-slip.generated", "ps-long", PickSlipOutTests.Generated("PS-LONG", 1)))).Status);
        await Task.Delay(TimeSpan.FromSeconds(1.2), TestContext.Current.CancellationToken);
        var queue = await RetryQueueAsync();
        var taken = (await queue.ReceiveMessageAsync(cancellationToken: TestContext.Current.CancellationToken)).Value;
        await queue.DeleteMessageAsync(taken.MessageId, taken.PopReceipt, TestContext.Current.CancellationToken);
        // As the host leaves it after the last generation's quick retries.
        var poison = await _hub.Hub.Services.GetRequiredService<HubStorage>().QueueAsync(queue.Name + "-poison", TestContext.Current.CancellationToken);
        await poison.SendMessageAsync(RetryEnvelope.WithGeneration(taken.Body.ToString(), QueueRetrySchedule.Delays.Count), TestContext.Current.CancellationToken);

        Assert.Equal(200, Assert.Single(await _hub.Hub.Functions.DrainAsync(Retry + "Poison", TestContext.Current.CancellationToken)).Status);

        var failed = Assert.Single(await _hub.FailedSyncsAsync("east", "wms-delivery-retry"));
        Assert.Equal((PoisonedMessages.RetriesExhausted, FailedSyncOriginKind.PoisonQueue, queue.Name), (failed.ReasonCode, failed.OriginKind, failed.Origin));
        Assert.Equal(0, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount); // not re-enqueued

        _hub.East.Fault = null;
        var before = _hub.East.To("/pick-slips").Count;
        var view = Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub.Hub), v => v.GetProperty("flow").GetString() == "wms-delivery-retry");
        var replay = await OperatorCalls.PostAsync(_hub.Hub, $"/api/ops/acme/failed-syncs/{view.GetProperty("id").GetString()}/replay", new { reason = "WMS back" });
        Assert.Equal(System.Net.HttpStatusCode.OK, replay.StatusCode);

        Assert.Equal(200, Assert.Single(await NextRetriesAsync()).Status);
        Assert.Contains("\"messageId\":\"ps-long\"", Assert.Single(_hub.East.To("/pick-slips").Skip(before)).Text, StringComparison.Ordinal);
        Assert.Equal(["generated:sent:1"], (await _hub.HandOffsAsync()).Select(h => $"{h.Kind}:{h.Delivery}:{h.OmsVersion}"));
    }

    [Theory]
    [InlineData("not json", "_unknown", "malformed-message")]
    [InlineData("""{"flow":"no-such-flow","tenant":"acme","instance":"east","body":"{}"}""", "_unknown", "malformed-message")]
    [InlineData("""{"flow":"pick-slips","tenant":"initech","instance":"east","body":"{}"}""", "_unknown", "unknown-tenant")]
    [InlineData("""{"flow":"pick-slips","tenant":"acme","instance":"west","body":"{}"}""", "acme", "unknown-instance")]
    public async Task ARetryThatCanNeverSucceed_IsAFailedSyncAtOnce_NotRetried(string body, string tenant, string reason)
    {
        var queue = await RetryQueueAsync();
        await queue.SendMessageAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal(200, Assert.Single(await _hub.Hub.Functions.DrainAsync(Retry, TestContext.Current.CancellationToken)).Status);

        var failed = Assert.Single(await _hub.Hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery(tenant, FailedSyncStore.Unrouted), TestContext.Current.CancellationToken));
        Assert.Equal(("wms-delivery-retry", reason, FailedSyncOriginKind.Queue), (failed.Flow, failed.ReasonCode, failed.OriginKind));
        Assert.Equal(0, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Empty(_hub.East.Requests);
    }

    private async Task<QueueClient> RetryQueueAsync() =>
        await _hub.Hub.Services.GetRequiredService<HubStorage>().QueueAsync(_hub.Hub.App.Configuration["WMS_DELIVERY_RETRY_QUEUE"]!, TestContext.Current.CancellationToken);

    /// <summary>Waits until the retry queue's next message is visible (the first delay, or the host's 5 s after a failure) and runs it.</summary>
    private async Task<IReadOnlyList<InvocationRecord>> NextRetriesAsync()
    {
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await _hub.Hub.Functions.DrainAsync(Retry, TestContext.Current.CancellationToken) is { Count: > 0 } ran)
            {
                return ran;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("No deferred delivery became visible on the retry queue within 20 s.");
    }
}
