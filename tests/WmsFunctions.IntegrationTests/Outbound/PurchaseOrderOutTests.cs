using Azure.Data.Tables;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Outbound;

public sealed class PurchaseOrderOutTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "PurchaseOrderOut";
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Po(long version, string warehouse = "DC1", string poNumber = "PO-1001", bool withSecondLine = true, long firstQuantity = 10) => new
    {
        poNumber,
        version,
        vendorId = "V-77",
        warehouse,
        expectedDate = "2026-12-01",
        lines = withSecondLine
            ? new object[]
            {
                new { lineNumber = 1, sku = "100234", quantity = firstQuantity, unitOfMeasure = "EA" },
                new { lineNumber = 2, sku = "100235", quantity = 2, unitOfMeasure = "CS", eachesPerUnit = 12, expectedDate = "2026-12-05" },
            }
            : [new { lineNumber = 1, sku = "100234", quantity = firstQuantity, unitOfMeasure = "EA" }],
    };

    private async Task<Dictionary<string, TableEntity>> HubCopyAsync(string poNumber = "PO-1001") =>
        (await _hub.Hub.RowsAsync(HubTable.PurchaseOrders))
            .Where(r => r.PartitionKey == PurchaseOrderHeaderEntity.PartitionFor("acme", poNumber))
            .ToDictionary(r => r.RowKey);

    [Fact]
    public async Task PurchaseOrderCreated_GoesToTheWarehousesInstance_AndIntoTheHubsCopy()
    {
        var invocation = await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.created", "po-1", Po(1)));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(_hub.Store.Requests);
        Assert.Equal(
            """{"messageId":"po-1","action":"create","version":1,"purchaseOrder":{"poNumber":"PO-1001","location":"EAST","vendorId":"V-77","expectedDate":"2026-12-01","lines":[{"lineNumber":1,"sku":"WMS-RED","quantity":10,"unit":"EACH","expectedDate":"2026-12-01","cancelled":false},{"lineNumber":2,"sku":"100235","quantity":2,"unit":"CASE","expectedDate":"2026-12-05","cancelled":false}]}}""",
            Assert.Single(_hub.East.To("/purchase-orders")).Text);

        var rows = await HubCopyAsync();
        Assert.Equal(["header", "line|000001", "line|000002"], rows.Keys.Order(StringComparer.Ordinal));
        var header = rows["header"];
        Assert.Equal(("PO-1001", "V-77", "DC1", "Open", 1L), (header.GetString("PoNumber"), header.GetString("VendorId"), header.GetString("Warehouse"), header.GetString("Status"), header.GetInt64("Version")));
        var cases = rows["line|000002"];
        Assert.Equal(("100235", 24L, 2L, "CS", 12, "Open"), (cases.GetString("Sku"), cases.GetInt64("ExpectedQuantity"), cases.GetInt64("OrderedQuantity"), cases.GetString("UnitOfMeasure"), cases.GetInt32("EachesPerUnit"), cases.GetString("Status")));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), cases.GetDateTimeOffset("ExpectedDate"));
        Assert.Equal(10L, rows["line|000001"].GetInt64("ExpectedQuantity"));
    }

    [Fact]
    public async Task PurchaseOrder_ForAnInstanceCountingEaches_IsSentInEachesAsXml()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.created", "po-s1", Po(1, warehouse: "STORE-12", poNumber: "PO-2001")));

        Assert.Empty(_hub.East.Requests);
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><Message type="CWPurchaseOrderOut" messageId="po-s1" action="create" version="1" target="store-12"><PurchaseOrder poNumber="PO-2001" warehouse="S12" vendorId="V-77" expectedDate="2026-12-01"><Line lineNumber="1" sku="100234" quantity="10" unit="EA" expectedDate="2026-12-01" cancelled="N" /><Line lineNumber="2" sku="100235" quantity="24" unit="EA" expectedDate="2026-12-05" cancelled="N" /></PurchaseOrder></Message>""",
            Assert.Single(_hub.Store.To("/messages")).Text);
    }

    [Fact]
    public async Task ChangedThenCancelled_HubCopyFollows_LineLeftOutIsCancelled_AndALateOlderVersionChangesNothing()
    {
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.created", "po-v1", Po(1)));
        await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.changed", "po-v2", Po(2, withSecondLine: false, firstQuantity: 12)));

        var changed = await HubCopyAsync();
        Assert.Equal((12L, "Open"), (changed["line|000001"].GetInt64("ExpectedQuantity"), changed["line|000001"].GetString("Status")));
        Assert.Equal("Cancelled", changed["line|000002"].GetString("Status"));

        await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.cancelled", "po-v3", new { poNumber = "PO-1001", version = 3, warehouse = "DC1" }));
        var late = await _hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.changed", "po-v2b", Po(2, firstQuantity: 99)));

        Assert.Equal(200, late.Status);
        var cancelled = await HubCopyAsync();
        Assert.Equal(("Cancelled", 3L), (cancelled["header"].GetString("Status"), cancelled["header"].GetInt64("Version")));
        Assert.All(cancelled.Where(r => r.Key != "header"), r => Assert.Equal("Cancelled", r.Value.GetString("Status")));
        Assert.Equal(12L, cancelled["line|000001"].GetInt64("ExpectedQuantity"));
        Assert.Equal(["create", "change", "cancel"], _hub.East.Requests.Select(r => System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("action").GetString()));
        Assert.Contains(await _hub.AuditAsync("purchase-orders"), a => a.GetString("Outcome") == "stale" && a.GetString("EventId") == "po-v2b");
    }

    [Fact]
    public async Task UnmappedWarehouse_IsAFailedSync_ButTheHubCopyIsKept()
    {
        await using var hub = await OutboundHub.StartAsync(azurite, settings: values => values.Remove("Hub:Tenants:acme:Instances:east:Outbound:Warehouses:DC1"));

        var invocation = await hub.SendAsync(Function, OutboundHub.CloudEvent("purchase-order.created", "po-u", Po(1)));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(hub.East.Requests);
        var failed = Assert.Single(await hub.FailedSyncsAsync("east", "purchase-orders"));
        Assert.Equal(("unmapped-warehouse", "PO-1001"), (failed.ReasonCode, failed.EntityId));
        Assert.Contains(await hub.Hub.RowsAsync(HubTable.PurchaseOrders), r => r.RowKey == "header");
    }
}
