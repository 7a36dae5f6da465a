using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Channels;
using WmsFunctions.IntegrationTests.Channels;
using WmsFunctions.IntegrationTests.Outbound;
using WmsFunctions.IntegrationTests.Reconciliation;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Telemetry;

/// <summary>
/// The hub's metrics as an exporter reads them (the OpenTelemetry in-memory exporter), after scenarios driven the way
/// the host drives the hub: webhooks, the relay, the channels, the OMS -> WMS flows, failures, a replay, a
/// reconciliation, the alert timer.
/// </summary>
[Collection(nameof(MetricsRunAlone))]
public sealed class MetricsTests(AzuriteFixture azurite)
{
    /// <summary>Every instrument issue 16 names, with its unit (docs/telemetry.md#metrics).</summary>
    public static readonly IReadOnlyDictionary<string, string> Instruments = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["wms.events.accepted"] = "{event}",
        ["wms.events.refused"] = "{event}",
        ["wms.events.replayed"] = "{event}",
        ["wms.events.duplicate"] = "{event}",
        ["wms.e2e.lag"] = "ms",
        ["wms.outbox.depth"] = "{message}",
        ["wms.outbox.oldest_age"] = "s",
        ["wms.failed_syncs.open"] = "{failure}",
        ["wms.queue.poisoned"] = "{message}",
        ["wms.servicebus.dead_lettered"] = "{message}",
        ["wms.partner.call.duration"] = "ms",
        ["wms.partner.circuit.state"] = "{state}",
        ["wms.reconciliation.differences"] = "{difference}",
        ["wms.channel.publication_lag"] = "ms",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Movement(string eventId, string type, string sku, string location, long quantity, DateTimeOffset occurredAt) =>
        new { eventId, type, occurredAt, sku, location, quantity, reasonCode = type == "adjust" ? "FOUND" : null };

    [Fact]
    public async Task Scenarios_EveryInstrumentTheIssueNames_IsRecordedWithItsUnit()
    {
        using var metrics = new ExportedMetrics();

        await using (var channels = await ChannelHub.StartAsync(azurite))
        {
            var hub = channels.Hub;
            await hub.SeedItemsAsync("acme", "MUG");
            channels.Amazon.AddProduct("MUG", "501");
            channels.Ebay.AddProduct("MUG", "601");

            // A WMS posts a count (twice), and two events the hub cannot map yet: failed syncs for a person.
            var count = Movement("m-count", "overlay", "MUG", "E-A1", 10, DateTimeOffset.UtcNow.AddSeconds(-2));
            Assert.Equal(HttpStatusCode.Accepted, (await hub.PostInventoryAsync(count)).StatusCode);
            Assert.Equal(HttpStatusCode.Accepted, (await hub.PostInventoryAsync(count)).StatusCode);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await hub.PostInventoryAsync(Movement("m-ghost", "adjust", "GHOST", "E-A1", 1, DateTimeOffset.UtcNow))).StatusCode);

            // A relay message that can never succeed (its instance does not exist) and a dead-lettered OMS message.
            var storage = hub.Services.GetRequiredService<HubStorage>();
            var poison = await storage.QueueAsync(storage.OutboxQueueName + "-poison", Ct);
            await poison.SendMessageAsync("""{"tenant":"acme","instance":"west","flow":"inventory","eventId":"e-1"}""", Ct);
            Assert.All(await hub.Functions.DrainAsync("OutboxRelayPoison", Ct), i => Assert.Equal(200, i.Status));
            await hub.ServiceBus.EnqueueAsync(
                ServiceBusStandIn.DeadLetterPath(channels.Outbound.SubscriptionPath("ItemDownload")),
                ServiceBusStandIn.DeadLettered(new StandInMessage("sb-dl-1", OutboundHub.CloudEvent("item.changed", "dl-1", ItemDownloadTests.Item(1)), DateTimeOffset.UtcNow)),
                Ct);
            Assert.All(await hub.Functions.DrainAsync("ItemDownloadDeadLetters", Ct), i => Assert.Equal(200, i.Status));

            // The alert timer reads what waits while the count's message is still in the outbox.
            await TickAlertsAsync(hub);

            // The relay publishes the count, the channels hear of it, the OMS sends an item to both WMS instances.
            Assert.Single(await hub.RelayAsync());
            await channels.FeedAndPublishAsync();
            Assert.Equal(200, (await channels.Outbound.SendAsync("ItemDownload", OutboundHub.CloudEvent("item.changed", "m-item", ItemDownloadTests.Item(1)))).Status);

            // The item arrives; an operator replays the refused event.
            await hub.SeedItemsAsync("acme", "GHOST");
            var ghost = (await hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery("acme", "east"), Ct)).Single(f => f.ReasonCode == "unknown-sku");
            var replay = await hub.Services.GetRequiredService<FailedSyncReplayer>().ReplayAsync("acme", FailedSyncStore.IdOf(ghost), "test", "item downloaded", Ct);
            Assert.Equal(ReplayOutcome.Replayed, replay.Outcome);

            metrics.Flush(); // before the hub goes: its gauges go with it
            var outboxQueue = storage.OutboxQueueName;
            var subscription = channels.Outbound.SubscriptionPath("ItemDownload");

            Assert.Equal(1, metrics.Point("wms.events.duplicate", ("tenant", "acme"), ("instance", "east"), ("flow", "inventory")).Value);
            Assert.Equal(1, metrics.Point("wms.events.refused", ("instance", "east"), ("flow", "inventory"), ("reason", "unknown-sku")).Value);
            Assert.Equal(1, metrics.Point("wms.events.replayed", ("tenant", "acme"), ("flow", "inventory"), ("outcome", "replayed")).Value);
            var lag = metrics.Point("wms.e2e.lag", ("tenant", "acme"), ("instance", "east"), ("flow", "inventory"));
            Assert.True(lag.Value >= 2000, $"the count happened 2 s before it was posted, yet its lag was {lag.Value} ms");
            Assert.True(metrics.Point("wms.outbox.depth").Value >= 1, "the count's message waited in the outbox when the timer ran");
            Assert.Equal(1, metrics.Point("wms.failed_syncs.open", ("tenant", "acme"), ("reason", "unknown-sku")).Value);
            Assert.Equal(1, metrics.Point("wms.queue.poisoned", ("queue", outboxQueue)).Value);
            Assert.Equal(1, metrics.Point("wms.servicebus.dead_lettered", ("subscription", subscription)).Value);
            Assert.Equal(["channel:amazon", "channel:ebay", "east", "store-12"], metrics.Points("wms.partner.circuit.state").Select(p => p["instance"]).Order(StringComparer.Ordinal));
            Assert.Equal(["acme/amazon", "acme/ebay"], metrics.Points("wms.channel.publication_lag").Select(p => $"{p["tenant"]}/{p["channel"]}").Order(StringComparer.Ordinal));
            Assert.Equal(1, metrics.Point("wms.partner.call.duration", ("tenant", "acme"), ("instance", "store-12"), ("operation", "items"), ("status", "200")).Count);
        }

        await using (var reconciliation = await ReconciliationHub.StartAsync(azurite))
        {
            await reconciliation.CountAsync("DC1", "E-A1", "B-2", 5, DateTimeOffset.UtcNow.AddDays(-1));
            reconciliation.Wms.Stock = [new("EAST", "B-2", "E-A1", 3)];
            await reconciliation.ReconcileAsync();

            metrics.Flush();
            Assert.Equal(1, metrics.Point("wms.reconciliation.differences", ("tenant", "acme"), ("instance", "east")).Value);
            Assert.Equal(1, metrics.Point("wms.partner.call.duration", ("instance", "east"), ("operation", "stock"), ("status", "200")).Count); // one page
        }

        Assert.Equal(
            Instruments.OrderBy(i => i.Key, StringComparer.Ordinal),
            metrics.Recorded.Where(r => Instruments.ContainsKey(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Webhooks_ADuplicateAndRefusals_AreCountedApart_WithTheirTenantInstanceFlowAndReason()
    {
        using var metrics = new ExportedMetrics();
        await using var hub = await HubTestHost.StartAsync(azurite);
        await hub.SeedItemsAsync("acme", "100234");
        var adjustment = Movement("w-1", "adjust", "100234", "E-A1", 5, DateTimeOffset.UtcNow.AddMinutes(-1));

        Assert.Equal(HttpStatusCode.Accepted, (await hub.PostInventoryAsync(adjustment)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await hub.PostInventoryAsync(adjustment)).StatusCode); // delivered again
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await hub.PostInventoryAsync(Movement("w-2", "adjust", "100234", "NOWHERE", 1, DateTimeOffset.UtcNow))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.PostInventoryAsync(Movement("w-3", "adjust", "100234", "E-A1", 1, DateTimeOffset.UtcNow), apiKey: "wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.PostInventoryAsync(Movement("w-4", "adjust", "100234", "E-A1", 1, DateTimeOffset.UtcNow), tenant: "initech", instance: "made-up")).StatusCode);
        metrics.Flush();

        var accepted = Assert.Single(metrics.Points("wms.events.accepted"));
        Assert.Equal((1d, "acme", "east", "inventory"), (accepted.Value, accepted["tenant"], accepted["instance"], accepted["flow"]));
        var duplicate = Assert.Single(metrics.Points("wms.events.duplicate"));
        Assert.Equal((1d, "acme", "east", "inventory"), (duplicate.Value, duplicate["tenant"], duplicate["instance"], duplicate["flow"]));
        Assert.Equal(
            ["(unknown)/(unknown)/inventory/unauthorized: 1", "acme/east/inventory/unauthorized: 1", "acme/east/inventory/unknown-location: 1"],
            metrics.Points("wms.events.refused").Select(p => $"{p["tenant"]}/{p["instance"]}/{p["flow"]}/{p["reason"]}: {p.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WmsAnswering503_EachAttemptCarriesItsStatus_AndTheCircuitGaugeReportsOpen()
    {
        using var metrics = new ExportedMetrics();
        await using var hub = await OutboundHub.StartAsync(azurite, settings: values =>
        {
            var east = "Hub:Tenants:acme:Instances:east:Outbound:Resilience:";
            values[east + "MaxRetryAttempts"] = "0";
            values[east + "MinimumThroughput"] = "2";
            values[east + "FailureRatio"] = "0.5";
            values[east + "SamplingDuration"] = "00:01:00";
            values[east + "BreakDuration"] = "00:05:00";
        });
        hub.East.Enqueue(Reply.Unavailable(), Reply.Unavailable());

        foreach (var id in new[] { "c1", "c2", "c3" })
        {
            Assert.Equal(200, await hub.InvokeAsync("ItemDownload", OutboundHub.CloudEvent("item.changed", id, ItemDownloadTests.Item(1, sku: "SKU-" + id, warehouses: ["DC1"]))));
        }

        metrics.Flush();

        Assert.Equal(2, hub.East.Requests.Count); // the third found the circuit open: no call, nothing timed
        var calls = Assert.Single(metrics.Points("wms.partner.call.duration"));
        Assert.Equal(("acme", "east", "items", "503", 2L), (calls["tenant"], calls["instance"], calls["operation"], calls["status"], calls.Count));
        var circuit = Assert.Single(metrics.Points("wms.partner.circuit.state"));
        Assert.Equal(("acme", "east", 2d), (circuit["tenant"], circuit["instance"], circuit.Value));
    }

    /// <summary>One run of the alert timer with the host's exact payload.</summary>
    private static async Task TickAlertsAsync(HubTestHost hub)
    {
        var now = DateTime.UtcNow;
        var (status, _) = await hub.Functions.InvokeAsync("AlertEvaluation", HostPayloads.TimerTrigger("timer", "AlertEvaluation", now.AddMinutes(-1), now.AddMinutes(1), false, now), Ct);
        Assert.Equal(200, status);
    }
}
