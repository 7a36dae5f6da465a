using Microsoft.Extensions.Options;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Edi;

/// <summary>An X12 instance's settings are checked at start, and the mapping of its sets onto the hub's flows is pure.</summary>
public sealed class X12PartnerConfigurationTests
{
    private const string Gln = "0614141000012";
    private const string Upc = "036000291452";

    /// <summary>An x12 instance's three sections: what every instance has, its Outbound and its X12.</summary>
    private sealed record X12Instance(WmsInstanceOptions Core, WmsOutboundOptions Outbound, X12InstanceOptions? X12)
    {
        public X12InstanceOptions? X12 { get; set; } = X12;

        public HubOptions Hub() => new() { Tenants = { ["acme"] = new TenantOptions { Instances = { ["tpl"] = Core } } } };

        public PerInstance<X12InstanceOptions> X12Sections() =>
            X12 is null ? new() : new PerInstance<X12InstanceOptions>().Set("acme", "tpl", X12);
    }

    private static X12Instance Instance(Action<X12InstanceOptions>? change = null, params string[] flows)
    {
        var x12 = new X12InstanceOptions
        {
            OwnId = "HUB",
            PartnerId = "TPL",
            GlnLocations = { [Gln] = "T-1" },
            DefaultLocation = "T-1",
            AdjustmentReasons = { ["AU"] = "DMG" },
        };
        change?.Invoke(x12);
        return new X12Instance(
            new WmsInstanceOptions { Adapter = "x12", Locations = { ["T-1"] = "DC1" }, SkuAliases = { [Upc] = "100234" } },
            new WmsOutboundOptions { BaseUrl = "https://tpl.example", Flows = [.. flows] },
            x12);
    }

    private static ValidateOptionsResult Validate(X12Instance instance) =>
        new X12OptionsValidator(Options.Create(instance.Hub()), Options.Create(new PerInstance<WmsOutboundOptions>().Set("acme", "tpl", instance.Outbound)))
            .Validate(null, instance.X12Sections());

    [Fact]
    public void Validate_AGoodPartner_Succeeds()
    {
        Assert.True(Validate(Instance(null, "pick-slips", "purchase-orders", "return-authorizations")).Succeeded);
    }

    [Theory]
    [InlineData("items")]
    [InlineData("vendors")]
    [InlineData("order-changes")]
    public void Validate_AFlowNoSetCarries_FailsTheStartByName(string flow)
    {
        var result = Validate(Instance(null, "pick-slips", flow));

        Assert.Contains(result.Failures!, f => f.Contains($"'{flow}', which X12 partners cannot receive", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BadGlnSeparatorsAndLocations_AreEachNamed()
    {
        var result = Validate(Instance(x =>
        {
            x.GlnLocations = new() { ["0614141000013"] = "T-9" };
            x.ElementSeparator = "**";
            x.SegmentTerminator = "A";
            x.DefaultLocation = "NOWHERE";
        }));

        var failures = string.Join("\n", result.Failures!);
        Assert.Contains("GlnLocations:0614141000013 is not a GLN", failures, StringComparison.Ordinal);
        Assert.Contains("names 'T-9', which is not one of the instance's Locations", failures, StringComparison.Ordinal);
        Assert.Contains("ElementSeparator must be exactly one character", failures, StringComparison.Ordinal);
        Assert.Contains("segment terminator 'A' cannot be a delimiter", failures, StringComparison.Ordinal);
        Assert.Contains("DefaultLocation 'NOWHERE'", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AnX12AdapterWithoutSettings_Fails()
    {
        var instance = Instance();
        instance.X12 = null;

        Assert.Contains(Validate(instance).Failures!, f => f.Contains("X12 is required", StringComparison.Ordinal));
    }

    private static (X12Partner Partner, WmsInstanceLookup Lookup) Partner()
    {
        var instance = Instance();
        Assert.True(new X12Partners(Options.Create(instance.Hub()), Options.Create(instance.X12Sections())).TryGet("acme", "tpl", out var partner));
        return (partner, new WmsInstanceLookup(1000, code => code == "T-1", sku => sku == Upc ? "100234" : sku));
    }

    [Fact]
    public void Partner_FindsTheSkuAliasOfAGtin_InAnyLength_AndTheGlnOfALocation()
    {
        var (partner, _) = Partner();

        Assert.Equal((Upc, (string?)null), (partner.SkuForGtin("00" + Upc), partner.SkuForGtin("00012345678905")));
        Assert.Equal(("T-1", Gln), (partner.LocationForGln(Gln), partner.GlnForLocation("t-1")));
        Assert.Equal("acme/tpl", partner.Options.Name);
    }

    [Fact]
    public void Adjustments_AnUnknownGtin_IsRefusedAtItsElement()
    {
        var (partner, lookup) = Partner();
        var advice = new InventoryAdjusted(new DateOnly(2026, 11, 23), "A-1", "A-1", [new X12Party("WH", "DC", "UL", Gln)], [], [],
        [
            new AdjustmentLine("AU", -1, "EA", new X12ItemId("UK", "00" + Upc), null, null, []),
            new AdjustmentLine("AU", 2, "EA", new X12ItemId("UK", "00012345678905"), null, null, []),
        ]);

        var (events, rejection) = X12SetMapping.Adjustments(advice, "x12:ZZ:TPL:000000001:0001", DateTimeOffset.UnixEpoch, partner, lookup);

        Assert.Empty(events);
        Assert.Equal(("unknown-gtin", "W19", 1, 6, "00012345678905"), (rejection!.Problem.Type, rejection.SegmentId, rejection.Occurrence, rejection.Element, rejection.BadValue));
    }

    [Fact]
    public void Shipment_MergesALineSpreadOverCartons_AndNeedsTheSlipLineReference()
    {
        var (partner, lookup) = Partner();
        var item = new X12ItemId("SK", "100235");
        OrderShipped Advice(params ShippedPack[] packs) =>
            new("F", "PS-1", new DateOnly(2026, 11, 23), "S-1", null, [], [], [], null, [.. packs], null);

        var (shipment, _) = X12SetMapping.Shipment(Advice(
            new ShippedPack(1, null, "T1", [new ShippedLine("CC", 3, 1, null, "EA", item, null, [new X12Reference("LI", "2")])]),
            new ShippedPack(2, null, "T2", [new ShippedLine("CC", 3, 2, null, "EA", item, null, [new X12Reference("LI", "2")])])),
            "e-1", DateTimeOffset.UnixEpoch, partner, lookup);
        var (_, missing) = X12SetMapping.Shipment(Advice(new ShippedPack(1, null, "T1", [new ShippedLine("CC", 3, 1, null, "EA", item, null, [])])),
            "e-2", DateTimeOffset.UnixEpoch, partner, lookup);

        var json = System.Text.Json.JsonSerializer.Serialize(shipment!.Request);
        Assert.Contains("\"lines\":[{\"line\":2,\"quantity\":3,\"location\":\"T-1\"}]", json, StringComparison.Ordinal);
        Assert.Equal(("x12-line-reference-missing", "N9", true), (missing!.Problem.Type, missing.SegmentId, missing.SegmentMissing));
    }

    [Fact]
    public void Reject_TurnsOneSetOfTheGroupIntoARejection_AndTheGroupIntoPartlyAccepted()
    {
        var group = new FunctionalGroupAcknowledged("IB", 7,
        [
            new SetAcknowledgment("947", "0001", [], X12AcknowledgmentCode.Accepted, []),
            new SetAcknowledgment("947", "0002", [], X12AcknowledgmentCode.Accepted, []),
        ], X12AcknowledgmentCode.Accepted, 2, 2, 2, []);

        var patched = X12InterchangeReceiver.Reject(group, "947", "0002",
            new X12SetRejection(new WmsFunctions.Platform.Problems.Problem("unmapped-reason-code", 422, "t", "d"), "W19", 0, 1, "ZZ"), 4);

        Assert.Equal((X12AcknowledgmentCode.PartiallyAccepted, 1), (patched.Code, patched.SetsAccepted));
        var set = patched.Sets[1];
        Assert.Equal((X12AcknowledgmentCode.Rejected, "5"), (set.Code, set.Errors.Single()));
        Assert.Equal(new SegmentNote("W19", 4, null, "8", [new ElementNote(1, null, null, "7", "ZZ")]), set.Segments.Single());
    }
}
