using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Events;
using static WmsFunctions.IntegrationTests.Support.LoopbackMarketplace;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>
/// Back to the marketplaces: shipments per line with partials, Relative and Absolute stock, DC pairs, product lookups,
/// and the throttled availability publication, on a fake clock.
/// </summary>
public sealed class ChannelFeedbackTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private ChannelHub _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await ChannelHub.StartAsync(azurite, _time);
        await _hub.Hub.SeedItemsAsync("acme", "MUG", "TEA");
        _hub.Amazon.AddProduct("MUG", "501");
        _hub.Ebay.AddProduct("MUG", "601");
        await _hub.CountAsync("MUG", "E-A1", 10, "count-mug");
        await _hub.Hub.RelayAsync();
        await _hub.FeedAndPublishAsync();
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<IReadOnlyList<JsonElement>> MoveAsync(object transaction)
    {
        await _hub.PostOkAsync(transaction);
        await _hub.Hub.RelayAsync();
        return await _hub.FeedAndPublishAsync();
    }

    private static object Adjust(string id, string sku, string location, long quantity) =>
        new { eventId = id, type = "adjust", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1), sku, location, quantity, reasonCode = "FOUND" };

    private static object Transfer(string id, string sku, string from, string to, long quantity) =>
        new { eventId = id, type = "transfer", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1), sku, location = from, toLocation = to, quantity };

    [Fact]
    public async Task RelativeChannel_GetsTheWarehouseMove_AbsoluteChannel_GetsItsShareSet()
    {
        var ebayBefore = _hub.Ebay.StockUpdates.Count;
        _time.Advance(TimeSpan.FromSeconds(61)); // the count's publication window is over

        var published = await MoveAsync(Adjust("adj-1", "MUG", "E-A1", 5));

        var relative = _hub.Ebay.StockUpdates.Skip(ebayBefore).Single();
        Assert.Equal(("601", "Relative", "1:5"), (relative.ProductId, relative.UpdateType, string.Join(",", relative.Updates.Select(u => $"{u.Dc}:{u.Quantity}"))));
        var absolute = _hub.Amazon.StockUpdates[^1];
        Assert.Equal(("501", "Absolute"), (absolute.ProductId, absolute.UpdateType));
        Assert.Equal(9, _hub.Amazon.Quantity("501", "1")); // 60% of 15
        Assert.Equal(0, _hub.Amazon.Quantity("501", "2"));
        Assert.DoesNotContain(_hub.Ebay.StockUpdates, u => u.UpdateType == "Absolute");
        var data = Assert.Single(published).GetProperty("data");
        Assert.Equal("com.wmsfunctions.channel.availability.changed", Assert.Single(published).GetProperty("type").GetString());
        Assert.Equal([9L, 6L], data.GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("availableToSell").GetInt64()));
    }

    [Fact]
    public async Task MoveBetweenAreasOfOneCentre_SendsNothing_MoveBetweenCentres_SendsAMatchingPair()
    {
        var before = _hub.Ebay.StockUpdates.Count;

        await MoveAsync(Transfer("t-1", "MUG", "E-A1", "E-A2", 3)); // both areas are DC1 -> marketplace DC 1
        var afterSameCentre = _hub.Ebay.StockUpdates.Count;
        await MoveAsync(Transfer("t-2", "MUG", "E-A1", "E-B1", 2)); // DC1 -> DC2: marketplace DC 1 -> 2

        Assert.Equal(before, afterSameCentre);
        var pair = _hub.Ebay.StockUpdates.Skip(before).Single();
        Assert.Equal("1:-2,2:2", string.Join(",", pair.Updates.Select(u => $"{u.Dc}:{u.Quantity}")));
        Assert.Equal(0, pair.Updates.Sum(u => u.Quantity));
    }

    [Fact]
    public async Task SkuNotUniqueOnTheMarketplace_IsRefusedAndFlagged_SkuUnknown_IsFlagged()
    {
        _hub.Ebay.AddProduct("TEA", "701");
        _hub.Ebay.AddProduct("TEA", "702");
        _time.Advance(TimeSpan.FromSeconds(61));

        await MoveAsync(Adjust("adj-tea", "TEA", "E-A1", 4));

        Assert.DoesNotContain(_hub.Ebay.StockUpdates, u => u.ProductId is "701" or "702");
        var flagged = Assert.Single(await _hub.FailedSyncsAsync("ebay"));
        Assert.Equal(("sku-not-unique", "TEA"), (flagged.ReasonCode, flagged.EntityId));
        Assert.Contains("701, 702", flagged.Detail, StringComparison.Ordinal);
        Assert.Equal("sku-not-on-marketplace", Assert.Single(await _hub.FailedSyncsAsync("amazon")).ReasonCode); // amazon has no TEA
    }

    [Fact]
    public async Task BusySku_IsPublishedOncePerWindow_AndTheLastFigureIsPublishedWhenTheWindowEnds()
    {
        _time.Advance(TimeSpan.FromSeconds(61));
        var first = await MoveAsync(Adjust("b-1", "MUG", "E-A1", 1)); // 11: published at once
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = await MoveAsync(Adjust("b-2", "MUG", "E-A1", 1)); // 12: inside the window
        _time.Advance(TimeSpan.FromSeconds(10));
        var third = await MoveAsync(Adjust("b-3", "MUG", "E-A1", 1)); // 13: inside the window
        var early = await _hub.SignalAsync(new StockSignal("acme", "MUG", Flush: true)); // a flush before the window ends
        _time.Advance(TimeSpan.FromSeconds(41));
        var flushed = await _hub.SignalAsync(new StockSignal("acme", "MUG", Flush: true));
        var again = await _hub.SignalAsync(new StockSignal("acme", "MUG", Flush: true));

        static long OnHand(JsonElement e) => e.GetProperty("data").GetProperty("warehouses").EnumerateArray().Single(w => w.GetProperty("warehouse").GetString() == "DC1").GetProperty("onHand").GetInt64();
        Assert.Equal(11, OnHand(Assert.Single(first)));
        Assert.Empty(second);
        Assert.Empty(third);
        Assert.Empty(early);
        Assert.Equal(13, OnHand(Assert.Single(flushed))); // the latest figure, not the first one of the window
        Assert.Empty(again); // nothing pending: nothing twice
        Assert.Equal(Assert.Single(first).GetProperty("data").GetProperty("sequence").GetInt64() + 1, Assert.Single(flushed).GetProperty("data").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Shipments_ArePerLine_OnlyWhatShipped_WithTracking_AndAReplayReportsNothingTwice()
    {
        _hub.Amazon.PutOrder(Order("7", _time.GetUtcNow().AddMinutes(-30), _time.GetUtcNow().AddMinutes(-20), items: [Item(71, "MUG", 2), Item(72, "MUG", 1)]));
        Assert.Single(await _hub.PullAsync());

        var partial = SlipEvent(1, "partially-shipped", shipped: 1, ("1Z-A", 1));
        await _hub.PublishToOmsTopicAsync(partial);
        await _hub.FeedAndPublishAsync();
        var afterPartial = _hub.Amazon.Shipments.ToList();
        await _hub.PublishToOmsTopicAsync(SlipEvent(2, "shipped", shipped: 3, ("1Z-A", 1), ("1Z-B", 2)));
        await _hub.PublishToOmsTopicAsync(partial); // a late, repeated event
        await _hub.FeedAndPublishAsync();

        var first = Assert.Single(afterPartial);
        Assert.Equal(("7", "UPS", "GROUND", "1Z-A", "1"), (first.OrderId, first.Carrier, first.Class, first.Tracking, first.Dc));
        Assert.Equal("71x1", string.Join(",", first.Items.Select(i => $"{i.Item}x{i.Quantity}"))); // item 71 stays open for 1
        var rest = Assert.Single(_hub.Amazon.Shipments.Skip(1));
        Assert.Equal(("1Z-B", "71x1,72x1"), (rest.Tracking, string.Join(",", rest.Items.Select(i => $"{i.Item}x{i.Quantity}"))));
        var order = (await _hub.OrderAsync("amazon", "7"))!;
        Assert.Equal((2, true), (order.ShippedLines, order.SlipReserved));
        Assert.Equal(0, (await _hub.AvailabilityAsync("MUG")).Warehouses.Single(w => w.Warehouse == "DC1").Reserved); // no slip holds in this test: the order's own hold is gone
    }

    [Fact]
    public async Task ShipmentTheMarketplaceRefuses_IsFlaggedWithTheShipment_NotRetriedForever()
    {
        _hub.Amazon.PutOrder(Order("8", _time.GetUtcNow().AddMinutes(-30), _time.GetUtcNow().AddMinutes(-20), items: Item(81, "MUG", 3)));
        Assert.Single(await _hub.PullAsync());
        _hub.Amazon.RefuseShipments = true;

        await _hub.PublishToOmsTopicAsync(SlipEvent(1, "shipped", shipped: 3, ("1Z-C", 3)).Replace("amazon-7", "amazon-8", StringComparison.Ordinal));
        await _hub.FeedAndPublishAsync(); // answered 200: the message is done

        var flagged = Assert.Single(await _hub.FailedSyncsAsync("amazon"), f => f.EntityType == "order");
        Assert.Equal(("marketplace-refused", "8"), (flagged.ReasonCode, flagged.EntityId));
        Assert.Contains("Order is cancelled", flagged.Detail, StringComparison.Ordinal);
        Assert.Empty(_hub.Amazon.Shipments);
        Assert.Equal("[]", (await _hub.OrderAsync("amazon", "8"))!.Outstanding);
    }

    private string SlipEvent(int sequence, string state, long shipped, params (string Tracking, long Quantity)[] cartons)
    {
        var slip = new PickSlipStatusEvent(
            "PS-7", "amazon-7", "east", "DC1", state, state, null, null, null,
            [new PickSlipLineStatus(1, "MUG", 3, shipped, 0, 0, 3 - shipped, cartons.Select(c => c.Tracking).ToArray())],
            cartons.Select(c => new PickSlipCarton(null, c.Tracking, "UPS", "GROUND", null, null, null, [new CartonContent(1, c.Quantity)])).ToArray(),
            cartons.Select(c => c.Tracking).ToArray());
        return OmsEvent.Create($"acme/pickslips/PS-7/{sequence}", "/tenants/acme/pickslips", "pickslip." + state, "PS-7", _time.GetUtcNow(), "acme", "c-7", slip);
    }
}
