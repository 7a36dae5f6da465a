using WmsFunctions.Flows;
using WmsFunctions.Handler;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>The OMS -> WMS functions' subscriptions and the hand-off queue are deployed as the handler expects them.</summary>
public sealed class OutboundDeliveryTests(BicepWorkspace workspace)
{
    [Fact]
    public async Task Subscriptions_TheOutboundFunctionsRead_DeadLetterAfterTenDeliveries()
    {
        var snapshot = await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);
        var ns = (string)snapshot.One("Microsoft.ServiceBus/namespaces")["id"]!;
        // docs/failures.md: Service Bus's own retries (a WMS outage does not spend them: the delivery waits on the retry queue).
        const int expected = 10;

        var triggers = FunctionJsonBinding.Of(FunctionCatalog.All).Where(b => b.Type == "serviceBusTrigger" && !b.IsFailureWatcher).ToList();

        Assert.Equal(HubFlows.OmsToWms.Count + 1, triggers.Count); // every OMS -> WMS flow and the channels' feed (their dead-letter watchers aside)
        foreach (var trigger in triggers)
        {
            var id = $"{ns}/topics/{trigger.EntityName("topicName", snapshot.AppSettings)}/subscriptions/{trigger.EntityName("subscriptionName", snapshot.AppSettings)}";
            var subscription = snapshot.Find(id);
            Assert.True(subscription is not null, $"{id} is not deployed");
            Assert.Equal(expected, (int?)subscription.At("properties.maxDeliveryCount"));
            Assert.Equal(true, (bool?)subscription.At("properties.deadLetteringOnMessageExpiration"));
        }
    }

    [Fact]
    public async Task PickSlipHandOffQueue_IsSet_AndDeployedInTheDataAccount()
    {
        var snapshot = await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);
        var account = Assert.Single(snapshot.ReferencedIds(snapshot.AppSettings["HubStorage__queueServiceUri"], "Microsoft.Storage/storageAccounts"));

        var queue = snapshot.AppSettings[OutboundDeliveryOptions.PickSlipEventsQueueSetting];

        Assert.Equal(new OutboundDeliveryOptions().PickSlipEventsQueue, queue);
        Assert.NotNull(snapshot.Find($"{account}/queueServices/default/queues/{queue}"));
    }
}
