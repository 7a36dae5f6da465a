using System.Net;
using System.Text.Json;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Events;
using static WmsFunctions.IntegrationTests.Support.LoopbackMarketplace;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>
/// The channels' failures replayed through the operator API after the cause is fixed: a held order (decided again
/// through the inbox), a shipment and stock the marketplace refused, a product the marketplace did not know. Each
/// replay succeeds once; a second one answers not-open and sends nothing.
/// </summary>
public sealed class ChannelReplayTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddHours(-2);

    private ChannelHub _hub = null!;

    private HubTestHost Hub => _hub.Hub;

    public async ValueTask InitializeAsync()
    {
        _hub = await ChannelHub.StartAsync(azurite);
        await Hub.SeedItemsAsync("acme", "MUG", "SOCK");
        _hub.Ebay.AddProduct("MUG", "601"); // amazon does not know MUG yet
        _hub.Ebay.AddProduct("SOCK", "602");
        _hub.Amazon.AddProduct("SOCK", "502");
        await _hub.CountAsync("MUG", "E-A1", 10, "count-mug");
        await _hub.CountAsync("SOCK", "E-A1", 3, "count-sock");
        await Hub.RelayAsync();
        await _hub.FeedAndPublishAsync();
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<string> OnlyFailureAsync(string flow, string instance)
    {
        var failed = Assert.Single(await OperatorCalls.FailedSyncsAsync(Hub, $"?flow={flow}&instance={instance}"));
        return failed.GetProperty("id").GetString()!;
    }

    private async Task<JsonElement> ReplayAsync(string id)
    {
        var response = await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", new { reason = "cause fixed" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await OperatorCalls.JsonAsync(response);
    }

    private async Task AssertNotOpenAsync(string id)
    {
        var again = await OperatorCalls.PostAsync(Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:failed-sync-not-open", (await OperatorCalls.JsonAsync(again)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task BackorderedOrder_ReplayedBeforeTheStockCame_StaysHeld_AfterItCame_IsAcceptedAndSentToTheOmsOnce()
    {
        _hub.Amazon.PutOrder(Order("4", T0, T0.AddMinutes(4), items: Item(41, "SOCK", 3))); // amazon may sell 60% of 3
        Assert.Empty(await _hub.PullAsync());
        var id = await OnlyFailureAsync(ChannelOrderFlow.FlowName, "channel:amazon");

        var early = await ReplayAsync(id);
        Assert.Equal(("failed-again", "Open", "backorder"), (early.GetProperty("outcome").GetString(), early.GetProperty("status").GetString(), early.GetProperty("reasonCode").GetString()));
        Assert.Empty(await Hub.RelayAsync());

        await _hub.CountAsync("SOCK", "E-A1", 10, "count-sock-2"); // the fix: stock arrived
        Assert.DoesNotContain(await Hub.RelayAsync(), e => e.Contains("channel.order", StringComparison.Ordinal));
        var replayed = await ReplayAsync(id);
        await AssertNotOpenAsync(id);

        Assert.Equal(("replayed", "Replayed"), (replayed.GetProperty("outcome").GetString(), replayed.GetProperty("status").GetString()));
        Assert.Equal(ChannelOrderStatus.Accepted, (await _hub.OrderAsync("amazon", "4"))!.Status);
        var accepted = Assert.Single(await Hub.RelayAsync(), e => e.Contains("channel.order.accepted", StringComparison.Ordinal));
        Assert.Equal("4", JsonDocument.Parse(accepted).RootElement.GetProperty("data").GetProperty("marketplaceOrderId").GetString());
        Assert.Equal(3, (await _hub.AvailabilityAsync("SOCK")).Warehouses.Single(w => w.Warehouse == "DC1").Reserved);
        Assert.Empty(await Hub.RelayAsync());
        Assert.Empty(await _hub.PullAsync()); // the marketplace's same version again: answered from the inbox, nothing new
        Assert.Equal(3, (await _hub.AvailabilityAsync("SOCK")).Warehouses.Single(w => w.Warehouse == "DC1").Reserved);
    }

    [Fact]
    public async Task RefusedShipment_ReplayedOnceTheMarketplaceTakesIt_IsReportedOnce()
    {
        _hub.Amazon.PutOrder(Order("8", T0, T0.AddMinutes(8), items: Item(81, "MUG", 3)));
        Assert.Single(await _hub.PullAsync());
        _hub.Amazon.RefuseShipments = true;
        await _hub.PublishToOmsTopicAsync(Shipped("amazon-8", "1Z-C", 3));
        await _hub.FeedAndPublishAsync();
        var id = await OnlyFailureAsync(ChannelProducts.ShipmentsFlow, "channel:amazon");
        Assert.Empty(_hub.Amazon.Shipments);

        _hub.Amazon.RefuseShipments = false; // the fix, on the marketplace's side
        var replayed = await ReplayAsync(id);
        await AssertNotOpenAsync(id);

        Assert.Equal("replayed", replayed.GetProperty("outcome").GetString());
        var shipment = Assert.Single(_hub.Amazon.Shipments);
        Assert.Equal(("8", "1Z-C", "81x3"), (shipment.OrderId, shipment.Tracking, string.Join(",", shipment.Items.Select(i => $"{i.Item}x{i.Quantity}"))));
    }

    [Fact]
    public async Task RefusedRelativeStock_AndAnUnknownProduct_AreReplayedOnce_TheAbsoluteFigureIsTheCurrentOne()
    {
        var lookup = await OnlyFailureAsync(ChannelProducts.StockFlow, "channel:amazon"); // amazon had no MUG at the count
        _hub.Ebay.RefuseStockUpdates = true;
        var before = _hub.Ebay.StockUpdates.Count;
        await _hub.PostOkAsync(new { eventId = "adj-r1", type = "adjust", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1), sku = "MUG", location = "E-A1", quantity = 5, reasonCode = "FOUND" });
        await Hub.RelayAsync();
        await _hub.FeedAndPublishAsync();
        var refused = await OnlyFailureAsync(ChannelProducts.StockFlow, "channel:ebay");

        _hub.Ebay.RefuseStockUpdates = false;
        _hub.Amazon.AddProduct("MUG", "501");
        var relative = await ReplayAsync(refused);
        var absolute = await ReplayAsync(lookup);
        await AssertNotOpenAsync(refused);
        await AssertNotOpenAsync(lookup);

        Assert.Equal(("replayed", "replayed"), (relative.GetProperty("outcome").GetString(), absolute.GetProperty("outcome").GetString()));
        var update = Assert.Single(_hub.Ebay.StockUpdates.Skip(before));
        Assert.Equal(("601", "Relative", "1:5"), (update.ProductId, update.UpdateType, string.Join(",", update.Updates.Select(u => $"{u.Dc}:{u.Quantity}"))));
        Assert.Equal(9, _hub.Amazon.Quantity("501", "1")); // 60% of 15, computed at the replay
        Assert.Single(_hub.Amazon.StockUpdates, u => u.ProductId == "501");
    }

    private static string Shipped(string orderId, string tracking, long quantity)
    {
        var slip = new PickSlipStatusEvent(
            "PS-8", orderId, "east", "DC1", "shipped", "shipped", null, null, null,
            [new PickSlipLineStatus(1, "MUG", quantity, quantity, 0, 0, 0, [tracking])],
            [new PickSlipCarton(null, tracking, "UPS", "GROUND", null, null, null, [new CartonContent(1, quantity)])],
            [tracking]);
        return OmsEvent.Create("acme/pickslips/PS-8/1", "/tenants/acme/pickslips", "pickslip.shipped", "PS-8", DateTimeOffset.UtcNow, "acme", "c-8", slip);
    }
}
