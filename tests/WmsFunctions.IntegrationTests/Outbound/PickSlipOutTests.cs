using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>Pick slips to the WMS, and every outcome handed to the pick-slip orchestration's queue.</summary>
public sealed class PickSlipOutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "PickSlipOut";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Generated(string id, long version, string warehouse = "DC1", bool reprint = false, string carrier = "UPS") => new
    {
        pickSlipId = id,
        orderId = "O-9",
        version,
        warehouse,
        reprint,
        carrier,
        service = "GROUND",
        shipTo = new
        {
            name = "Jane Doe",
            address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" },
            phone = "555-0100",
        },
        lines = new object[]
        {
            new { lineNumber = 1, sku = "100234", quantity = 2, unitOfMeasure = "EA" },
            new { lineNumber = 2, sku = "100235", quantity = 1, unitOfMeasure = "EA", backordered = true },
        },
    };

    [Fact]
    public async Task Generated_IsDelivered_AndHandedOffAsSent_WithoutPersonalDataInLogsOrAudit()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.generated", "ps-1", Generated("PS-1", 1)));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(
            """{"messageId":"ps-1","action":"generate","version":1,"pickSlip":{"pickSlipId":"PS-1","orderId":"O-9","location":"EAST","reprint":false,"carrier":"UPSN","service":"GND","shipTo":{"name":"Jane Doe","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US","phone":"555-0100"},"lines":[{"lineNumber":1,"sku":"WMS-RED","quantity":2,"unit":"EACH","backordered":false},{"lineNumber":2,"sku":"100235","quantity":1,"unit":"EACH","backordered":true}]}}""",
            Assert.Single(_hub.East.To("/pick-slips")).Text);

        var handOff = Assert.Single(await _hub.HandOffsAsync());
        Assert.Equal(
            ("acme/east/PS-1/1", "acme", "east", "PS-1", "O-9", "generated", "sent", null, "DC1", "UPS", "GROUND"),
            (handOff.HandOffId, handOff.Tenant, handOff.Instance, handOff.PickSlipId, handOff.OrderId, handOff.Kind, handOff.Delivery, handOff.Reason, handOff.Warehouse, handOff.Carrier, handOff.Service));
        Assert.Equal(("Jane Doe", "1 Main St", "US"), (handOff.ShipTo!.Name, handOff.ShipTo.Line1, handOff.ShipTo.Country));
        Assert.Equal(["1:100234:2:EA:False", "2:100235:1:EA:True"], handOff.Lines.Select(l => $"{l.LineNumber}:{l.Sku}:{l.Quantity}:{l.UnitOfMeasure}:{l.Backordered}"));
        Assert.Equal(("ps-1", 1L, "corr-ps-1"), (handOff.OmsMessageId, handOff.OmsVersion, handOff.CorrelationId));

        var stored = (await _hub.AuditAsync()).SelectMany(a => ((IDictionary<string, object>)a).Values.OfType<string>());
        foreach (var personal in new[] { "Jane Doe", "1 Main St", "555-0100" })
        {
            Assert.DoesNotContain(_hub.Logs.Lines, l => l.Contains(personal, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, v => v.Contains(personal, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Reprint_ThenVoid_AsXml_AreDeliveredInOrder_AndEachHandedOff()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.generated", "ps-s1", Generated("PS-2", 1, warehouse: "STORE-12")));
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.generated", "ps-s2", Generated("PS-2", 2, warehouse: "STORE-12", reprint: true)));
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.voided", "ps-s3", new { pickSlipId = "PS-2", orderId = "O-9", version = 3, warehouse = "STORE-12", reasonCode = "DMG" }));

        var sent = _hub.Store.To("/messages");
        Assert.Equal(3, sent.Count);
        Assert.Equal("""<?xml version="1.0" encoding="utf-8"?><Message type="CWPickOut" messageId="ps-s2" action="reprint" version="2" target="store-12"><PickSlip pickSlipId="PS-2" orderId="O-9" warehouse="S12" reprint="Y" carrier="UPS" service="GRD"><ShipTo name="Jane Doe" line1="1 Main St" city="Springfield" postalCode="12345" country="US" phone="555-0100" /><Line lineNumber="1" sku="100234" quantity="2" unit="EA" backordered="N" /><Line lineNumber="2" sku="100235" quantity="1" unit="EA" backordered="Y" /></PickSlip></Message>""", sent[1].Text);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWPickOut" messageId="ps-s3" action="void" version="3" target="store-12"><PickSlip pickSlipId="PS-2" orderId="O-9" warehouse="S12" reprint="N" reason="02" /></Message>""",
            sent[2].Text);
        var handOffs = await _hub.HandOffsAsync();
        Assert.Equal(["generated:sent:1", "reprint:sent:2", "voided:sent:3"], handOffs.Select(h => $"{h.Kind}:{h.Delivery}:{h.OmsVersion}").Order(StringComparer.Ordinal));
        Assert.Null(handOffs.Single(h => h.Kind == "voided").ShipTo);
    }

    [Fact]
    public async Task Generated_ArrivingAfterItsVoid_IsNotSent()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.voided", "ps-v2", new { pickSlipId = "PS-3", orderId = "O-9", version = 2, warehouse = "DC1" }));
        var late = await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.generated", "ps-v1", Generated("PS-3", 1)));

        Assert.Equal(200, late.Status);
        Assert.Single(_hub.East.Requests);
        Assert.Equal("voided", Assert.Single(await _hub.HandOffsAsync()).Kind);
    }

    [Fact]
    public async Task VoidRefused_IsAFailedSync_AndHandedOffAsRefused()
    {
        _hub.East.Enqueue(Reply.Problem(409, "urn:wms:problem:already-shipped", "Pick slip PS-4 is shipped"));

        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.voided", "ps-r", new { pickSlipId = "PS-4", orderId = "O-9", version = 2, warehouse = "DC1" }));

        Assert.Equal("wms-refused", Assert.Single(await _hub.FailedSyncsAsync("east", "pick-slips")).ReasonCode);
        var handOff = Assert.Single(await _hub.HandOffsAsync());
        Assert.Equal(("voided", "refused", "wms-refused"), (handOff.Kind, handOff.Delivery, handOff.Reason));
    }

    [Fact]
    public async Task UnmappedCarrier_IsAFailedSync_AndHandedOffAsFailed_WithoutCallingTheWms()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("pick-slip.generated", "ps-c", Generated("PS-5", 1, carrier: "FEDEX")));

        Assert.Empty(_hub.East.Requests);
        var failed = Assert.Single(await _hub.FailedSyncsAsync("east", "pick-slips"));
        Assert.Equal(("unmapped-carrier", "OMS carrier 'FEDEX' has no mapping for WMS instance 'east'."), (failed.ReasonCode, failed.Detail));
        var handOff = Assert.Single(await _hub.HandOffsAsync());
        Assert.Equal(("failed", "unmapped-carrier"), (handOff.Delivery, handOff.Reason));
    }
}
