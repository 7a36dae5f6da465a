using System.Text.Json;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>
/// Delivery through the per-instance pipeline against a real loopback WMS that answers slowly, 429/503 with
/// Retry-After, 5xx, 4xx or drops the connection. Items for DC1 go to the east instance only.
/// </summary>
public sealed class WmsDeliveryResilienceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "ItemDownload";
    private const string Retry = "WmsDeliveryRetry";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await OutboundHub.StartAsync(azurite, settings: values =>
        {
            values["Hub:Tenants:acme:Instances:east:Outbound:Resilience:AttemptTimeout"] = "00:00:00.500";
            values["WMS_DELIVERY_RETRY_FIRST_DELAY"] = "00:00:00"; // a deferred delivery is visible on the retry queue at once
        });

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static string ItemForDc1(string id, long version = 1) =>
        OutboundHub.CloudEvent("item.changed", id, ItemDownloadTests.Item(version, warehouses: ["DC1"]));

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task BusyWms_WithRetryAfter_IsAskedAgainAfterThatDelay_ThenDelivered(int status)
    {
        _hub.East.Enqueue(new Reply(status, "busy", "text/plain", RetryAfterSeconds: 1));

        var invocation = await _hub.SendAsync(Function, ItemForDc1("ra-" + status));

        Assert.Equal(200, invocation.Status);
        var requests = _hub.East.Requests;
        Assert.Equal(2, requests.Count);
        // The backoff alone would have waited 10-50 ms: the second call honoured Retry-After: 1.
        Assert.InRange(requests[1].At - requests[0].At, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.Equal(requests[0].Text, requests[1].Text);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(408)]
    public async Task TransientAnswer_IsRetried_ThenDelivered(int status)
    {
        _hub.East.Enqueue(new Reply(status, "oops", "text/plain"));

        var invocation = await _hub.SendAsync(Function, ItemForDc1("tr-" + status));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(2, _hub.East.Requests.Count);
        Assert.Equal("delivered", Assert.Single(await _hub.AuditAsync("items")).GetString("Outcome"));
    }

    [Fact]
    public async Task DroppedConnection_IsRetried_ThenDelivered()
    {
        _hub.East.Enqueue(Reply.Dropped);

        var invocation = await _hub.SendAsync(Function, ItemForDc1("drop-1"));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(2, _hub.East.Requests.Count);
    }

    [Fact]
    public async Task SlowWms_AttemptTimesOut_ThenTheRetryIsDelivered()
    {
        _hub.East.Enqueue(Reply.Slow(TimeSpan.FromSeconds(10)));

        var started = DateTimeOffset.UtcNow;
        var invocation = await _hub.SendAsync(Function, ItemForDc1("slow-1"));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(2, _hub.East.Requests.Count);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(5), "the attempt timeout (0.5 s) cut the slow answer short");
    }

    [Fact]
    public async Task RetryAfterBeyondTheCap_EndsTheAttempt_AndTheDeferredDeliveryIsDelivered()
    {
        _hub.East.Enqueue(Reply.TooManyRequests(600));

        var first = await _hub.SendAsync(Function, ItemForDc1("cap-1"));
        var second = Assert.Single(await _hub.Hub.Functions.DrainAsync(Retry, TestContext.Current.CancellationToken));

        Assert.Equal((200, 200), (first.Status, second.Status));
        Assert.Equal(2, _hub.East.Requests.Count);
    }

    [Fact]
    public async Task RetriesSpent_TheMessageCompletes_TheDeliveryToThatInstanceIsDeferred_AndEachInstanceGetsItOnce()
    {
        _hub.East.Enqueue(Reply.Unavailable(), Reply.Unavailable(), Reply.Unavailable()); // first try + 2 retries
        var body = OutboundHub.CloudEvent("item.changed", "spent-1", ItemDownloadTests.Item(1));

        var first = await _hub.SendAsync(Function, body);
        var retried = Assert.Single(await _hub.Hub.Functions.DrainAsync(Retry, TestContext.Current.CancellationToken));

        Assert.Equal(200, first.Status);
        Assert.Equal("1", DeliveryCount(first));
        Assert.Empty(await _hub.Hub.Functions.ReceiveOnceAsync(Function, TestContext.Current.CancellationToken)); // completed: no redelivery
        Assert.Equal(200, retried.Status);
        Assert.Equal(4, _hub.East.Requests.Count);
        Assert.Single(_hub.Store.Requests); // delivered in the first invocation; the retry is for east only
        var audit = await _hub.AuditAsync("items");
        Assert.Equal(
            ["east:delivered:2", "east:retrying:1", "store-12:delivered:1"],
            audit.Select(a => $"{a.GetString("Instance")}:{a.GetString("Outcome")}:{a.GetInt32("Attempt")}").Order(StringComparer.Ordinal));
        Assert.Empty(await _hub.FailedSyncsAsync("east"));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(422)]
    public async Task PermanentRefusal_IsRecordedWithTheWmsAnswer_AndNotRetried(int status)
    {
        _hub.East.Enqueue(Reply.Problem(status, "urn:wms:problem:invalid-item", "Dimensions rejected; ask jane.doe@shop.test or call 5551234567"));

        var invocation = await _hub.SendAsync(Function, ItemForDc1("perm-" + status));

        Assert.Equal(200, invocation.Status);
        Assert.Single(_hub.East.Requests);
        var failed = Assert.Single(await _hub.FailedSyncsAsync("east", "items"));
        Assert.Equal("wms-refused", failed.ReasonCode);
        Assert.StartsWith($"HTTP {status}: ", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("Dimensions rejected; ask [email] or call [digits]", failed.Detail, StringComparison.Ordinal);
        Assert.Equal("corr-perm-" + status, failed.CorrelationId);

        // Sent again (a redelivery), it is not sent to the WMS again nor recorded twice.
        await _hub.SendAsync(Function, ItemForDc1("perm-" + status));
        Assert.Single(_hub.East.Requests);
        Assert.Equal(1, Assert.Single(await _hub.FailedSyncsAsync("east", "items")).Attempts);
    }

    private static string? DeliveryCount(InvocationRecord invocation) =>
        JsonDocument.Parse(invocation.Payload).RootElement.GetProperty("Metadata").GetProperty("DeliveryCount").GetString();
}
