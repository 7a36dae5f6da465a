using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Outbound;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Failures;

/// <summary>
/// Each Service Bus subscription's dead-letter subqueue has a watcher: a dead letter becomes one failed sync with its
/// body, subscription, delivery count, Service Bus's reason and description, tenant and correlation id, and an audit
/// entry; a redelivered dead letter adds nothing.
/// </summary>
public sealed class DeadLetterTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "ItemDownload";
    private const string Watcher = Function + "DeadLetters";
    private OutboundHub _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await OutboundHub.StartAsync(azurite, settings: values => values["Hub:Tenants:acme:Instances:east:Outbound:Resilience:AttemptTimeout"] = "00:00:00.500");

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static string Item(string id, string tenant = "acme") =>
        OutboundHub.CloudEvent("item.changed", id, ItemDownloadTests.Item(1, warehouses: ["DC1"]), tenant);

    private string DeadLetterPath => ServiceBusStandIn.DeadLetterPath(_hub.SubscriptionPath(Function));

    /// <summary>A message as Service Bus leaves it in the dead-letter subqueue (its reason and description as application properties).</summary>
    private Task DeadLetterAsync(string body, string messageId = "sb-dl-1") =>
        _hub.Hub.ServiceBus.EnqueueAsync(
            DeadLetterPath,
            ServiceBusStandIn.DeadLettered(new StandInMessage(messageId, body, DateTimeOffset.UtcNow, CorrelationId: "corr-dl", ContentType: "application/json")),
            Ct);

    private Task<IReadOnlyList<FailedSyncEntity>> FailedAsync(string tenant, string instance) =>
        _hub.Hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery(tenant, instance), Ct);

    [Fact]
    public async Task DeadLetter_BecomesOneFailedSync_WithItsOrigin_AndARedeliveryAddsNothing()
    {
        var body = Item("dl-1");
        await DeadLetterAsync(body);

        var first = Assert.Single(await _hub.Hub.Functions.DrainAsync(Watcher, Ct));
        Assert.Equal(200, first.Status);
        Assert.Equal(200, (await _hub.Hub.Functions.InvokeAsync(Watcher, first.Payload, Ct)).Status); // the same delivery again

        var failed = Assert.Single(await FailedAsync("acme", FailedSyncStore.Unrouted));
        Assert.Equal(("items", "dead-lettered", "dl-1", "corr-dl", 1), (failed.Flow, failed.ReasonCode, failed.MessageId, failed.CorrelationId, failed.Attempts));
        Assert.Equal(
            (FailedSyncOriginKind.DeadLetter, _hub.SubscriptionPath(Function), (int?)1, "MaxDeliveryCountExceeded"),
            (failed.OriginKind, failed.Origin, failed.DeliveryCount, failed.DeadLetterReason));
        Assert.StartsWith("Message could not be consumed after", failed.DeadLetterDescription, StringComparison.Ordinal);
        Assert.Equal(body, await _hub.Hub.Services.GetRequiredService<FailedSyncStore>().ReadBodyAsync("acme", FailedSyncStore.Unrouted, failed.RowKey, Ct));
        Assert.Single(await _hub.Hub.RowsAsync(HubTable.Audit), a => a.GetString("Outcome") == "captured");

        var view = Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub.Hub));
        var origin = view.GetProperty("origin");
        Assert.Equal(("dead-letter", "MaxDeliveryCountExceeded"), (origin.GetProperty("kind").GetString(), origin.GetProperty("deadLetterReason").GetString()));
    }

    [Fact]
    public async Task DeadLetter_NamingNoConfiguredTenant_IsFiledUnderTheUnknownTenant()
    {
        await DeadLetterAsync(Item("dl-2", tenant: "initech"));
        await DeadLetterAsync("not a cloud event", messageId: "sb-dl-3");

        Assert.All(await _hub.Hub.Functions.DrainAsync(Watcher, Ct), i => Assert.Equal(200, i.Status));

        var failed = await FailedAsync(FailedSyncStore.UnknownTenant, FailedSyncStore.Unrouted);
        Assert.Equal(["dl-2", "sb-dl-3"], failed.Select(f => f.MessageId).Order(StringComparer.Ordinal));
        Assert.All(failed, f => Assert.Equal("dead-lettered", f.ReasonCode));
    }

    [Fact]
    public async Task MessageDeadLetteredAfterItsFlowRecordedTheFailure_KeepsOneRecord_WhichLearnsWhereItEnded()
    {
        // The flow recorded the message's failure for east (a refusal), and the message ends in the dead-letter subqueue too.
        _hub.East.Enqueue(new Reply(400, "no such thing", "text/plain"));
        var body = Item("down-2");
        Assert.Equal(200, (await _hub.SendAsync(Function, body)).Status);
        await DeadLetterAsync(body, "sb-down-2");

        Assert.Equal(200, Assert.Single(await _hub.Hub.Functions.DrainAsync(Watcher, Ct)).Status);

        var failed = Assert.Single(await FailedAsync("acme", "east"));
        Assert.NotEqual("dead-lettered", failed.ReasonCode);
        Assert.Equal((1, FailedSyncOriginKind.DeadLetter, "MaxDeliveryCountExceeded"), (failed.Attempts, failed.OriginKind, failed.DeadLetterReason));
        Assert.Empty(await FailedAsync("acme", FailedSyncStore.Unrouted));
    }

    [Fact]
    public async Task DeadLetter_IsCountedOnTheHealthEndpoint_PerSubscription()
    {
        await DeadLetterAsync(Item("dl-4"));
        await _hub.Hub.Functions.DrainAsync(Watcher, Ct);

        var health = await OperatorCalls.JsonAsync(await _hub.Hub.Http.GetAsync("/api/health", Ct));

        var waiting = Assert.Single(health.GetProperty("failures").GetProperty("waiting").EnumerateArray());
        Assert.Equal(("dead-letter", _hub.SubscriptionPath(Function), 1), (waiting.GetProperty("kind").GetString(), waiting.GetProperty("origin").GetString(), waiting.GetProperty("open").GetInt32()));
        Assert.True(waiting.GetProperty("oldestAgeSeconds").GetDouble() >= 0);
    }
}
