using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Receipts;

/// <summary>
/// PO receipt in, end to end. The hub's copy of the POs is seeded the way the outbound PO flow writes it:
/// PO-1 (DC1): line 1 100234 x10, line 2 100235 x5 cancelled; PO-C (DC1) cancelled: line 1 100234 x3;
/// PO-S (STORE-12): line 1 100234 x6. acme/east books damaged goods to E-QA (DC1-QA); acme/store-12 has no such location.
/// </summary>
public sealed class PurchaseOrderReceiptTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string EastUrl = "/api/wms/acme/east/po-receipts";
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, configure: s => s["Hub:Tenants:acme:Instances:east:Dispositions:damaged"] = "E-QA");
        await _hub.SeedItemsAsync("acme", "100234", "100235");
        await SeedPurchaseOrderAsync("PO-1", "DC1", PurchaseOrderStatus.Open, (1, "100234", 10, PurchaseOrderStatus.Open), (2, "100235", 5, PurchaseOrderStatus.Cancelled));
        await SeedPurchaseOrderAsync("PO-C", "DC1", PurchaseOrderStatus.Cancelled, (1, "100234", 3, PurchaseOrderStatus.Open));
        await SeedPurchaseOrderAsync("PO-S", "STORE-12", PurchaseOrderStatus.Open, (1, "100234", 6, PurchaseOrderStatus.Open));
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task SeedPurchaseOrderAsync(string po, string warehouse, PurchaseOrderStatus status, params (int Line, string Sku, long Expected, PurchaseOrderStatus Status)[] lines)
    {
        var table = await _hub.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.PurchaseOrders, TestContext.Current.CancellationToken);
        var partition = PurchaseOrderHeaderEntity.PartitionFor("acme", po);
        await table.AddEntityAsync(new PurchaseOrderHeaderEntity
        {
            PartitionKey = partition, Tenant = "acme", PoNumber = po, VendorId = "VEND-9", Warehouse = warehouse, Status = status, Version = 1, UpdatedAt = DateTimeOffset.UtcNow,
        }, TestContext.Current.CancellationToken);
        foreach (var (line, sku, expected, lineStatus) in lines)
        {
            await table.AddEntityAsync(new PurchaseOrderLineEntity
            {
                PartitionKey = partition, RowKey = PurchaseOrderLineEntity.RowFor(line), LineNumber = line, Sku = sku, ExpectedQuantity = expected, Status = lineStatus,
            }, TestContext.Current.CancellationToken);
        }
    }

    internal static object Receipt(string eventId, long quantity, string po = "PO-1", int line = 1, string sku = "100234", string location = "E-A1",
        long? damaged = null, DateTimeOffset? at = null) =>
        new { eventId, occurredAt = at ?? Earlier, poNumber = po, lineNumber = line, sku, location, quantity, damagedQuantity = damaged, reference = "ASN-1" };

    private Task<HttpResponseMessage> PostAsync(object receipt, string instance = "east", string? key = null) =>
        _hub.PostAsync($"/api/wms/acme/{instance}/po-receipts", key ?? _hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(receipt));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private async Task<long?> OnHandAsync(string warehouse, string sku = "100234") =>
        (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", warehouse, sku, TestContext.Current.CancellationToken))?.OnHand;

    private Task<ReceivedLineEntity?> LineAsync(string po = "PO-1", int line = 1) =>
        _hub.Services.GetRequiredService<ReceiptLedger>().GetLineAsync("acme", po, line, TestContext.Current.CancellationToken);

    [Fact]
    public async Task PartialReceipt_EndToEnd_StocksTheGoods_CountsTheLine_Audits_AndPublishes()
    {
        var response = await PostAsync(Receipt("rcv-1", 4, sku: "WMS-RED"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await JsonAsync(response);
        Assert.Equal("applied", answer.GetProperty("status").GetString());
        Assert.Empty(answer.GetProperty("flags").EnumerateArray());
        var line = answer.GetProperty("line");
        Assert.Equal(("partial", 10L, 4L, 0L), (line.GetProperty("lineStatus").GetString(), line.GetProperty("expectedQuantity").GetInt64(),
            line.GetProperty("receivedTotal").GetInt64(), line.GetProperty("receivedBefore").GetInt64()));
        Assert.Equal(4, await OnHandAsync("DC1"));
        Assert.Equal(4, (await LineAsync())!.Received);

        var published = JsonDocument.Parse(Assert.Single(await _hub.RelayAsync())).RootElement;
        Assert.Equal(("acme/east/po-receipts/rcv-1", "com.wmsfunctions.purchase-order.received", "PO-1/1"),
            (published.GetProperty("id").GetString(), published.GetProperty("type").GetString(), published.GetProperty("subject").GetString()));
        var data = published.GetProperty("data");
        Assert.Equal(("WMS-RED", "ASN-1"), (data.GetProperty("wms").GetProperty("sku").GetString(), data.GetProperty("reference").GetString()));
        Assert.Equal(4, data.GetProperty("movements")[0].GetProperty("onHandAfter").GetInt64());

        var audit = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("applied", "po-receipts", "rcv-1"), (audit.GetString("Outcome"), audit.GetString("Flow"), audit.GetString("EventId")));
        Assert.Contains("4 of 10 received (partial)", audit.GetString("Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartialReceipts_IntoTwoLocations_SumToTheLine_AndCompleteIt()
    {
        var first = await JsonAsync(await PostAsync(Receipt("rcv-a", 4, location: "E-A1")));
        var second = await JsonAsync(await PostAsync(Receipt("rcv-b", 6, location: "E-A2")));

        Assert.Equal("partial", first.GetProperty("line").GetProperty("lineStatus").GetString());
        Assert.Equal(("complete", 4L, 10L), (second.GetProperty("line").GetProperty("lineStatus").GetString(),
            second.GetProperty("line").GetProperty("receivedBefore").GetInt64(), second.GetProperty("line").GetProperty("receivedTotal").GetInt64()));
        var totals = (await LineAsync())!;
        Assert.Equal((10L, 2), (totals.Received, totals.Receipts));
        Assert.Equal(10, await OnHandAsync("DC1"));
        Assert.Equal("applied", second.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OverReceipt_IsAccepted_AndFlaggedInTheAnswer_TheCloudEvent_AndTheAudit()
    {
        await PostAsync(Receipt("rcv-8", 8));

        var response = await PostAsync(Receipt("rcv-over", 5, location: "E-A2"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var answer = await JsonAsync(response);
        Assert.Equal("flagged", answer.GetProperty("status").GetString());
        Assert.Equal(["over-receipt"], answer.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(("over-received", 13L, 3L), (answer.GetProperty("line").GetProperty("lineStatus").GetString(),
            answer.GetProperty("line").GetProperty("receivedTotal").GetInt64(), answer.GetProperty("line").GetProperty("overReceived").GetInt64()));
        Assert.Equal(13, await OnHandAsync("DC1")); // the goods are there: stocked all the same

        var over = (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement).Single(e => e.GetProperty("id").GetString()!.EndsWith("rcv-over", StringComparison.Ordinal));
        Assert.Equal("over-receipt", over.GetProperty("data").GetProperty("flags")[0].GetString());
        var audit = Assert.Single(await _hub.RowsAsync(HubTable.Audit), a => a.GetString("EventId") == "rcv-over");
        Assert.Equal("flagged", audit.GetString("Outcome"));
        Assert.Contains("FLAGGED over-receipt (+3 over)", audit.GetString("Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedUnits_CountAsReceived_ButGoToTheDamagedLocation_NotToSellableStock()
    {
        var answer = await JsonAsync(await PostAsync(Receipt("rcv-dmg", 3, damaged: 2)));

        Assert.Equal(3, await OnHandAsync("DC1"));
        Assert.Equal(2, await OnHandAsync("DC1-QA"));
        var line = answer.GetProperty("line");
        Assert.Equal((5L, 2L, "DC1-QA"), (line.GetProperty("receivedTotal").GetInt64(), line.GetProperty("damagedTotal").GetInt64(), line.GetProperty("damagedWarehouse").GetString()));
        Assert.Equal(2, answer.GetProperty("movements").GetArrayLength());
        Assert.Equal((5L, 2L), ((await LineAsync())!.Received, (await LineAsync())!.Damaged));
    }

    [Fact]
    public async Task DamagedUnits_WithoutADamagedLocation_AreOnlyReported()
    {
        var response = await PostAsync(Receipt("rcv-store", 1, po: "PO-S", location: "S12", damaged: 2), instance: "store-12", key: _hub.ApiKeys.AcmeStore);

        var answer = await JsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, await OnHandAsync("STORE-12"));
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("line").GetProperty("damagedWarehouse").ValueKind);
        Assert.Equal(3, answer.GetProperty("line").GetProperty("receivedTotal").GetInt64());
        Assert.Single(answer.GetProperty("movements").EnumerateArray());
        await _hub.RelayAsync();
        Assert.Contains("2 damaged (reported, not stocked)", Assert.Single(await _hub.RowsAsync(HubTable.Audit)).GetString("Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyDamagedUnits_MoveNoSellableStock()
    {
        var answer = await JsonAsync(await PostAsync(Receipt("rcv-all-dmg", 0, damaged: 4)));

        Assert.Null(await OnHandAsync("DC1"));
        Assert.Equal(4, await OnHandAsync("DC1-QA"));
        Assert.Equal("partial", answer.GetProperty("line").GetProperty("lineStatus").GetString());
    }

    [Theory]
    [InlineData("PO-1", 2, "100235")] // the line is cancelled
    [InlineData("PO-C", 1, "100234")] // the whole PO is cancelled
    public async Task ReceiptOnACancelledLineOrPo_IsAccepted_StockedAndFlagged(string po, int line, string sku)
    {
        var response = await PostAsync(Receipt("rcv-cxl", 2, po: po, line: line, sku: sku));

        var answer = await JsonAsync(response);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("flagged", answer.GetProperty("status").GetString());
        Assert.Contains("cancelled-line", answer.GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("cancelled", answer.GetProperty("line").GetProperty("lineStatus").GetString());
        Assert.Equal(2, await OnHandAsync("DC1", sku));
    }

    public static TheoryData<string, string, int, string> BadReceipts => new()
    {
        { "unknown PO", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-404","lineNumber":1,"sku":"100234","location":"E-A1","quantity":1}""", 422, "unknown-purchase-order" },
        { "unknown line", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":9,"sku":"100234","location":"E-A1","quantity":1}""", 422, "unknown-purchase-order-line" },
        { "another SKU than the line's", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"100235","location":"E-A1","quantity":1}""", 422, "sku-not-on-purchase-order-line" },
        { "unknown SKU", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"NOPE","location":"E-A1","quantity":1}""", 422, "unknown-sku" },
        { "PO of another instance's store", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-S","lineNumber":1,"sku":"100234","location":"E-A1","quantity":1}""", 403, "purchase-order-not-allowed" },
        { "another instance's location", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"100234","location":"S12","quantity":1}""", 403, "location-not-allowed" },
        { "another tenant's location", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"100234","location":"G-1","quantity":1}""", 422, "unknown-location" },
        { "line zero", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":0,"sku":"100234","location":"E-A1","quantity":1}""", 400, "invalid-event" },
        { "negative quantity", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"100234","location":"E-A1","quantity":-1}""", 400, "invalid-event" },
        { "nothing received", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":1,"sku":"100234","location":"E-A1","quantity":0,"damagedQuantity":0}""", 400, "invalid-event" },
        { "line number as text", """{"eventId":"x","occurredAt":"2026-01-01T00:00:00Z","poNumber":"PO-1","lineNumber":"1","sku":"100234","location":"E-A1","quantity":1}""", 400, "malformed-json" },
        { "missing fields", """{"eventId":"x"}""", 400, "invalid-event" },
        { "truncated", """{"eventId":"x","poNumber":""", 400, "malformed-json" },
    };

    [Theory]
    [MemberData(nameof(BadReceipts))]
    public async Task BadReceipt_IsRefusedWithProblemDetails_AndChangesNothing(string why, string body, int status, string problemType)
    {
        var response = await _hub.PostAsync(EastUrl, _hub.ApiKeys.AcmeEast, body);

        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:wmsfunctions:problem:" + problemType, (await JsonAsync(response)).GetProperty("type").GetString());
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Empty(await _hub.RowsAsync(HubTable.PurchaseOrderReceipts));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
        var refusal = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("refused", problemType), (refusal.GetString("Outcome"), refusal.GetString("Reason")));
    }

    [Fact]
    public async Task OversizedReceipt_Is413_AndChangesNothing()
    {
        var response = await _hub.PostAsync(EastUrl, _hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(new { eventId = "big", reference = new string('r', 70_000) }));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(await _hub.RowsAsync(HubTable.PurchaseOrderReceipts));
    }

    [Fact]
    public async Task Duplicate_DeliveredThreeTimes_IsCountedAndStockedOnce_AndPublishedOnce()
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await PostAsync(Receipt("rcv-dup", 4)));
        }

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)));
        Assert.Single(bodies.Distinct());
        Assert.Equal(2, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal((4L, 1), ((await LineAsync())!.Received, (await LineAsync())!.Receipts));
        Assert.Equal(4, await OnHandAsync("DC1"));
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task SameEventId_WithAnotherQuantity_Is422_AndCountsNothingMore()
    {
        await PostAsync(Receipt("rcv-reuse", 4));

        var response = await PostAsync(Receipt("rcv-reuse", 40));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(4, (await LineAsync())!.Received);
    }

    [Fact]
    public async Task LateReceipt_FromBeforeACount_IsCountedOnTheLine_ButDoesNotMoveStockBackwards()
    {
        await _hub.PostInventoryAsync(new { eventId = "count", type = "overlay", occurredAt = Earlier, sku = "100234", location = "E-A1", quantity = 10 });

        var answer = await JsonAsync(await PostAsync(Receipt("rcv-late", 4, at: Earlier.AddMinutes(-5))));

        Assert.Equal(10, await OnHandAsync("DC1"));                    // the count already holds the received units
        Assert.False(answer.GetProperty("movements")[0].GetProperty("applied").GetBoolean());
        Assert.Equal(4, answer.GetProperty("line").GetProperty("receivedTotal").GetInt64()); // the PO line still got them
    }

    [Fact]
    public async Task ConcurrentReceipts_OfOneLine_AreAllCounted_EachSeeingItsOwnTotal()
    {
        const int Receipts = 8;
        var responses = await Task.WhenAll(Enumerable.Range(0, Receipts).Select(i => PostAsync(Receipt($"rcv-c{i}", 1, location: i % 2 == 0 ? "E-A1" : "E-A2"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(((long)Receipts, Receipts), ((await LineAsync())!.Received, (await LineAsync())!.Receipts));
        var totals = new List<long>();
        foreach (var response in responses)
        {
            totals.Add((await JsonAsync(response)).GetProperty("line").GetProperty("receivedTotal").GetInt64());
        }

        Assert.Equal(Enumerable.Range(1, Receipts).Select(i => (long)i), totals.Order());
    }
}
