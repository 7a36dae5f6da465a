using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
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
        _hub.East.DownWith = 503;

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

        _hub.East.DownWith = null;
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
        _hub.East.DownWith = 503;
        Assert.Equal(200, (await _hub.SendAsync(PickSlips, OutboundHub.CloudEvent("pick-slip.generated", "ps-old", PickSlipOutTests.Generated("PS-ORD", 1)))).Status);
        _hub.East.DownWith = null;
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
        _hub.East.DownWith = 503;

        var invocation = await _hub.SendAsync(Items, OutboundHub.CloudEvent("item.changed", "item-split", ItemDownloadTests.Item(1)));

        Assert.Equal(200, invocation.Status);
        Assert.Single(_hub.Store.Requests);
        Assert.Equal(500, Assert.Single(await NextRetriesAsync()).Status);
        _hub.East.DownWith = null;
        var before = _hub.East.Requests.Count;

        Assert.Equal(200, Assert.Single(await NextRetriesAsync()).Status);

        Assert.Equal(before + 1, _hub.East.Requests.Count);
        Assert.Single(_hub.Store.Requests); // OnlyInstance: the instance that accepted is not sent it again
        var audit = await _hub.AuditAsync("items");
        Assert.Single(audit, a => a.GetString("Instance") == "store-12");
        Assert.Single(audit, a => a.GetString("Instance") == "east" && a.GetString("Outcome") == "delivered");
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
