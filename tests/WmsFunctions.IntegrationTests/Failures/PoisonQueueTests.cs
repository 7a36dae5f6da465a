using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Failures;

/// <summary>
/// A message the host moved to a poison queue (what a Service Bus outage longer than the host's quick retries does to
/// the relay's message): its watcher puts it back on its queue after the schedule's delay, once, or, when it can never
/// succeed or used up the schedule, makes it one failed sync with its origin, which counts on the health endpoint,
/// raises one alert, and replays through its queue.
/// </summary>
public sealed class PoisonQueueTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, configure: values => values["Hub:Alerts:Defaults:OutboxLagMinutes"] = "0");
        await _hub.SeedItemsAsync("acme", "100234");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private HubStorage Storage => _hub.Services.GetRequiredService<HubStorage>();

    private Task<QueueClient> OutboxAsync() => Storage.QueueAsync(Storage.OutboxQueueName, Ct).AsTask();

    private Task<QueueClient> PoisonAsync() => Storage.QueueAsync(Storage.OutboxQueueName + "-poison", Ct).AsTask();

    /// <summary>What the host does after maxDequeueCount failed deliveries: the body moves to "{queue}-poison".</summary>
    private async Task<QueueMessage> PoisonOutboxMessageAsync()
    {
        var outbox = await OutboxAsync();
        var message = Assert.Single((await outbox.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), Ct)).Value);
        var poison = await PoisonAsync();
        await poison.SendMessageAsync(message.Body.ToString(), Ct);
        await outbox.DeleteMessageAsync(message.MessageId, message.PopReceipt, Ct);
        return message;
    }

    private async Task<QueueMessage> PoisonAsync(string body)
    {
        var poison = await PoisonAsync();
        await poison.SendMessageAsync(body, Ct);
        return await TakeAsync(poison);
    }

    private static async Task<QueueMessage> TakeAsync(QueueClient queue)
    {
        var taken = Assert.Single((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5), Ct)).Value);
        await queue.DeleteMessageAsync(taken.MessageId, taken.PopReceipt, Ct);
        return taken;
    }

    /// <summary>The host's exact invocation of the poison watcher for <paramref name="message"/> (the same id every redelivery).</summary>
    private async Task<(int Status, string Body)> WatchAsync(QueueMessage message, long dequeueCount = 1)
    {
        var payload = HostPayloads.QueueTrigger(
            "message", "OutboxRelayPoison", message.Body.ToString(), message.MessageId, dequeueCount, DateTimeOffset.UtcNow, DateTimeOffset.MaxValue,
            DateTimeOffset.UtcNow, "pop", DateTime.UtcNow);
        return await _hub.Functions.InvokeAsync("OutboxRelayPoison", payload, Ct);
    }

    private async Task<QueueRetryEntity> MarkerAsync()
    {
        var markers = await Storage.TableAsync(HubTable.QueueRetries, Ct);
        var rows = new List<QueueRetryEntity>();
        await foreach (var row in markers.QueryAsync<QueueRetryEntity>(cancellationToken: Ct))
        {
            rows.Add(row);
        }

        return Assert.Single(rows);
    }

    private async Task<IReadOnlyList<FailedSyncEntity>> FailedSyncsAsync(string tenant = "acme", string instance = "east") =>
        await _hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery(tenant, instance), Ct);

    [Fact]
    public async Task PoisonedRelayMessage_IsBackOnItsQueueAfterTheFirstDelay_OnceThoughRedelivered_AndIsPublishedOnce()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("outage-1", "adjust", 3))).StatusCode);
        var poisoned = await PoisonOutboxMessageAsync();
        var poison = await PoisonAsync();
        var taken = await TakeAsync(poison);

        var before = DateTimeOffset.UtcNow;
        var first = await WatchAsync(taken);
        var again = await WatchAsync(taken, dequeueCount: 2); // the watcher's own invocation delivered again

        Assert.Equal((200, 200), (first.Status, again.Status));
        var outbox = await OutboxAsync();
        Assert.Equal(1, (await outbox.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount); // one copy, not two
        Assert.Empty((await outbox.PeekMessagesAsync(32, Ct)).Value); // hidden for the schedule's first delay
        var marker = await MarkerAsync();
        Assert.Equal(1, marker.Generation);
        Assert.InRange(marker.DueAt - before, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(70));
        Assert.Empty(await FailedSyncsAsync());

        // The minute passes (made visible now rather than waited for): the relay reads generation 1 as any message.
        await outbox.UpdateMessageAsync(marker.CopyMessageId, marker.CopyPopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: Ct);
        var copy = Assert.Single((await outbox.PeekMessagesAsync(32, Ct)).Value);
        Assert.Equal(1, RetryEnvelope.GenerationOf(copy.Body.ToString()));
        Assert.Equal(OutboxMessages.Deserialize(poisoned.Body.ToString()), OutboxMessages.Deserialize(copy.Body.ToString()));

        var published = Assert.Single(await _hub.RelayAsync());
        Assert.Equal("acme/east/inventory/outage-1", JsonDocument.Parse(published).RootElement.GetProperty("id").GetString());
        Assert.Empty(await _hub.RelayAsync());
    }

    [Fact]
    public async Task PoisonQueue_IsDrainedByItsWatcher_AsTheHostPollsIt()
    {
        await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("outage-2", "adjust", 1));
        await PoisonOutboxMessageAsync();

        var invocations = await _hub.Functions.DrainAsync("OutboxRelayPoison", Ct);

        Assert.Equal(200, Assert.Single(invocations).Status);
        Assert.Equal(0, (await (await PoisonAsync()).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Equal(1, (await MarkerAsync()).Generation);
    }

    [Fact]
    public async Task MessagePastTheSchedule_BecomesOneFailedSyncWithItsOrigin_CountedAlertedOnce_AndReplaysThroughItsQueue()
    {
        await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("outage-3", "adjust", 2));
        var original = await TakeAsync(await OutboxAsync()); // as the host took it, round after round
        var lastGeneration = QueueRetrySchedule.Delays.Count;
        var taken = await PoisonAsync(RetryEnvelope.WithGeneration(original.Body.ToString(), lastGeneration));

        Assert.Equal(200, (await WatchAsync(taken)).Status);
        Assert.Equal(200, (await WatchAsync(taken, dequeueCount: 2)).Status); // redelivered: no second record, no second attempt

        var failed = Assert.Single(await FailedSyncsAsync());
        Assert.Equal(("outbox-relay", PoisonedMessages.RetriesExhausted, 1), (failed.Flow, failed.ReasonCode, failed.Attempts));
        Assert.Equal((FailedSyncOriginKind.PoisonQueue, Storage.OutboxQueueName, (int?)lastGeneration), (failed.OriginKind, failed.Origin, failed.RetryGeneration));
        Assert.Equal(0, (await (await OutboxAsync()).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount); // not re-enqueued
        Assert.Single(await _hub.RowsAsync(HubTable.Audit), a => a.GetString("Outcome") == "captured");

        // The operator API shows where it came from.
        var view = Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub));
        Assert.Equal("poison-queue", view.GetProperty("origin").GetProperty("kind").GetString());
        Assert.Equal(Storage.OutboxQueueName, view.GetProperty("origin").GetProperty("entity").GetString());

        // Counted on the health endpoint, per queue, without tenant names.
        var health = await OperatorCalls.JsonAsync(await _hub.Http.GetAsync("/api/health", Ct));
        var failures = health.GetProperty("failures");
        Assert.Equal(1, failures.GetProperty("open").GetInt32());
        var waiting = Assert.Single(failures.GetProperty("waiting").EnumerateArray());
        Assert.Equal(("poison-queue", Storage.OutboxQueueName, 1), (waiting.GetProperty("kind").GetString(), waiting.GetProperty("origin").GetString(), waiting.GetProperty("open").GetInt32()));
        Assert.DoesNotContain("acme", failures.GetRawText(), StringComparison.Ordinal);

        // One alert for the incident, however often the evaluator runs.
        var raised = await AlertsAsync();
        Assert.Equal(["alert.raised poisoned"], raised);
        Assert.Empty(await AlertsAsync());

        // The replay puts the stored message back on its queue (generation 0); the relay publishes it once; the alert clears.
        var replay = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{view.GetProperty("id").GetString()}/replay", new { reason = "OMS topic fixed" });
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var published = Assert.Single(await _hub.RelayAsync());
        Assert.Equal("acme/east/inventory/outage-3", JsonDocument.Parse(published).RootElement.GetProperty("id").GetString());
        Assert.Equal(["alert.cleared poisoned"], await AlertsAsync());
    }

    [Theory]
    [InlineData("not json at all", "_unknown", "malformed-message")]
    [InlineData("""{"tenant":"acme","instance":"east","flow":"inventory"}""", "_unknown", "malformed-message")]
    [InlineData("""{"tenant":"initech","instance":"east","flow":"inventory","eventId":"e-1"}""", "_unknown", "unknown-tenant")]
    [InlineData("""{"tenant":"acme","instance":"west","flow":"inventory","eventId":"e-1"}""", "acme", "unknown-instance")]
    public async Task PoisonedMessage_ThatCanNeverSucceed_IsAFailedSyncAtOnce_NotRetried(string body, string tenant, string reason)
    {
        var taken = await PoisonAsync(body);

        Assert.Equal(200, (await WatchAsync(taken)).Status);

        var failed = Assert.Single(await FailedSyncsAsync(tenant, FailedSyncStore.Unrouted));
        Assert.Equal((reason, "outbox-relay", body), (failed.ReasonCode, failed.Flow, await _hub.Services.GetRequiredService<FailedSyncStore>().ReadBodyAsync(tenant, FailedSyncStore.Unrouted, failed.RowKey, Ct)));
        Assert.Equal(0, (await (await OutboxAsync()).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    private async Task<string[]> AlertsAsync()
    {
        var now = DateTime.UtcNow;
        var (status, body) = await _hub.Functions.InvokeAsync("AlertEvaluation", HostPayloads.TimerTrigger("timer", "AlertEvaluation", now.AddMinutes(-5), now.AddMinutes(5), false, now), Ct);
        Assert.Equal(200, status);
        var outputs = JsonDocument.Parse(body).RootElement.GetProperty("Outputs");
        return outputs.TryGetProperty("alerts", out var alerts)
            ? alerts.EnumerateArray().Select(a => JsonDocument.Parse(a.GetString()!).RootElement)
                .Select(a => $"{a.GetProperty("type").GetString()!.Replace(OmsEvent.TypePrefix, "", StringComparison.Ordinal)} {a.GetProperty("data").GetProperty("kind").GetString()}")
                .ToArray()
            : [];
    }
}
