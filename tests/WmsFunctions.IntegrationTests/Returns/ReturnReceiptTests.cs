using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Returns;

/// <summary>Return receipts end to end. acme/east books damaged returns to E-QA (DC1-QA) and has no quarantine location.</summary>
public sealed class ReturnReceiptTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string EastUrl = "/api/wms/acme/east/return-receipts";
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, configure: s => s["Hub:Tenants:acme:Instances:east:Dispositions:damaged"] = "E-QA");
        await _hub.SeedItemsAsync("acme", "100234", "100235");
        await _hub.SeedItemsAsync("globex", "100234");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static object Line(string sku, long quantity, string disposition, string location = "E-A1", string? reasonCode = "TOO-SMALL") =>
        new { sku, quantity, disposition, location, reasonCode };

    internal static object Return(string eventId, DateTimeOffset? at = null, string ra = "RA-77", params object[] lines) =>
        new { eventId, occurredAt = at ?? Earlier, returnAuthorization = ra, orderNumber = "SO-1001", lines };

    private Task<HttpResponseMessage> PostAsync(object body) => _hub.PostAsync(EastUrl, _hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(body));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private async Task<long?> OnHandAsync(string warehouse, string sku = "100234") =>
        (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", warehouse, sku, TestContext.Current.CancellationToken))?.OnHand;

    [Fact]
    public async Task Restock_EndToEnd_PutsTheGoodsBackOnSale_AndTellsTheOmsSoItCanRefund()
    {
        var response = await PostAsync(Return("ret-1", lines: Line("WMS-RED", 2, "restock")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var line = (await JsonAsync(response)).GetProperty("lines")[0];
        Assert.Equal(("restocked", "DC1", 2L), (line.GetProperty("stock").GetString(), line.GetProperty("warehouse").GetString(), line.GetProperty("onHandAfter").GetInt64()));
        Assert.Equal(2, await OnHandAsync("DC1"));

        var published = JsonDocument.Parse(Assert.Single(await _hub.RelayAsync())).RootElement;
        Assert.Equal(("acme/east/returns/ret-1", "com.wmsfunctions.return.received", "RA-77"),
            (published.GetProperty("id").GetString(), published.GetProperty("type").GetString(), published.GetProperty("subject").GetString()));
        var data = published.GetProperty("data");
        Assert.Equal(("RA-77", "SO-1001", 2L), (data.GetProperty("returnAuthorization").GetString(), data.GetProperty("orderNumber").GetString(),
            data.GetProperty("totals").GetProperty("restocked").GetInt64()));
        Assert.Equal(("100234", "WMS-RED", "TOO-SMALL"), (data.GetProperty("lines")[0].GetProperty("sku").GetString(),
            data.GetProperty("lines")[0].GetProperty("wmsSku").GetString(), data.GetProperty("lines")[0].GetProperty("reasonCode").GetString()));

        var audit = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("applied", "returns"), (audit.GetString("Outcome"), audit.GetString("Flow")));
        Assert.StartsWith("RA RA-77: 2 restocked, 0 damaged, 0 quarantined", audit.GetString("Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MixedDispositions_OnlyRestockIsSellable_DamagedIsSetAside_QuarantineWithoutALocationIsReported()
    {
        var response = await PostAsync(Return("ret-mix", lines: [Line("100234", 3, "R"), Line("100234", 1, "damaged"), Line("100235", 2, "Q", location: "E-A2")]));

        var answer = await JsonAsync(response);
        var stock = answer.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("disposition").GetString(), l.GetProperty("stock").GetString(),
            l.GetProperty("warehouse").ValueKind == JsonValueKind.Null ? null : l.GetProperty("warehouse").GetString())).ToList();
        Assert.Equal([("restock", "restocked", "DC1"), ("damaged", "set-aside", "DC1-QA"), ("quarantine", "reported", null)], stock);
        Assert.Equal((3L, 1L, 2L), (answer.GetProperty("totals").GetProperty("restocked").GetInt64(), answer.GetProperty("totals").GetProperty("damaged").GetInt64(),
            answer.GetProperty("totals").GetProperty("quarantined").GetInt64()));
        Assert.Equal(3, await OnHandAsync("DC1"));
        Assert.Equal(1, await OnHandAsync("DC1-QA"));
        Assert.Null(await OnHandAsync("DC1", "100235"));
    }

    [Fact]
    public async Task OnlyReportedLines_AreAccepted_AndPublished_WithoutAnyStockChange()
    {
        var response = await PostAsync(Return("ret-q", lines: Line("100234", 1, "quarantine")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task Duplicate_DeliveredThreeTimes_RestocksOnce_AndPublishesOnce()
    {
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await PostAsync(Return("ret-dup", lines: Line("100234", 2, "restock"))));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(2, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(2, await OnHandAsync("DC1"));
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task LateReturn_FromBeforeACount_IsSuperseded_AndStillReachesTheOms()
    {
        await _hub.PostInventoryAsync(new { eventId = "count", type = "overlay", occurredAt = Earlier, sku = "100234", location = "E-A1", quantity = 10 });

        var answer = await JsonAsync(await PostAsync(Return("ret-late", Earlier.AddMinutes(-10), lines: Line("100234", 2, "restock"))));

        Assert.Equal("superseded", answer.GetProperty("status").GetString());
        Assert.Equal("superseded", answer.GetProperty("lines")[0].GetProperty("stock").GetString());
        Assert.Equal(10, await OnHandAsync("DC1"));
        Assert.Contains("com.wmsfunctions.return.received", (await _hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("type").GetString()));
    }

    public static TheoryData<string, object, int, string> BadReturns => new()
    {
        { "no lines", new { eventId = "x", occurredAt = Earlier, returnAuthorization = "RA-1", lines = Array.Empty<object>() }, 400, "invalid-event" },
        { "101 lines", Return("x", lines: [.. Enumerable.Range(0, 101).Select(_ => Line("100234", 1, "restock"))]), 400, "invalid-event" },
        { "no RA", new { eventId = "x", occurredAt = Earlier, lines = new[] { Line("100234", 1, "restock") } }, 400, "invalid-event" },
        { "unknown disposition", Return("x", lines: Line("100234", 1, "resell")), 400, "invalid-event" },
        { "zero quantity", Return("x", lines: Line("100234", 0, "restock")), 400, "invalid-event" },
        { "unknown SKU on the second line", Return("x", lines: [Line("100234", 1, "restock"), Line("NOPE", 1, "restock")]), 422, "unknown-sku" },
        { "another instance's location", Return("x", lines: Line("100234", 1, "restock", location: "S12")), 403, "location-not-allowed" },
        { "another tenant's location", Return("x", lines: Line("100234", 1, "restock", location: "G-1")), 422, "unknown-location" },
        { "unknown location", Return("x", lines: Line("100234", 1, "damaged", location: "MARS")), 422, "unknown-location" },
    };

    [Theory]
    [MemberData(nameof(BadReturns))]
    public async Task BadReturn_IsRefusedWithProblemDetails_AndChangesNothing(string why, object body, int status, string problemType)
    {
        var response = await PostAsync(body);

        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}");
        Assert.Equal("urn:wmsfunctions:problem:" + problemType, (await JsonAsync(response)).GetProperty("type").GetString());
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
        var refusal = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("refused", problemType), (refusal.GetString("Outcome"), refusal.GetString("Reason")));
    }

    [Fact]
    public async Task InvalidReturn_NamesEachFaultyLineField()
    {
        var response = await PostAsync(Return("x", lines: [Line("100234", 1, "restock"), Line("", -1, "resell", location: "")]));

        var errors = (await JsonAsync(response)).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["lines[1].disposition", "lines[1].location", "lines[1].quantity", "lines[1].sku"], errors);
    }

    [Fact]
    public async Task MalformedOrDeepJson_Is400_AndChangesNothing()
    {
        var malformed = await _hub.PostAsync(EastUrl, _hub.ApiKeys.AcmeEast, """{"eventId":"x","lines":[{"sku":""");
        var deep = await _hub.PostAsync(EastUrl, _hub.ApiKeys.AcmeEast, """{"lines":""" + new string('[', 30) + new string(']', 30) + "}");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (malformed.StatusCode, deep.StatusCode));
        Assert.Equal("urn:wmsfunctions:problem:malformed-json", (await JsonAsync(deep)).GetProperty("type").GetString());
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }
}
