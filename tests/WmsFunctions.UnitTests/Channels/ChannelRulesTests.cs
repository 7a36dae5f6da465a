using CsCheck;
using WmsFunctions.Adapters.ChannelAdvisor;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Channels;

public class ChannelRulesTests
{
    [Fact]
    public void OrderFilter_HasTheWatermarkAndEveryConfiguredFilter_AsOData()
    {
        var filter = ChannelAdvisorAdapter.OrderFilter(
            new ChannelOrderOptions { ProfileIds = [11, 12], ShippingStatus = "Unshipped", PaymentStatus = "Cleared", DistributionCenter = "7" },
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)));

        Assert.Equal(
            "UpdatedDateUtc ge 2026-11-23T09:00:00.0000000Z and (ProfileID eq 11 or ProfileID eq 12) and ShippingStatus eq 'Unshipped' and PaymentStatus eq 'Cleared' and DistributionCenterID eq 7",
            filter);
    }

    [Fact]
    public void OrderFilter_QuotesInLiterals_AreDoubled() =>
        Assert.EndsWith("ShippingStatus eq 'it''s'", ChannelAdvisorAdapter.OrderFilter(new ChannelOrderOptions { ShippingStatus = "it's" }, DateTimeOffset.UnixEpoch), StringComparison.Ordinal);

    [Fact]
    public void Validator_RefusesSharesAbove100_AnUnmappedDc_AndAMissingTokenSetting()
    {
        var channels = new TenantChannelsOptions();
        var options = new PerTenant<TenantChannelsOptions>().Set("acme", channels);
        channels.Marketplaces["a"] = new ChannelOptions
        {
            BaseUrl = "https://a.test", AccessTokenSetting = "", DistributionCenters = { ["1"] = [] }, Allocation = { Percent = 70 },
        };
        channels.Marketplaces["b"] = new ChannelOptions
        {
            BaseUrl = "https://b.test", AccessTokenSetting = "B_TOKEN", DistributionCenters = { ["1"] = ["DC1"] }, Allocation = { Percent = 40 },
        };

        var result = new ChannelOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("add up to 110", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains(":a:DistributionCenters", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains(":a:AccessTokenSetting", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Failures!, f => f.Contains(":b:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_AnAdapterNoOneRegistered_IsRefusedAtStartUp_ALeftOutOneIsTheOnlyAdapter()
    {
        var channels = new TenantChannelsOptions();
        var options = new PerTenant<TenantChannelsOptions>().Set("acme", channels);
        channels.Marketplaces["a"] = new ChannelOptions { Adapter = "chanadvisor", BaseUrl = "https://a.test", AccessTokenSetting = "A_TOKEN", DistributionCenters = { ["1"] = ["DC1"] } };
        channels.Marketplaces["b"] = new ChannelOptions { BaseUrl = "https://b.test", AccessTokenSetting = "B_TOKEN", DistributionCenters = { ["1"] = ["DC1"] } };
        var adapters = new MarketplaceAdapters([new NamedOnly("channeladvisor")]);

        var result = new ChannelOptionsValidator(adapters: adapters).Validate(null, options);

        Assert.Equal(["Hub:Tenants:acme:Channels:Marketplaces:a:Adapter 'chanadvisor' is not a registered marketplace adapter: one of channeladvisor."], result.Failures);
        Assert.Equal("channeladvisor", adapters.For(new Channel("acme", "b", channels.Marketplaces["b"])).Name);
    }

    [Fact]
    public void Adapters_WithSeveralRegistered_AChannelMustNameOne() =>
        Assert.Equal(
            ("is required: one of channeladvisor, other.", null),
            (new MarketplaceAdapters([new NamedOnly("other"), new NamedOnly("channeladvisor")]).Check(null),
             new MarketplaceAdapters([new NamedOnly("other"), new NamedOnly("channeladvisor")]).Check("OTHER")));

    [Fact]
    public void UnitsBySku_CountsBundlesAsTheirComponents() =>
        Assert.Equal(
            new Dictionary<string, long> { ["MUG"] = 5, ["TEA"] = 4 },
            ChannelOrderEntity.UnitsBySku([
                new ChannelOrderLine("1", "DUO", 2, [new BundleComponent("MUG", 1), new BundleComponent("TEA", 2)], 0),
                new ChannelOrderLine("2", "MUG", 3, [], 0)]));

    /// <summary>
    /// The channels' figures of one SKU over several warehouses (each split separately, a channel selling from some of
    /// them; shares up to 100 % as validation allows): no channel is ever shown more than the ATS of the warehouses it sells from, and together they never exceed
    /// the total ATS.
    /// </summary>
    [Fact]
    public void SplitPerWarehouse_SummedPerChannel_NeverAboveTheAvailableToSell() =>
        Gen.Select(Gen.Long[0, 500].Array[1, 4], Gen.Int[0, 33].Array[3], Gen.Int[0, 15].Array[3]).Sample((ats, percents, sells) =>
        {
            var channels = Enumerable.Range(0, 3).Select(i => (Id: $"c{i}", Percent: percents[i], Sells: sells[i])).ToArray();
            var totals = channels.ToDictionary(c => c.Id, _ => 0L);
            var reach = channels.ToDictionary(c => c.Id, _ => 0L);
            for (var w = 0; w < ats.Length; w++)
            {
                var sellers = channels.Where(c => (c.Sells & (1 << w)) != 0).ToList();
                var split = Allocation.Split(ats[w], sellers.Select(c => new ChannelRule(c.Id, Percent: c.Percent)).ToList());
                foreach (var c in sellers)
                {
                    totals[c.Id] += split[c.Id];
                    reach[c.Id] += ats[w];
                }
            }

            return totals.Values.Sum() <= ats.Sum() && channels.All(c => totals[c.Id] <= reach[c.Id]);
        });

    /// <summary>An adapter that only has a name: what the registration check looks at.</summary>
    private sealed class NamedOnly(string name) : IMarketplaceAdapter
    {
        public string Name => name;

        public Task<MarketplaceOrderPage> PullOrdersAsync(Channel channel, DateTimeOffset updatedSince, string? nextLink, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReportShipmentAsync(Channel channel, MarketplaceShipment shipment, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task UpdateStockAsync(Channel channel, string productId, StockUpdateType type, IReadOnlyList<DcQuantity> updates, CancellationToken cancellationToken) => throw new NotSupportedException();

        public MarketplaceOrder ReadPushedOrder(ReadOnlySpan<byte> body) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> FindProductIdsAsync(Channel channel, string sku, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
