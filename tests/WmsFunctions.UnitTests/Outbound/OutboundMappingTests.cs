using CsCheck;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.Gs1;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.UnitTests.Outbound;

public sealed class OutboundMappingTests
{
    [Fact]
    public void Sku_WithAnAlias_IsTheWmsSku_WithoutOne_TheOmsSku_UnlessAliasesAreRequired()
    {
        var codes = TestOutbound.East().Codes;
        var strict = TestOutbound.East(o => o.RequireSkuAlias = true).Codes;

        Assert.Equal(("WMS-RED", "100235"), (codes.Sku("100234"), codes.Sku("100235")));
        Assert.Equal("WMS-RED", strict.Sku("100234"));
        var missing = Assert.Throws<MappingException>(() => strict.Sku("100235"));
        Assert.Equal(("unmapped-sku", "OMS SKU '100235' has no SKU alias for WMS instance 'east'."), (missing.Reason, missing.Message));
    }

    [Theory]
    [InlineData("warehouse", "DC9", "unmapped-warehouse", "OMS warehouse 'DC9' has no mapping for WMS instance 'east'.")]
    [InlineData("unit", "PL", "unmapped-unit", "OMS unit of measure 'PL' has no mapping for WMS instance 'east'.")]
    [InlineData("carrier", "DHL", "unmapped-carrier", "OMS carrier 'DHL' has no mapping for WMS instance 'east'.")]
    [InlineData("service", "AIR", "unmapped-service", "OMS ship service 'AIR' has no mapping for WMS instance 'east'.")]
    [InlineData("reason", "LOST", "unmapped-reason", "OMS reason code 'LOST' has no mapping for WMS instance 'east'.")]
    public void MissingCode_IsAMappingFailure_NeverADefault(string list, string code, string reason, string message)
    {
        var codes = TestOutbound.East().Codes;
        Func<string> lookup = list switch
        {
            "warehouse" => () => codes.Warehouse(code),
            "unit" => () => codes.Unit(code),
            "carrier" => () => codes.Carrier(code),
            "service" => () => codes.Service(code),
            _ => () => codes.Reason(code),
        };

        var failure = Assert.Throws<MappingException>(() => lookup());

        Assert.Equal((reason, message), (failure.Reason, failure.Message));
    }

    [Fact]
    public void Quantity_ForAnInstanceCountingEaches_IsMultipliedOut_OtherwiseKeptInItsMappedUnit()
    {
        Assert.Equal(new WmsQuantity(24, "EA"), TestOutbound.Store().Codes.Quantity(2, "CS", 12));
        Assert.Equal(new WmsQuantity(5, "EA"), TestOutbound.Store().Codes.Quantity(5, "EA", null));
        Assert.Equal(new WmsQuantity(2, "CASE"), TestOutbound.East().Codes.Quantity(2, "CS", 12));
        Assert.Equal("missing-pack-size", Assert.Throws<MappingException>(() => TestOutbound.Store().Codes.Quantity(2, "CS", null)).Reason);
    }

    [Fact]
    public void Routing_FollowsFlowSwitchesAndServedWarehouses()
    {
        var directory = TestOutbound.Directory();

        Assert.Equal(["east", "store-12"], directory.Route("acme", ItemDownloadFlow.Name, null).Select(i => i.Id));
        Assert.Equal(["east", "store-12"], directory.Route("acme", ItemDownloadFlow.Name, []).Select(i => i.Id));
        Assert.Equal(["store-12"], directory.Route("acme", ItemDownloadFlow.Name, ["STORE-12", "DC7"]).Select(i => i.Id));
        Assert.Equal(["east"], directory.Route("acme", VendorDownloadFlow.Name, null).Select(i => i.Id));
        Assert.Equal(["east"], directory.Route("acme", PurchaseOrderOutFlow.Name, ["dc1-qa"]).Select(i => i.Id)); // served via E-QA, case-insensitive
        Assert.Empty(directory.Route("acme", PurchaseOrderOutFlow.Name, ["STORE-12"])); // store-12 does not receive POs
        Assert.Empty(directory.Route("globex", ItemDownloadFlow.Name, null));
    }

    [Fact]
    public void Item_IsMappedWithGtinsAs14Digits_PacksInWmsUnits_AndAttributesSorted()
    {
        var handler = new ItemDownloadFlow(null!, null!, TimeProvider.System);
        var item = new ItemChanged
        {
            Sku = "100234", Version = 2, Description = "d", Active = true, Gtins = ["036000291452", "00036000291452"],
            CasePacks = [new ItemCasePack { UnitOfMeasure = "CS", EachesPerUnit = 6 }],
            Attributes = new Dictionary<string, string> { ["z"] = "1", ["a"] = "2" },
        };

        var mapped = (WmsItem)handler.Map(handler.Describe("item.changed", item), item, TestOutbound.East());

        Assert.Equal(("WMS-RED", "EACH"), (mapped.Sku, mapped.Unit));
        Assert.Equal(["00036000291452"], mapped.Gtins);
        Assert.Equal(new WmsPack("CASE", 6, null), Assert.Single(mapped.Packs));
        Assert.Equal(["a", "z"], mapped.Attributes.Keys);
    }

    [Fact]
    public void ItemValidation_AnyGtinWithItsCheckDigit_IsAccepted_AndAnyChangedDigitIsRefused() =>
        Gen.String[Gen.Char['0', '9'], 12, 12].Sample(body =>
        {
            var handler = new ItemDownloadFlow(null!, null!, TimeProvider.System);
            var gtin = Gs1Identifiers.WithCheckDigit(body);
            var changed = gtin[..5] + (char)('0' + ((gtin[5] - '0' + 3) % 10)) + gtin[6..];
            ItemChanged Item(string code) => new() { Sku = "S", Version = 1, Description = "d", Active = true, Gtins = [code] };
            return handler.Validate("item.changed", Item(gtin)).Count == 0
                && handler.Validate("item.changed", Item(changed)).ContainsKey("gtins[0]");
        });

    [Fact]
    public void ItemValidation_NamesEveryFaultyField()
    {
        var handler = new ItemDownloadFlow(null!, null!, TimeProvider.System);
        var item = new ItemChanged
        {
            Sku = " padded", Version = 0, Description = "d", Dimensions = new ItemDimensions { Length = 1, Width = 0, Height = 1, Unit = "YD" },
            Weight = new ItemWeight { Value = 1, Unit = "ST" }, CasePacks = [new ItemCasePack { UnitOfMeasure = "CS", EachesPerUnit = 1 }],
            ImageUrls = ["ftp://x/y.png"],
        };

        var errors = handler.Validate("item.changed", item);

        Assert.Equal(
            ["active", "casePacks[0].eachesPerUnit", "dimensions", "dimensions.unit", "imageUrls[0]", "sku", "version", "weight.unit"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PurchaseOrderValidation_APackUnitNeedsItsPackSize_AndLineNumbersAreUnique()
    {
        var handler = new PurchaseOrderOutFlow(null!, null!);
        var po = new PurchaseOrderChanged
        {
            PoNumber = "PO", Version = 1, Warehouse = "DC1",
            Lines = [new PurchaseOrderLine { LineNumber = 1, Sku = "S", Quantity = 1, UnitOfMeasure = "CS" }, new PurchaseOrderLine { LineNumber = 1, Sku = "S", Quantity = 1, UnitOfMeasure = "EA" }],
        };

        var errors = handler.Validate("purchase-order.created", po);

        Assert.Equal(["lines[0].eachesPerUnit", "lines[1].lineNumber"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(handler.Validate("purchase-order.cancelled", new PurchaseOrderChanged { PoNumber = "PO", Version = 2, Warehouse = "DC1" }));
    }

    [Theory]
    [InlineData("application/problem+json", """{"type":"urn:wms:problem:order-batched"}""", "hub-json", "order-batched")]
    [InlineData("application/json", """{"type":"urn:wms:problem:other"}""", "hub-json", null)]
    [InlineData("text/plain", "order-batched", "hub-json", null)]
    [InlineData("application/xml", """<Error code="ORDER_BATCHED">in wave</Error>""", "generic-xml", "order-batched")]
    [InlineData("application/xml", """<Response><Error code="ORDER_BATCHED"/></Response>""", "generic-xml", "order-batched")]
    [InlineData("application/xml", """<Error code="OTHER"/>""", "generic-xml", null)]
    [InlineData("application/xml", "<not xml", "generic-xml", null)]
    public void RefusalReason_IsReadFromTheDialectsAnswer(string contentType, string body, string adapter, string? reason)
    {
        IWmsDialect wms = adapter == "hub-json" ? new HubJsonDialect() : new GenericXmlDialect();

        Assert.Equal(reason, wms.RefusalReason(409, contentType, body));
    }

    [Fact]
    public void Excerpt_MasksEmailsAndLongNumbers_AndIsShort()
    {
        var excerpt = WmsClient.Excerpt("Customer  jane@x.test\ncalled from 0049301234567: " + new string('x', 500));

        Assert.StartsWith("Customer [email] called from [digits]: xxx", excerpt, StringComparison.Ordinal);
        Assert.Equal(WmsClient.MaxExcerptChars, excerpt.Length);
        Assert.EndsWith("...", excerpt, StringComparison.Ordinal);
    }
}
