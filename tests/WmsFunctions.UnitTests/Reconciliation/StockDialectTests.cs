using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows.Reconciliation;

namespace WmsFunctions.UnitTests.Reconciliation;

public sealed class StockDialectTests
{
    [Fact]
    public void HubJson_AsksForOnePage_AndReadsIt()
    {
        var dialect = new HubJsonStockDialect();

        var first = dialect.PageRequest("EAST 1", null, 500);
        var next = dialect.PageRequest("EAST 1", "c/2&x", 500);
        var page = dialect.ReadPage("application/json", """{"asOf":"2026-11-23T10:00:00Z","items":[{"sku":"A","location":"E-A1","onHand":3,"lot":"x"}],"nextCursor":"c2"}""");

        Assert.Equal(("GET", "stock?warehouse=EAST%201&limit=500"), (first.Method.Method, first.Path));
        Assert.Equal("stock?warehouse=EAST%201&limit=500&cursor=c%2F2%26x", next.Path);
        Assert.Equal((new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), "c2"), (page.AsOf, page.NextCursor));
        Assert.Equal([new WmsStockRow("A", "E-A1", 3)], page.Items);
    }

    [Theory]
    [InlineData("""{"items":[]}""")]
    [InlineData("""{"asOf":"2026-11-23T10:00:00Z"}""")]
    [InlineData("""{"asOf":"2026-11-23T10:00:00Z","items":[{"sku":"A","onHand":1}]}""")]
    [InlineData("""{"asOf":"2026-11-23T10:00:00Z","items":[{"sku":"A","location":"L","onHand":"1"}]}""")]
    [InlineData("<html>busy</html>")]
    public void HubJson_AnythingElse_IsAFormatError(string body) =>
        Assert.Throws<WmsStockFormatException>(() => new HubJsonStockDialect().ReadPage("application/json", body));

    [Fact]
    public void GenericXml_ReadsItsInventoryAnswer()
    {
        var dialect = new GenericXmlStockDialect();

        var page = dialect.ReadPage("application/xml", """<Inventory asOf="2026-11-23T10:00:00Z" next=""><Item sku="A" location="S12" onHand="-2"/></Inventory>""");

        Assert.Equal("messages/inventory?warehouse=S12&limit=10", dialect.PageRequest("S12", null, 10).Path);
        Assert.Equal((null, new WmsStockRow("A", "S12", -2)), (page.NextCursor, page.Items.Single()));
        Assert.Throws<WmsStockFormatException>(() => dialect.ReadPage("application/xml", "<Message/>"));
    }
}
