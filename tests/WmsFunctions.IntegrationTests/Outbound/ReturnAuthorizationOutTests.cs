using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Outbound;

public sealed class ReturnAuthorizationOutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "ReturnAuthorizationOut";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Ra(string raNumber, long version, string warehouse) => new
    {
        raNumber,
        orderId = "O-9",
        version,
        warehouse,
        reasonCode = "DMG",
        lines = new[] { new { lineNumber = 1, sku = "100234", quantity = 1, unitOfMeasure = "EA", reasonCode = "DMG" } },
    };

    [Fact]
    public async Task Created_IsDeliveredToTheReceivingWarehousesInstance()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("return-authorization.created", "ra-1", Ra("RA-1", 1, "DC1")));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.Store.Requests);
        Assert.Equal(
            """{"messageId":"ra-1","action":"create","version":1,"returnAuthorization":{"raNumber":"RA-1","orderId":"O-9","location":"EAST","reason":"DAMAGED","lines":[{"lineNumber":1,"sku":"WMS-RED","quantity":1,"unit":"EACH","reason":"DAMAGED"}]}}""",
            Assert.Single(_hub.East.To("/return-authorizations")).Text);
    }

    [Fact]
    public async Task ChangedThenDeleted_AsXml_AndALateChangeAfterTheDeleteIsIgnored()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("return-authorization.changed", "ra-c", Ra("RA-2", 2, "STORE-12")));
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("return-authorization.deleted", "ra-d", new { raNumber = "RA-2", version = 3, warehouse = "STORE-12" }));
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("return-authorization.changed", "ra-old", Ra("RA-2", 1, "STORE-12")));

        var sent = _hub.Store.To("/messages");
        Assert.Equal(2, sent.Count);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWReturnAuthorizationOut" messageId="ra-c" action="change" version="2" target="store-12"><ReturnAuthorization raNumber="RA-2" orderId="O-9" warehouse="S12" reason="02"><Line lineNumber="1" sku="100234" quantity="1" unit="EA" reason="02" /></ReturnAuthorization></Message>""",
            sent[0].Text);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWReturnAuthorizationOut" messageId="ra-d" action="delete" version="3" target="store-12"><ReturnAuthorization raNumber="RA-2" warehouse="S12" /></Message>""",
            sent[1].Text);
    }

    [Fact]
    public async Task ForAWarehouseNoInstanceServes_IsAuditedAsUnrouted()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("return-authorization.created", "ra-x", Ra("RA-3", 1, "DC9")));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.East.Requests);
        Assert.Empty(_hub.Store.Requests);
        Assert.Equal("unrouted", Assert.Single(await _hub.AuditAsync("return-authorizations")).GetString("Outcome"));
    }
}
