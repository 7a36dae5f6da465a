using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Events;
using static WmsFunctions.IntegrationTests.Support.LoopbackMarketplace;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>A channel that hears of shipments at packing: the packed quantities at once, and nothing twice when the slip ships.</summary>
public sealed class ChannelPackingTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private ChannelHub _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await ChannelHub.StartAsync(azurite, settings: values => values["Hub:Tenants:acme:Channels:Marketplaces:ebay:ShipmentsAt"] = "Packing");
        await _hub.Hub.SeedItemsAsync("acme", "MUG");
        await _hub.CountAsync("MUG", "E-A1", 10, "count-mug");
        await _hub.Hub.RelayAsync();
        await _hub.FeedAndPublishAsync();
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task PackedSlip_IsReportedAtPacking_AndTheShipmentAfterwardsReportsNothingTwice()
    {
        var now = DateTimeOffset.UtcNow;
        _hub.Ebay.PutOrder(Order("5", now.AddMinutes(-30), now.AddMinutes(-20), items: [Item(51, "MUG", 2), Item(52, "MUG", 1)]));
        Assert.Single(await _hub.PullAsync());

        await _hub.PublishToOmsTopicAsync(SlipEvent(1, "packed", shipped: 0, open: 2)); // 2 of 3 picked and packed, 1 backordered
        await _hub.FeedAndPublishAsync();
        var atPacking = _hub.Ebay.Shipments.ToList();
        await _hub.PublishToOmsTopicAsync(SlipEvent(2, "shipped", shipped: 2, open: 0, tracking: "1Z-P"));
        await _hub.FeedAndPublishAsync();

        var packed = Assert.Single(atPacking);
        Assert.Equal("51x2", string.Join(",", packed.Items.Select(i => $"{i.Item}x{i.Quantity}"))); // line 52 stays open
        Assert.Single(_hub.Ebay.Shipments); // shipping what was packed reports nothing new
        Assert.Equal(1, (await _hub.OrderAsync("ebay", "5"))!.ShippedLines);
    }

    private static string SlipEvent(int sequence, string state, long shipped, long open, string? tracking = null)
    {
        var cartons = tracking is null ? Array.Empty<PickSlipCarton>() : [new PickSlipCarton(null, tracking, "UPS", "GROUND", null, null, null, [new CartonContent(1, shipped)])];
        var slip = new PickSlipStatusEvent(
            "PS-5", "ebay-5", "east", "DC1", state, state, null, null, null,
            [new PickSlipLineStatus(1, "MUG", 3, shipped, 0, 1, open, tracking is null ? [] : [tracking])],
            cartons,
            tracking is null ? [] : [tracking]);
        return OmsEvent.Create($"acme/pickslips/PS-5/{sequence}", "/tenants/acme/pickslips", "pickslip." + state, "PS-5", DateTimeOffset.UtcNow, "acme", "c-5", slip);
    }
}
