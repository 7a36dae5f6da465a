using System.Text.Json;
using Azure;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;
using static WmsFunctions.IntegrationTests.Support.LoopbackMarketplace;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>Marketplace order intake: watermark, OData filter and paging, 429s, overlap de-duplication, bundles, holds.</summary>
public sealed class ChannelOrderIntakeTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-2);

    private static readonly string PushSecret = StandardWebhooks.NewSecret();

    private ChannelHub _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await ChannelHub.StartAsync(azurite, settings: values =>
        {
            values["Hub:Tenants:acme:Channels:Bundles:GIFT-SET:MUG"] = "1";
            values["Hub:Tenants:acme:Channels:Bundles:GIFT-SET:TEA"] = "2";
            values["Hub:Tenants:acme:Channels:Marketplaces:ebay:WebhookSecretSettings:0"] = "MKT_EBAY_WEBHOOK_SECRET";
            values["MKT_EBAY_WEBHOOK_SECRET"] = PushSecret;
        });
        await _hub.Hub.SeedItemsAsync("acme", "MUG", "TEA", "SOCK");
        foreach (var (sku, quantity) in new[] { ("MUG", 100L), ("TEA", 100L), ("SOCK", 3L) })
        {
            await _hub.CountAsync(sku, "E-A1", quantity, "count-" + sku);
        }

        await _hub.Hub.RelayAsync();
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static string[] Ids(IEnumerable<JsonElement> events) =>
        events.Select(e => e.GetProperty("data").GetProperty("marketplaceOrderId").GetString()!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Pull_FollowsNextLinksThrough429s_HandsEachOrderOnOnce_AndMovesTheWatermarkForward()
    {
        for (var i = 1; i <= 5; i++)
        {
            _hub.Amazon.PutOrder(Order($"{i}", T0, T0.AddMinutes(i), items: Item(10 * i, "MUG", 1)));
        }

        _hub.Amazon.PutOrder(Order("99", T0, T0.AddMinutes(3), profile: 2002, items: Item(990, "MUG", 1))); // another profile: filtered out
        _hub.Amazon.Throttle(2); // the first two requests: 429, Retry-After: 0

        var first = await _hub.PullAsync();
        var watermark = await _hub.WatermarkAsync("amazon");
        _hub.Amazon.PutOrder(Order("6", T0, T0.AddMinutes(6), items: Item(60, "MUG", 1)));
        var second = await _hub.PullAsync(); // starts 5 minutes before the watermark: orders 1-5 come again

        Assert.Equal(["1", "2", "3", "4", "5"], Ids(first));
        Assert.Equal(2, _hub.Amazon.Throttled);
        Assert.Equal(T0.AddMinutes(5), watermark);
        Assert.Equal(["6"], Ids(second)); // the overlap brought nothing twice
        Assert.Equal(T0.AddMinutes(6), await _hub.WatermarkAsync("amazon"));
        var pulls = _hub.Amazon.Requests.Where(r => r.StartsWith("GET /v1/Orders", StringComparison.Ordinal)).Select(Uri.UnescapeDataString).ToList();
        Assert.Contains(pulls, r => r.Contains("ProfileID eq 1001", StringComparison.Ordinal) && r.Contains("ShippingStatus eq 'Unshipped'", StringComparison.Ordinal));
        Assert.Contains(pulls, r => r.Contains("$skip=4", StringComparison.Ordinal)); // the third page, through @odata.nextLink
        Assert.Contains(pulls, r => r.Contains($"UpdatedDateUtc ge {T0.AddMinutes(0).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_RetryAfterBeyondTheLimit_StopsWithoutLosingThePagesHandedOn()
    {
        for (var i = 1; i <= 4; i++)
        {
            _hub.Amazon.PutOrder(Order($"{i}", T0, T0.AddMinutes(i), items: Item(10 * i, "MUG", 1)));
        }

        _hub.Amazon.ThrottleAfter(requests: 1, count: 1, retryAfterSeconds: 3600); // page 2: come back in an hour (the channel waits 5 s at most)

        var stopped = await _hub.PullAsync();
        var watermarkAfterStop = await _hub.WatermarkAsync("amazon");
        var rest = await _hub.PullAsync();

        Assert.Equal(["1", "2"], Ids(stopped));
        Assert.Equal(T0.AddMinutes(2), watermarkAfterStop); // only what was handed on
        Assert.Equal(["3", "4"], Ids(rest));
    }

    [Fact]
    public async Task Bundles_AreSplitIntoComponents_FromTheMarketplaceOrFromConfiguration()
    {
        _hub.Amazon.PutOrder(Order("1", T0, T0.AddMinutes(1), items: [Item(11, "DUO", 2, ("MUG", 1), ("SOCK", 1)), Item(12, "TEA", 1)]));
        _hub.Amazon.PutOrder(Order("2", T0, T0.AddMinutes(2), items: Item(21, "GIFT-SET", 3))); // components configured

        var events = (await _hub.PullAsync()).OrderBy(e => e.GetProperty("data").GetProperty("marketplaceOrderId").GetString()).ToList();

        string Lines(JsonElement e) => string.Join(", ", e.GetProperty("data").GetProperty("lines").EnumerateArray()
            .Select(l => $"{l.GetProperty("sku").GetString()}x{l.GetProperty("quantity").GetInt64()}{(l.TryGetProperty("bundleSku", out var b) ? "<" + b.GetString() : "")}"));
        Assert.Equal("MUGx2<DUO, SOCKx2<DUO, TEAx1", Lines(events[0]));
        Assert.Equal("MUGx3<GIFT-SET, TEAx6<GIFT-SET", Lines(events[1]));
        Assert.Equal("amazon-1", events[0].GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal("Amazon US", events[0].GetProperty("data").GetProperty("orderSource").GetString());
        Assert.Equal(2, (await _hub.AvailabilityAsync("SOCK")).Warehouses.Single(w => w.Warehouse == "DC1").Reserved);
    }

    [Fact]
    public async Task FraudPaymentAndBackorder_AreHeldAndFlagged_NotSent_AndAClearedPaymentReleasesTheOrder()
    {
        _hub.Amazon.PutOrder(Order("1", T0, T0.AddMinutes(1), flag: 7, items: Item(11, "MUG", 1)));
        _hub.Amazon.PutOrder(Order("2", T0, T0.AddMinutes(2), payment: "Submitted", items: Item(21, "MUG", 1)));
        _hub.Amazon.PutOrder(Order("3", T0, T0.AddMinutes(3), items: Item(31, "SOCK", 2))); // amazon may sell 60% of 3 = 1 (rounded: 2)
        _hub.Amazon.PutOrder(Order("4", T0, T0.AddMinutes(4), items: Item(41, "SOCK", 3)));

        var events = await _hub.PullAsync();
        _hub.Amazon.PutOrder(Order("2", T0, T0.AddMinutes(10), payment: "Cleared", items: Item(21, "MUG", 1)));
        var later = await _hub.PullAsync();

        Assert.Equal(["3"], Ids(events));
        Assert.Equal(["2"], Ids(later));
        Assert.Equal("fraud-hold", (await _hub.OrderAsync("amazon", "1"))!.HoldReason);
        Assert.Equal(ChannelOrderStatus.Accepted, (await _hub.OrderAsync("amazon", "2"))!.Status);
        Assert.Equal("backorder", (await _hub.OrderAsync("amazon", "4"))!.HoldReason);
        var stored = (await _hub.Hub.RowsAsync(HubTable.Channels)).Where(r => r.PartitionKey == "acme").ToDictionary(r => r.RowKey, r => r.GetString("Status"));
        Assert.Equal(("held", "accepted", "held"), (stored[ChannelKeys.Order("amazon", "1")], stored[ChannelKeys.Order("amazon", "2")], stored[ChannelKeys.Order("amazon", "4")])); // the column keeps the text existing rows have
        var flagged = await _hub.FailedSyncsAsync("amazon");
        Assert.Equal(["backorder", "fraud-hold", "payment-hold"], flagged.Select(f => f.ReasonCode).Order(StringComparer.Ordinal));
        var sock = await _hub.AvailabilityAsync("SOCK");
        Assert.Equal(2, sock.Warehouses.Single(w => w.Warehouse == "DC1").Reserved); // the held order reserves nothing
    }

    [Fact]
    public async Task PushedOrder_Signed_IsTakenLikeAPulledOne_Replayed_AnsweredAsBefore_ForgedOrMalformed_Refused()
    {
        var body = Order("3001", T0, T0.AddMinutes(1), items: Item(1, "MUG", 1)).ToJsonString();

        var first = await PushAsync(body, sign: true);
        var published = await _hub.Hub.RelayAsync();
        var again = await PushAsync(body, sign: true);
        var forged = await PushAsync(body.Replace("\"Quantity\":1", "\"Quantity\":9", StringComparison.Ordinal), sign: false);
        var malformed = await PushAsync("{\"ID\":", sign: true);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, first.StatusCode);
        Assert.Contains("\"outcome\":\"accepted\"", await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("ebay-3001", JsonDocument.Parse(Assert.Single(published)).RootElement.GetProperty("data").GetProperty("orderId").GetString());
        Assert.Equal((System.Net.HttpStatusCode.Accepted, "true"), (again.StatusCode, again.Headers.GetValues("Idempotent-Replayed").Single()));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await _hub.Hub.RelayAsync()); // nothing more reached the OMS
    }

    [Theory]
    [InlineData("\"Quantity\":1", "\"Quantity\":1,\"Quantity\":9")]
    [InlineData("\"Quantity\":1", "\"Quantity\":1,\"quantity\":9")]
    public async Task PushedOrder_WithANameGivenTwice_IsMalformedJson_AndChangesNothing(string field, string twice)
    {
        var body = Order("3002", T0, T0.AddMinutes(1), items: Item(1, "MUG", 1)).ToJsonString();
        Assert.Contains(field, body, StringComparison.Ordinal);

        var response = await PushAsync(body.Replace(field, twice, StringComparison.Ordinal), sign: true);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("urn:wmsfunctions:problem:malformed-json", problem.GetProperty("type").GetString());
        Assert.Contains("is given more than once", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await _hub.Hub.RowsAsync(HubTable.Channels), r => r.RowKey.Contains("3002", StringComparison.Ordinal));
        Assert.DoesNotContain(await _hub.Hub.RowsAsync(HubTable.Inbox), r => r.RowKey.Contains("3002", StringComparison.Ordinal) || r.PartitionKey.Contains("3002", StringComparison.Ordinal));
        Assert.Empty(await _hub.Hub.RelayAsync());
    }

    [Fact]
    public async Task PushedOrders_RacingForTheLastUnits_AreDecidedAsIfOneAfterAnother_NoneOversold()
    {
        // SOCK: 3 on hand in DC1. One after another, ebay's 40% share takes 1 of 3, then 1 of the 2 left
        // (largest remainder), then nothing of the last 1 (amazon's). Six one-unit orders arrive at once.
        var orders = Enumerable.Range(1, 6)
            .Select(n => Order((4000 + n).ToString(System.Globalization.CultureInfo.InvariantCulture), T0, T0.AddMinutes(1), items: Item(n, "SOCK", 1)).ToJsonString())
            .ToList();

        var answers = await Task.WhenAll(orders.Select(body => PushAsync(body, sign: true)));
        var outcomes = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));

        Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.Accepted, a.StatusCode));
        Assert.Equal(2, outcomes.Count(o => o.Contains("\"outcome\":\"accepted\"", StringComparison.Ordinal)));
        Assert.Equal(4, outcomes.Count(o => o.Contains("\"holdReason\":\"backorder\"", StringComparison.Ordinal)));
        var sock = await _hub.AvailabilityAsync("SOCK");
        Assert.Equal(2, sock.Warehouses.Single(w => w.Warehouse == "DC1").Reserved);
        Assert.Equal(0, sock.For("ebay"));
        Assert.Equal(2, (await _hub.Hub.RelayAsync()).Count); // two orders reached the OMS
    }

    [Fact]
    public async Task GuardedReservation_AfterTheSnapshotMoved_WritesNothing_AndWithTheFreshETagHolds()
    {
        var ledger = _hub.Hub.Services.GetRequiredService<StockLedger>();
        var reservations = _hub.Hub.Services.GetRequiredService<StockReservations>();
        var read = (await ledger.GetSnapshotAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken))!;
        await _hub.CountAsync("SOCK", "E-A1", 5, "count-SOCK-again");
        var units = new Dictionary<string, long> { ["SOCK"] = 2 };

        var stale = await reservations.TryReserveAsync("acme", "DC1", "test", "order-1", units, new Dictionary<string, ETag> { ["SOCK"] = read.ETag }, TestContext.Current.CancellationToken);
        var reservedAfterStale = await reservations.ReservedAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken);
        var fresh = (await ledger.GetSnapshotAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken))!;
        var held = await reservations.TryReserveAsync("acme", "DC1", "test", "order-1", units, new Dictionary<string, ETag> { ["SOCK"] = fresh.ETag }, TestContext.Current.CancellationToken);
        var after = (await ledger.GetSnapshotAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken))!;

        Assert.False(stale);
        Assert.Equal(0, reservedAfterStale);
        Assert.True(held);
        Assert.Equal(2, await reservations.ReservedAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken));
        Assert.NotEqual(fresh.ETag, after.ETag); // the hold moved the guard: a second decider that read `fresh` must read again
        Assert.Equal((fresh.OnHand, fresh.Version, fresh.Areas), (after.OnHand, after.Version, after.Areas)); // and changed nothing else
    }

    [Fact]
    public async Task GuardedReservation_AfterAPickSlipHeldTheSku_DecidesAgain_AndAHoldForASkuWithoutSnapshotStillLands()
    {
        var ledger = _hub.Hub.Services.GetRequiredService<StockLedger>();
        var reservations = _hub.Hub.Services.GetRequiredService<StockReservations>();
        var read = (await ledger.GetSnapshotAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken))!;
        await reservations.SetReservationsAsync("acme", "DC1", "pickslip", "PS-1", new Dictionary<string, long> { ["SOCK"] = 1, ["NEVER-STOCKED"] = 4 }, TestContext.Current.CancellationToken);

        var stale = await reservations.TryReserveAsync(
            "acme", "DC1", "channel-order", "order-2", new Dictionary<string, long> { ["SOCK"] = 1 }, new Dictionary<string, ETag> { ["SOCK"] = read.ETag }, TestContext.Current.CancellationToken);

        Assert.False(stale); // the slip's hold came between this order's read and its hold
        Assert.Equal(1, await reservations.ReservedAsync("acme", "DC1", "SOCK", TestContext.Current.CancellationToken));
        Assert.Equal(4, await reservations.ReservedAsync("acme", "DC1", "NEVER-STOCKED", TestContext.Current.CancellationToken));
        Assert.Null(await ledger.GetSnapshotAsync("acme", "DC1", "NEVER-STOCKED", TestContext.Current.CancellationToken)); // no empty snapshot made up
    }

    private Task<HttpResponseMessage> PushAsync(string body, bool sign)
    {
        var id = "msg-" + Guid.NewGuid().ToString("N");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(StandardWebhooks.TryParseSecret(PushSecret, out var secret));
        var signature = StandardWebhooks.Sign(secret, id, timestamp, System.Text.Encoding.UTF8.GetBytes(sign ? body : body + " "));
        return _hub.Hub.PostAsync("/api/channels/acme/ebay/orders", body,
            [(StandardWebhooks.IdHeader, id), (StandardWebhooks.TimestampHeader, timestamp), (StandardWebhooks.SignatureHeader, signature)]);
    }
}
