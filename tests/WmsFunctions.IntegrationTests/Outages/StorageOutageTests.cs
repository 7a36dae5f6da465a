using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Handler.Operations;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Outages;

/// <summary>
/// Storage down, for real: the hub runs against an Azurite of its own that is frozen (SIGSTOP) or whose ports are
/// closed. Every caller hears 503 storage-unavailable with Retry-After within the request deadline (never an empty
/// 500, never no answer), a refusal stays a refusal, an invocation fails within its bound, and once storage is back
/// the WMS's retry of the same event is applied once and published once.
/// </summary>
public sealed class StorageOutageTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = new OutageOptions().RequestDeadline; // the default: 5 s
    private static readonly TimeSpan Reservation = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan TryTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(2.5); // a loaded test machine; the answer itself comes at the deadline
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(10);

    private readonly LogCapture _logs = new();
    private OutageAzurite _storage = null!;
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _storage = await OutageAzurite.StartAsync();
        _hub = await HubTestHost.StartAsync(azurite, configure: settings =>
        {
            settings[StorageOptions.ConnectionName] = _storage.ConnectionString;
            settings["Hub:Outage:OutboxReservation"] = Reservation.ToString();
            settings["Hub:Outage:StorageTryTimeout"] = TryTimeout.ToString();
        }, builder: host => host.Logging.AddProvider(_logs));
        await _hub.SeedItemsAsync("acme", "100234", "100235");

        // Every table and queue the tests touch exists before storage goes down (as in Azure, where Bicep made them).
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("warm-up", "adjust", 1))).StatusCode);
        Assert.Single(await _hub.RelayAsync());
        Assert.Equal(HttpStatusCode.OK, (await OperatorListAsync()).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var line in _logs.Lines.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).Take(40))
        {
            output.WriteLine(line);
        }

        await _hub.DisposeAsync();
        await _storage.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task StalledStorage_Answers503WithRetryAfter_WithinTheDeadline_ThenTheRetryIsAppliedAndPublishedOnce()
    {
        _storage.Stall();
        var (webhook, webhookTook) = await TimedAsync(() => _hub.PostInventoryAsync(InventoryWebhookTests.Tx("stall-1", "adjust", 4)));
        var (operatorList, operatorTook) = await TimedAsync(OperatorListAsync);
        var (forged, forgedTook) = await TimedAsync(() => _hub.PostInventoryAsync(InventoryWebhookTests.Tx("stall-2", "adjust", 4), apiKey: "not-the-key"));
        _storage.Restore();
        output.WriteLine($"stalled: webhook {webhookTook.TotalSeconds:F2} s, operator {operatorTook.TotalSeconds:F2} s, forged {forgedTook.TotalSeconds:F2} s");

        await AssertUnavailableAsync(webhook, webhookTook);
        await AssertUnavailableAsync(operatorList, operatorTook);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode); // the refusal's audit write stalled: still 401, in time
        Assert.True(forgedTook < Deadline + Slack, $"the 401 took {forgedTook}");

        await AssertRetryAppliedOnceAsync("stall-1", 4);
    }

    [Fact]
    public async Task RefusedStorage_Answers503WithRetryAfter_AtOnce_ThenTheRetryIsAppliedAndPublishedOnce()
    {
        _storage.Refuse();
        var (webhook, webhookTook) = await TimedAsync(() => _hub.PostInventoryAsync(InventoryWebhookTests.Tx("refused-1", "adjust", 6)));
        var (operatorList, operatorTook) = await TimedAsync(OperatorListAsync);
        var (forged, forgedTook) = await TimedAsync(() => _hub.PostInventoryAsync(InventoryWebhookTests.Tx("refused-2", "adjust", 6), apiKey: "not-the-key"));
        _storage.Restore();
        output.WriteLine($"refused: webhook {webhookTook.TotalSeconds:F2} s, operator {operatorTook.TotalSeconds:F2} s, forged {forgedTook.TotalSeconds:F2} s");

        await AssertUnavailableAsync(webhook, webhookTook);
        await AssertUnavailableAsync(operatorList, operatorTook);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode); // was a 500: the audit write's AggregateException escaped
        Assert.True(forgedTook < Deadline + Slack, $"the 401 took {forgedTook}");

        await AssertRetryAppliedOnceAsync("refused-1", 6);
    }

    [Fact]
    public async Task StalledStorage_FailsAnInvocation_WithinItsBound_SoTheHostRetriesIt()
    {
        var message = OutboxMessages.Serialize(new InboxRef("acme", "east", "inventory", "warm-up"));
        var now = DateTimeOffset.UtcNow;
        var payload = HostPayloads.QueueTrigger(
            "message", "OutboxRelay", message, Guid.NewGuid().ToString(), 1, now, now.AddDays(7), now.AddMinutes(10), "pop", now.UtcDateTime);

        _storage.Stall();
        var ((status, _), took) = await TimedAsync(() => _hub.Functions.InvokeAsync("OutboxRelay", payload, TestContext.Current.CancellationToken));
        _storage.Restore();
        output.WriteLine($"stalled invocation failed after {took.TotalSeconds:F2} s");

        Assert.Equal(500, status);
        var bound = TryTimeout * 3 + Slack; // (StorageMaxRetries 2 + 1) tries of StorageTryTimeout each, and the backoff
        Assert.True(took < bound, $"the invocation took {took}, over {bound}");
    }

    /// <summary>
    /// A storm of events from a WMS that retries what it was not acknowledged, with storage frozen for 8 s in the
    /// middle and the host stand-in relaying all along: every event acknowledged, applied once, published; the
    /// events published more than once are counted (a republication costs every consumer).
    /// </summary>
    [Fact]
    public async Task StormThroughAStall_LosesNothing_AppliesOnce_AndPublishesEachEventOnce()
    {
        const int events = 40;
        var published = new ConcurrentQueue<string>();

        // The host's listener, with a shorter hold than its 10 minutes: a message whose release failed while storage
        // was frozen (the host cannot release it either) comes back within the test instead of ten minutes later.
        var queues = _hub.Services.GetRequiredService<QueueServiceClient>();
        var host = new LocalFunctionsHost(_hub.FunctionApp, _hub.Http, queues, _hub.ServiceBus, TimeProvider.System) { ProcessingVisibility = Held };
        host.Invoked += record =>
        {
            foreach (var (entity, body) in record.Sent.Where(s => s.Entity == _hub.Topic))
            {
                published.Enqueue(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
            }
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var relaying = host.RunAsync(stop.Token);

        var answers = new ConcurrentBag<(string EventId, int Attempts, TimeSpan Longest)>();
        var storm = Enumerable.Range(0, events).Select(async i =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100 * i), TestContext.Current.CancellationToken);
            var eventId = $"storm-{i}";
            answers.Add(await PostUntilAcknowledgedAsync(InventoryWebhookTests.Tx(eventId, "adjust", 1, sku: i % 2 == 0 ? "100234" : "100235"), eventId));
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken);
        _storage.Stall();
        await Task.Delay(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
        _storage.Restore();
        await Task.WhenAll(storm);

        // Every reservation surfaces within the reservation timeout, and every held message within the hold; on a loaded
        // machine a relay invocation may also fail and come back after visibilityTimeout, or go round the poison queue's
        // first retry (1 minute). So wait until every event is published, at most 3 minutes, then a little longer for
        // any second publication, and drain what is left.
        var stormIds = Enumerable.Range(0, events).Select(i => $"acme/east/inventory/storm-{i}").ToHashSet();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!stormIds.IsSubsetOf(published) && waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }

        output.WriteLine($"all published (or given up) {waited.Elapsed.TotalSeconds:F1} s after the storm's last answer");
        await Task.Delay(Reservation + TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        await relaying;
        foreach (var record in await host.DrainAsync("OutboxRelay", TestContext.Current.CancellationToken))
        {
            Assert.Equal(200, record.Status);
        }

        var counts = published.Where(stormIds.Contains).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var lost = stormIds.Count(id => !counts.ContainsKey(id));
        var doubled = counts.Count(c => c.Value > 1);
        var retried = answers.Count(a => a.Attempts > 1);
        var longest = answers.Max(a => a.Longest);
        output.WriteLine($"storm: {events} events, {answers.Count} acknowledged, {retried} needed a retry, longest answer {longest.TotalSeconds:F2} s, " +
            $"lost {lost}, published twice {doubled}, publications {counts.Values.Sum()}; unpublished: {string.Join(' ', stormIds.Where(id => !counts.ContainsKey(id)))}");

        Assert.Equal(events, answers.Count);
        Assert.True(longest < Deadline + Slack, $"an answer took {longest}");
        Assert.Equal(0, lost);
        Assert.Equal(0, doubled);
        var ledger = _hub.Services.GetRequiredService<StockLedger>();
        Assert.Equal(1 + (events / 2), (await ledger.GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))!.OnHand); // + warm-up
        Assert.Equal(events / 2, (await ledger.GetSnapshotAsync("acme", "DC1", "100235", TestContext.Current.CancellationToken))!.OnHand);
    }

    /// <summary>What a WMS does: send, and on 503 (or no answer) send the same body again after Retry-After.</summary>
    private async Task<(string EventId, int Attempts, TimeSpan Longest)> PostUntilAcknowledgedAsync(object transaction, string eventId)
    {
        var longest = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            var started = Stopwatch.GetTimestamp();
            var response = await _hub.PostInventoryAsync(transaction);
            var took = Stopwatch.GetElapsedTime(started);
            longest = took > longest ? took : longest;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (eventId, attempt, longest);
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(attempt < 20, $"{eventId} was not acknowledged after {attempt} attempts");
            await Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // Retry-After is 5 s; a test may hurry
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, TimeSpan took)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(took < Deadline + Slack, $"the answer took {took}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("urn:wmsfunctions:problem:storage-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlationId").GetString()));
    }

    /// <summary>The WMS sends the refused event again once storage is back: applied once, published once.</summary>
    private async Task AssertRetryAppliedOnceAsync(string eventId, long quantity)
    {
        var retry = await _hub.PostInventoryAsync(InventoryWebhookTests.Tx(eventId, "adjust", quantity));
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        var again = await _hub.PostInventoryAsync(InventoryWebhookTests.Tx(eventId, "adjust", quantity));
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());

        var published = (await _hub.RelayAsync()).ToList();
        await Task.Delay(Reservation + TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken); // whatever the outage left reserved surfaces
        published.AddRange(await _hub.RelayAsync());

        Assert.Single(published, body => JsonDocument.Parse(body).RootElement.GetProperty("id").GetString() == $"acme/east/inventory/{eventId}");
        var snapshot = await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken);
        Assert.Equal(1 + quantity, snapshot!.OnHand); // warm-up + this event, once
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    private async Task<HttpResponseMessage> OperatorListAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ops/acme/failed-syncs");
        request.Headers.Add(OperatorGate.KeyHeader, _hub.ApiKeys.Operator);
        return await _hub.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<(T Result, TimeSpan Took)> TimedAsync<T>(Func<Task<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await call();
        return (result, Stopwatch.GetElapsedTime(started));
    }
}
