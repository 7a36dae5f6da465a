using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.UnitTests.CustomHandler;

/// <summary>Every queue a function reads has a watcher on where its failures go: the poison queue, the dead-letter subqueue.</summary>
public class FailureWatcherTests
{
    [Fact]
    public void Catalog_EveryQueueTrigger_HasAWatcherOnItsPoisonQueue()
    {
        var queues = FunctionCatalog.All.Select(f => f.Trigger).OfType<QueueTrigger>().ToList();

        var read = queues.Where(q => q.Suffix == "").Select(q => q.QueueNameSetting).Order(StringComparer.Ordinal).ToList();
        var watched = queues.Where(q => q.Suffix == "-poison").Select(q => q.QueueNameSetting).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["CHANNELS_STOCK_QUEUE", "FAILED_SYNC_JOBS_QUEUE", "OUTBOX_QUEUE", "PICKSLIP_ESCALATION_QUEUE", "PICKSLIP_EVENTS_QUEUE", "RECONCILIATION_QUEUE", "WMS_DELIVERY_RETRY_QUEUE"], read);
        Assert.Equal(read, watched);
    }

    [Fact]
    public void Catalog_EveryServiceBusTrigger_HasAWatcherOnItsDeadLetterSubqueue()
    {
        var functions = FunctionCatalog.All.Where(f => f.Trigger is ServiceBusTrigger).ToList();

        var read = functions.Where(f => f.Trigger is ServiceBusTrigger { DeadLetter: false }).ToList();
        var watchers = functions.Where(f => f.Trigger is ServiceBusTrigger { DeadLetter: true }).Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(read);
        Assert.All(read, f => Assert.Contains(f.Name + "DeadLetters", watchers));
        Assert.All(read, f => Assert.NotNull(f.Failures)); // the flow its dead letters are filed under
        Assert.Equal(read.Count, watchers.Count);
    }

    [Fact]
    public void ToFunctionJson_PoisonWatcher_ReadsThePoisonQueueOfTheSetting()
    {
        var json = FunctionCatalog.All.Single(f => f.Name == "OutboxRelayPoison").ToFunctionJson().ToJsonString();

        Assert.Equal(
            """{"bindings":[{"type":"queueTrigger","direction":"in","name":"message","queueName":"%OUTBOX_QUEUE%-poison","connection":"HubStorage"}]}""",
            json);
    }

    [Fact]
    public void ToFunctionJson_DeadLetterWatcher_ReadsTheSubscriptionsDeadLetterSubqueue()
    {
        var json = FunctionCatalog.All.Single(f => f.Name == "ChannelFeedDeadLetters").ToFunctionJson().ToJsonString();

        Assert.Equal(
            """{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","connection":"ServiceBus","cardinality":"one","dataType":"string","topicName":"%OMS_EVENTS_TOPIC%","subscriptionName":"%CHANNELS_FEED_SUBSCRIPTION%/$DeadLetterQueue"}]}""",
            json);
    }
}
