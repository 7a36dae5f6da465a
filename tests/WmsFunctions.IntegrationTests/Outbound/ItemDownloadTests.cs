using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Items;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>Item download end to end: the host's Service Bus invocation in, both WMS dialects out, the catalog kept.</summary>
public sealed class ItemDownloadTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "ItemDownload";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Item(long version, string sku = "100234", string[]? warehouses = null, string description = "T-shirt red M", string[]? gtins = null, string packUnit = "CS") => new
    {
        sku,
        version,
        description,
        active = true,
        unitOfMeasure = "EA",
        gtins = gtins ?? ["036000291452", "4006381333931"],
        dimensions = new { length = 30m, width = 20m, height = 2.5m, unit = "CM" },
        weight = new { value = 0.25m, unit = "KG" },
        casePacks = new[] { new { unitOfMeasure = packUnit, eachesPerUnit = 12, gtin = "10012345678902" } },
        attributes = new Dictionary<string, string> { ["size"] = "M", ["color"] = "red" },
        imageUrls = new[] { "https://img.example.com/100234.jpg" },
        warehouses = warehouses ?? [],
    };

    [Fact]
    public async Task ItemChanged_ForAllWarehouses_ReachesBothInstancesInTheirDialects_ExactlyAsDocumented()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-1", Item(3)));

        Assert.Equal(200, invocation.Status);
        var json = Assert.Single(_hub.East.To("/items"));
        Assert.Equal("POST", json.Method);
        Assert.Equal("application/json", json.Header("Content-Type"));
        Assert.Equal("item-1", json.Header("Idempotency-Key"));
        Assert.Equal(_hub.EastApiKey, json.Header("X-Api-Key"));
        // The east instance knows 100234 as WMS-RED (SkuAliases), EA as EACH and CS as CASE.
        Assert.Equal(
            """{"messageId":"item-1","action":"upsert","version":3,"item":{"sku":"WMS-RED","description":"T-shirt red M","active":true,"unit":"EACH","gtins":["00036000291452","04006381333931"],"dimensions":{"length":30,"width":20,"height":2.5,"unit":"CM"},"weight":{"value":0.25,"unit":"KG"},"packs":[{"unit":"CASE","eaches":12,"gtin":"10012345678902"}],"attributes":{"color":"red","size":"M"},"imageUrls":["https://img.example.com/100234.jpg"]}}""",
            json.Text);

        var xml = Assert.Single(_hub.Store.To("/messages"));
        Assert.Equal("application/xml; charset=utf-8", xml.Header("Content-Type"));
        Assert.Equal("Bearer tok-1", xml.Header("Authorization"));
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWItemOut" messageId="item-1" action="upsert" version="3" target="store-12"><Item sku="100234" description="T-shirt red M" active="Y" unit="EA"><UPCs><UPC>00036000291452</UPC><UPC>04006381333931</UPC></UPCs><Dimensions length="30" width="20" height="2.5" unit="CM" /><Weight value="0.25" unit="KG" /><Packs><Pack unit="CS" eaches="12" gtin="10012345678902" /></Packs><Attributes><Attribute name="color">red</Attribute><Attribute name="size">M</Attribute></Attributes><Images><Image url="https://img.example.com/100234.jpg" /></Images></Item></Message>""",
            xml.Text);

        var catalog = await _hub.Hub.Services.GetRequiredService<ItemCatalog>().GetAsync("acme", "100234", TestContext.Current.CancellationToken);
        Assert.Equal((3L, "T-shirt red M", "00036000291452 04006381333931"), (catalog!.Version, catalog.Description, catalog.Gtins));
        var audit = await _hub.AuditAsync("items");
        Assert.Equal(["delivered", "delivered"], audit.Select(a => a.GetString("Outcome")));
        Assert.All(audit, a => Assert.Equal("corr-item-1", a.GetString("CorrelationId")));
        Assert.Equal(["east", "store-12"], audit.Select(a => a.GetString("Instance")).Order());
    }

    [Fact]
    public async Task Item_StockedInOneWarehouse_GoesOnlyToTheInstanceServingIt()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-2", Item(1, warehouses: ["STORE-12"])));

        Assert.Empty(_hub.East.Requests);
        Assert.Single(_hub.Store.Requests);
    }

    [Fact]
    public async Task Item_ForAnotherTenant_ReachesNoInstanceOfAcme()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-g", Item(1), tenant: "globex"));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.East.Requests);
        Assert.Empty(_hub.Store.Requests);
        Assert.NotNull(await _hub.Hub.Services.GetRequiredService<ItemCatalog>().GetAsync("globex", "100234", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task SameMessage_DeliveredTwice_IsSentOnce()
    {
        var body = OutboundHub.CloudEvent("item.changed", "item-3", Item(5));

        await _hub.SendAsync(Function, body);
        var again = await _hub.SendAsync(Function, body);

        Assert.Equal(200, again.Status);
        Assert.Single(_hub.East.Requests);
        Assert.Single(_hub.Store.Requests);
        Assert.Equal(2, (await _hub.AuditAsync("items")).Count(a => a.GetString("Outcome") == "duplicate"));
    }

    [Fact]
    public async Task OlderVersion_AfterANewerOne_IsNotSent_AndTheCatalogKeepsTheNewer()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-v7", Item(7, description: "new name")));

        var late = await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-v6", Item(6, description: "old name")));

        Assert.Equal(200, late.Status);
        Assert.Equal([7L], _hub.East.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("version").GetInt64()));
        Assert.Single(_hub.Store.Requests);
        var item = await _hub.Hub.Services.GetRequiredService<ItemCatalog>().GetAsync("acme", "100234", TestContext.Current.CancellationToken);
        Assert.Equal((7L, "new name"), (item!.Version, item.Description));
        Assert.Equal(2, (await _hub.AuditAsync("items")).Count(a => a.GetString("Outcome") == "stale"));
    }

    [Fact]
    public async Task BadCheckDigit_IsAFailedSync_TheMessageCompletes_AndNothingIsSent()
    {
        var body = OutboundHub.CloudEvent("item.changed", "item-bad", Item(1, gtins: ["036000291453"]));

        var invocation = await _hub.SendAsync(Function, body);

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.East.Requests);
        var failed = Assert.Single(await _hub.FailedSyncsAsync(FailedSyncStore.Unrouted, "items"));
        Assert.Equal(("invalid-message", FailedSyncStatus.Open, "item-bad"), (failed.ReasonCode, failed.Status, failed.MessageId));
        Assert.Contains("gtins[0]: GTIN '036000291453' has check digit 3; expected 2.", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(body, await _hub.Hub.Services.GetRequiredService<FailedSyncStore>().ReadBodyAsync("acme", FailedSyncStore.Unrouted, failed.RowKey, TestContext.Current.CancellationToken));
        Assert.Null(await _hub.Hub.Services.GetRequiredService<ItemCatalog>().GetAsync("acme", "100234", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"specversion":"0.3","id":"x","source":"/oms","type":"com.wmsfunctions.oms.item.changed","tenant":"acme","data":{}}""")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"/oms","type":"com.wmsfunctions.oms.vendor.changed","tenant":"acme","data":{}}""")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"/oms","type":"com.wmsfunctions.oms.item.changed","tenant":"acme","data":{"sku":"A","version":"one"}}""")]
    public async Task MalformedMessage_IsAFailedSync_NotRetried(string body)
    {
        var invocation = await _hub.SendAsync(Function, body);

        Assert.Equal(200, invocation.Status);
        var tenantFailures = await _hub.FailedSyncsAsync(FailedSyncStore.Unrouted, "items");
        var unknownFailures = await _hub.FailedSyncsAsync(FailedSyncStore.Unrouted, "items", FailedSyncStore.UnknownTenant);
        var failed = Assert.Single(tenantFailures.Concat(unknownFailures));
        Assert.Contains(failed.ReasonCode, new[] { "malformed-message", "unsupported-type" });
        Assert.Empty(await _hub.Hub.ServiceBus.ReceiveAllAsync(_hub.SubscriptionPath(Function), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task UnmappedUnit_IsAFailedSyncPerInstance_NamingTheCode_AndNothingIsSent()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-ip", Item(1, packUnit: "IP")));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.East.Requests);
        Assert.Empty(_hub.Store.Requests);
        var east = Assert.Single(await _hub.FailedSyncsAsync("east", "items"));
        Assert.Equal("unmapped-unit", east.ReasonCode);
        Assert.Equal("OMS unit of measure 'IP' has no mapping for WMS instance 'east'.", east.Detail);
        Assert.Single(await _hub.FailedSyncsAsync("store-12", "items"));

        // Delivered again, the same message is not mapped (nor recorded) a second time.
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("item.changed", "item-ip", Item(1, packUnit: "IP")));
        Assert.Equal(1, Assert.Single(await _hub.FailedSyncsAsync("east", "items")).Attempts);
        Assert.Equal(2, (await _hub.AuditAsync("items")).Count(a => a.GetString("Outcome") == "duplicate"));
    }
}
