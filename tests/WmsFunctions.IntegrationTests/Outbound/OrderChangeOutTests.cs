using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>Order changes, and the refusal of a WMS that has already batched the order.</summary>
public sealed class OrderChangeOutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "OrderChangeOut";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Modified(string orderId, long version, string warehouse = "DC1") => new
    {
        orderId,
        version,
        warehouse,
        lines = new object[]
        {
            new { lineNumber = 1, sku = "100234", quantity = 3, unitOfMeasure = "EA" },
            new { lineNumber = 2, sku = "100235", quantity = 0, unitOfMeasure = "EA" },
        },
    };

    [Fact]
    public async Task OrderModified_IsDeliveredWithTheLinesAsTheyMustNowBe()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("order.modified", "oc-1", Modified("O-1", 2)));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(
            """{"messageId":"oc-1","action":"modify","version":2,"orderChange":{"orderId":"O-1","location":"EAST","lines":[{"lineNumber":1,"sku":"WMS-RED","quantity":3,"unit":"EACH"},{"lineNumber":2,"sku":"100235","quantity":0,"unit":"EACH"}]}}""",
            Assert.Single(_hub.East.To("/order-changes")).Text);
    }

    [Fact]
    public async Task OrderCancelled_AsXml_CarriesTheMappedReason()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("order.cancelled", "oc-c", new { orderId = "O-2", version = 2, warehouse = "STORE-12", reasonCode = "CUST" }));

        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWOrderChangeOut" messageId="oc-c" action="cancel" version="2" target="store-12"><Order orderId="O-2" warehouse="S12" reason="01" /></Message>""",
            Assert.Single(_hub.Store.To("/messages")).Text);
    }

    [Fact]
    public async Task BatchedOrder_RefusedByTheWms_IsRaisedAsAFailedSyncExactlyOnce_AndNeverRetried()
    {
        _hub.East.Enqueue(Reply.Problem(409, "urn:wms:problem:order-batched", "Order O-3 is in wave 7"));
        var body = OutboundHub.CloudEvent("order.cancelled", "oc-b", new { orderId = "O-3", version = 4, warehouse = "DC1", reasonCode = "CUST" });

        var first = await _hub.SendAsync(Function, body);
        var again = await _hub.SendAsync(Function, body); // the same message delivered once more

        Assert.Equal((200, 200), (first.Status, again.Status));
        Assert.Single(_hub.East.Requests);
        var failed = Assert.Single(await _hub.FailedSyncsAsync("east", "order-changes"));
        Assert.Equal(("order-batched", "O-3", "oc-b", 1, FailedSyncStatus.Open), (failed.ReasonCode, failed.EntityId, failed.MessageId, failed.Attempts, failed.Status));
        Assert.Equal("HTTP 409: {\"type\":\"urn:wms:problem:order-batched\",\"title\":\"Refused\",\"status\":409,\"detail\":\"Order O-3 is in wave 7\"}", failed.Detail);
        Assert.Equal("order-batched", (await _hub.AuditAsync("order-changes")).First(a => a.GetString("Outcome") == "refused").GetString("Reason"));
    }

    [Fact]
    public async Task BatchedOrder_InTheXmlDialect_IsRecognisedToo()
    {
        _hub.Store.Enqueue(new Reply(409, """<?xml version="1.0"?><Error code="ORDER_BATCHED">Order O-4 is in wave 2</Error>""", "application/xml"));

        await _hub.SendAsync(Function, OutboundHub.CloudEvent("order.modified", "oc-x", Modified("O-4", 3, "STORE-12")));

        Assert.Equal("order-batched", Assert.Single(await _hub.FailedSyncsAsync("store-12", "order-changes")).ReasonCode);
    }

    [Fact]
    public async Task UnmappedReason_IsAFailedSync()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("order.cancelled", "oc-r", new { orderId = "O-5", version = 2, warehouse = "DC1", reasonCode = "FRAUD" }));

        Assert.Empty(_hub.East.Requests);
        Assert.Equal("unmapped-reason", Assert.Single(await _hub.FailedSyncsAsync("east", "order-changes")).ReasonCode);
    }
}
