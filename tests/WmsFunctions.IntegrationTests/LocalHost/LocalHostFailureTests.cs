using System.Diagnostics;
using System.Net;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.LocalHost;

/// <summary>
/// The host stand-in treats a failed invocation as the Functions host does: a handler that gives no answer (it died)
/// fails the invocation and the message is visible again after host.json's visibilityTimeout, not ten minutes later;
/// and a message whose invocation outlasts the visibility it was taken with is kept hidden (renewed) until it ends,
/// so it is never handed out twice.
/// </summary>
public sealed class LocalHostFailureTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task HandlerGivingNoAnswer_FailsTheInvocation_AndTheMessageComesBackAfterTheVisibilityTimeout()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("died-1", "adjust", 2))).StatusCode);
        var closedPort = LocalServers.FreePorts(1)[0]; // nothing listens there: connection refused, as when the handler died
        using var dead = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{closedPort}") };
        var queues = _hub.Services.GetRequiredService<QueueServiceClient>();
        var host = new LocalFunctionsHost(_hub.FunctionApp, dead, queues, _hub.ServiceBus, TimeProvider.System);

        var failed = Assert.Single(await host.DrainAsync("OutboxRelay", TestContext.Current.CancellationToken));
        Assert.Equal(LocalFunctionsHost.NoAnswer, failed.Status);
        var failedAt = Stopwatch.GetTimestamp();

        var outbox = queues.GetQueueClient(_hub.Services.GetRequiredService<HubStorage>().OutboxQueueName);
        while ((await outbox.PeekMessagesAsync(1, TestContext.Current.CancellationToken)).Value.Length == 0)
        {
            Assert.True(Stopwatch.GetElapsedTime(failedAt) < _hub.FunctionApp.Host.VisibilityTimeout + TimeSpan.FromSeconds(3), "the message did not come back");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var cameBackAfter = Stopwatch.GetElapsedTime(failedAt);
        Assert.True(cameBackAfter > _hub.FunctionApp.Host.VisibilityTimeout - TimeSpan.FromSeconds(1), $"back after {cameBackAfter}");

        // The handler is back: the host delivers it again (second dequeue) and it is published once.
        var published = await _hub.RelayAsync();
        Assert.Single(published);
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task SlowInvocation_LongerThanTheVisibility_IsNotHandedOutTwice()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("slow-1", "adjust", 2))).StatusCode);
        var visibility = TimeSpan.FromSeconds(2);
        var slow = new SlowHandler(TimeSpan.FromSeconds(5)) { InnerHandler = new SocketsHttpHandler() };
        using var client = new HttpClient(slow) { BaseAddress = _hub.Http.BaseAddress };
        var queues = _hub.Services.GetRequiredService<QueueServiceClient>();

        // Two hosts polling the same queue, as two instances of the app (or the host's next poll) would.
        var first = new LocalFunctionsHost(_hub.FunctionApp, client, queues, _hub.ServiceBus, TimeProvider.System) { ProcessingVisibility = visibility };
        var second = new LocalFunctionsHost(_hub.FunctionApp, client, queues, _hub.ServiceBus, TimeProvider.System) { ProcessingVisibility = visibility };
        var running = first.DrainAsync("OutboxRelay", TestContext.Current.CancellationToken);
        var until = Stopwatch.GetTimestamp();
        while (slow.Calls == 0 && !running.IsCompleted)
        {
            // The second host starts polling once the first has taken the message (else it may simply get it first).
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var stolen = new List<InvocationRecord>();
        while (!running.IsCompleted)
        {
            stolen.AddRange(await second.DrainAsync("OutboxRelay", TestContext.Current.CancellationToken));
            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        var invocations = await running;
        Assert.True(Stopwatch.GetElapsedTime(until) > visibility * 2, "the invocation was not slower than the visibility");
        Assert.Equal(200, Assert.Single(invocations).Status);
        Assert.Empty(stolen);
        Assert.Equal(1, slow.Calls);
        Assert.Single(invocations.SelectMany(i => i.Sent), s => s.Entity == _hub.Topic);
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    /// <summary>Holds every invocation for a while before the real handler sees it.</summary>
    private sealed class SlowHandler(TimeSpan delay) : DelegatingHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(delay, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
