using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.UnitTests.CustomHandler;

public class FunctionDefinitionTests
{
    [Fact]
    public void ToFunctionJson_Webhook_IsOneHttpTriggerAndOneHttpOutput()
    {
        var json = FunctionCatalog.All.Single(f => f.Name == "InventoryTransactions").ToFunctionJson().ToJsonString();

        Assert.Equal(
            """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"function","methods":["post"],"route":"wms/{tenant}/{instance}/inventory-transactions"},{"type":"http","direction":"out","name":"res"}]}""",
            json);
    }

    [Fact]
    public void ToFunctionJson_OutboxRelay_ReadsTheQueueAndWritesTheTopicBySetting()
    {
        var json = FunctionCatalog.All.Single(f => f.Name == "OutboxRelay").ToFunctionJson().ToJsonString();

        Assert.Equal(
            """{"bindings":[{"type":"queueTrigger","direction":"in","name":"message","queueName":"%OUTBOX_QUEUE%","connection":"HubStorage"},{"type":"serviceBus","direction":"out","name":"toOms","connection":"ServiceBus","topicName":"%OMS_EVENTS_TOPIC%"}]}""",
            json);
    }

    [Fact]
    public void ToFunctionJson_ServiceBusTrigger_AsksForAStringOneMessageAtATime()
    {
        var function = new FunctionDefinition("X", new ServiceBusTrigger("message", "ServiceBus", TopicNameSetting: "T", SubscriptionNameSetting: "S"), [], null, null);

        Assert.Equal(
            """{"bindings":[{"type":"serviceBusTrigger","direction":"in","name":"message","connection":"ServiceBus","cardinality":"one","dataType":"string","topicName":"%T%","subscriptionName":"%S%"}]}""",
            function.ToFunctionJson().ToJsonString());
    }

    [Fact]
    public void Catalog_FunctionNames_AreUniqueAndValidFolderNames()
    {
        var names = FunctionCatalog.All.Select(f => f.Name).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names, name => Assert.Matches("^[A-Za-z][A-Za-z0-9_]{0,127}$", name));
    }

    [Fact]
    public void Settings_ListsEveryPercentReference() =>
        Assert.Equal(["OUTBOX_QUEUE", "OMS_EVENTS_TOPIC"], FunctionCatalog.All.Single(f => f.Name == "OutboxRelay").Settings());
}
