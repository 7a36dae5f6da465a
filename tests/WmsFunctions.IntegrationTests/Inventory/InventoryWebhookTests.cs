using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Inventory;

public sealed class InventoryWebhookTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234", "100235");
        await _hub.SeedItemsAsync("globex", "100234", "900001");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    internal static object Tx(string eventId, string type, long quantity, string location = "E-A1", string sku = "100234",
        string? to = null, DateTimeOffset? at = null, string? reason = null) =>
        new { eventId, type, occurredAt = at ?? Earlier, sku, location, toLocation = to, quantity, reasonCode = reason };

    private Task<StockSnapshotEntity?> SnapshotAsync(string warehouse, string sku = "100234", string tenant = "acme") =>
        _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync(tenant, warehouse, sku, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Adjustment_EndToEnd_UpdatesSnapshot_Audits_AndPublishesOneCloudEvent()
    {
        var response = await _hub.PostInventoryAsync(Tx("adj-1", "adjust", 5, sku: "WMS-RED", reason: "FOUND"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("applied", answer.GetProperty("status").GetString());
        Assert.Equal(5, answer.GetProperty("movements")[0].GetProperty("onHandAfter").GetInt64());

        var snapshot = await SnapshotAsync("DC1");
        Assert.Equal(5, snapshot!.OnHand);
        Assert.Equal(1, snapshot.Version);

        var sent = await _hub.RelayAsync();
        var cloudEvent = JsonDocument.Parse(Assert.Single(sent)).RootElement;
        Assert.Equal("1.0", cloudEvent.GetProperty("specversion").GetString());
        Assert.Equal("acme/east/inventory/adj-1", cloudEvent.GetProperty("id").GetString());
        Assert.Equal("/tenants/acme/wms/east", cloudEvent.GetProperty("source").GetString());
        Assert.Equal("com.wmsfunctions.inventory.adjusted", cloudEvent.GetProperty("type").GetString());
        Assert.Equal("DC1/100234", cloudEvent.GetProperty("subject").GetString());
        Assert.Equal("acme", cloudEvent.GetProperty("tenant").GetString());
        Assert.Equal("application/json", cloudEvent.GetProperty("datacontenttype").GetString());
        var data = cloudEvent.GetProperty("data");
        Assert.Equal("FOUND", data.GetProperty("reasonCode").GetString());
        Assert.Equal("WMS-RED", data.GetProperty("wms").GetProperty("sku").GetString());
        var movement = Assert.Single(data.GetProperty("movements").EnumerateArray());
        Assert.Equal(("DC1", "100234", 5L, 5L), (movement.GetProperty("warehouse").GetString(), movement.GetProperty("sku").GetString(),
            movement.GetProperty("quantity").GetInt64(), movement.GetProperty("onHandAfter").GetInt64()));

        var audit = await _hub.RowsAsync(HubTable.Audit);
        var entry = Assert.Single(audit);
        Assert.Equal(("applied", "adj-1", "east", "inventory"), (entry.GetString("Outcome"), entry.GetString("EventId"), entry.GetString("Instance"), entry.GetString("Flow")));
        Assert.Equal(response.Headers.GetValues("X-Correlation-Id").Single(), entry.GetString("CorrelationId"));
    }

    [Fact]
    public async Task Transfer_BetweenWarehouses_MovesStockAndPublishesBothLegsInOneEvent()
    {
        await _hub.PostInventoryAsync(Tx("seed", "overlay", 20));
        var response = await _hub.PostInventoryAsync(Tx("trf-1", "transfer", 6, to: "E-QA", at: Earlier.AddMinutes(1)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(14, (await SnapshotAsync("DC1"))!.OnHand);
        Assert.Equal(6, (await SnapshotAsync("DC1-QA"))!.OnHand);

        var transfer = (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "com.wmsfunctions.inventory.transferred");
        var legs = transfer.GetProperty("data").GetProperty("movements").EnumerateArray()
            .Select(m => (m.GetProperty("warehouse").GetString(), m.GetProperty("quantity").GetInt64(), m.GetProperty("onHandAfter").GetInt64()));
        Assert.Equal([("DC1", -6L, 14L), ("DC1-QA", 6L, 6L)], legs);
    }

    [Fact]
    public async Task Transfer_BetweenAreasOfOneWarehouse_LeavesItsTotal()
    {
        await _hub.PostInventoryAsync(Tx("seed", "overlay", 20));
        await _hub.PostInventoryAsync(Tx("trf-areas", "T", 5, to: "E-A2", at: Earlier.AddMinutes(1)));

        var snapshot = (await SnapshotAsync("DC1"))!;
        Assert.Equal(20, snapshot.OnHand);
        var areas = StockLedger.ReadAreas(snapshot);
        Assert.Equal(15, areas["east:E-A1"].OnHand);
        Assert.Equal(5, areas["east:E-A2"].OnHand);
    }

    [Fact]
    public async Task Overlay_OfOneArea_ReplacesOnlyThatArea()
    {
        await _hub.PostInventoryAsync(Tx("cnt-a1", "overlay", 10, location: "E-A1"));
        await _hub.PostInventoryAsync(Tx("cnt-a2", "overlay", 7, location: "E-A2"));
        await _hub.PostInventoryAsync(Tx("adj-a1", "adjust", -2, location: "E-A1", at: Earlier.AddMinutes(1)));
        await _hub.PostInventoryAsync(Tx("cnt-a1-again", "overlay", 9, location: "E-A1", at: Earlier.AddMinutes(2)));

        var snapshot = (await SnapshotAsync("DC1"))!;
        Assert.Equal(16, snapshot.OnHand);
        Assert.Equal(9, StockLedger.ReadAreas(snapshot)["east:E-A1"].OnHand);
        Assert.Equal(7, StockLedger.ReadAreas(snapshot)["east:E-A2"].OnHand);
    }

    [Fact]
    public async Task LateEvents_FromBeforeTheLastCount_AreSuperseded_AndNeverMoveStockBackwards()
    {
        await _hub.PostInventoryAsync(Tx("count-new", "overlay", 50, at: Earlier));
        var lateAdjust = await _hub.PostInventoryAsync(Tx("late-adjust", "adjust", -4, at: Earlier.AddMinutes(-1)));
        var lateCount = await _hub.PostInventoryAsync(Tx("late-count", "overlay", 3, at: Earlier.AddMinutes(-2)));

        Assert.Equal(HttpStatusCode.Accepted, lateAdjust.StatusCode);
        Assert.Equal("superseded", JsonDocument.Parse(await lateAdjust.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, lateCount.StatusCode);
        var snapshot = (await SnapshotAsync("DC1"))!;
        Assert.Equal(50, snapshot.OnHand);
        Assert.Equal(1, snapshot.Version);

        var superseded = (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement)
            .Where(e => e.GetProperty("data").GetProperty("status").GetString() == "superseded").ToList();
        Assert.Equal(2, superseded.Count);
        Assert.All(superseded, e => Assert.Equal(0, e.GetProperty("data").GetProperty("movements")[0].GetProperty("quantity").GetInt64()));
    }

    [Fact]
    public async Task Duplicate_DeliveredThreeTimes_IsAnsweredTheSame_AppliedOnce_PublishedOnce()
    {
        var first = await _hub.PostInventoryAsync(Tx("dup-1", "adjust", 3));
        var firstBody = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        for (var retry = 0; retry < 2; retry++)
        {
            // A retry may be reformatted: the same fields in another order are the same event.
            var again = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast,
                $$"""{"quantity":3,"location":"E-A1","sku":"100234","occurredAt":"{{Earlier:O}}","type":"adjust","eventId":"dup-1"}""");
            Assert.Equal(first.StatusCode, again.StatusCode);
            Assert.Equal(firstBody, await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        }

        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(3, (await SnapshotAsync("DC1"))!.OnHand);
        Assert.Single(await _hub.RelayAsync());
        Assert.Single((await _hub.RowsAsync(HubTable.Inbox)));
        var audit = await _hub.RowsAsync(HubTable.Audit);
        Assert.Equal(2, audit.Count(a => a.GetString("Outcome") == "duplicate"));
    }

    [Fact]
    public async Task SameEventId_WithAnotherBody_IsRefused422_AndChangesNothing()
    {
        await _hub.PostInventoryAsync(Tx("reuse-1", "adjust", 3));
        var response = await _hub.PostInventoryAsync(Tx("reuse-1", "adjust", 30));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:event-id-reused", await ProblemTypeAsync(response));
        Assert.Equal(3, (await SnapshotAsync("DC1"))!.OnHand);
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task ConcurrentMovements_OnOneSku_AllApply_NoLostUpdate()
    {
        const int Movements = 24;
        var responses = await Task.WhenAll(Enumerable.Range(0, Movements)
            .Select(i => _hub.PostInventoryAsync(Tx($"conc-{i}", "adjust", 1, location: i % 2 == 0 ? "E-A1" : "E-A2"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var snapshot = (await SnapshotAsync("DC1"))!;
        Assert.Equal(Movements, snapshot.OnHand);
        Assert.Equal(Movements, snapshot.Version);
        var afters = new List<long>();
        foreach (var response in responses)
        {
            var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
            afters.Add(answer.GetProperty("movements")[0].GetProperty("onHandAfter").GetInt64());
        }

        Assert.Equal(Enumerable.Range(1, Movements).Select(i => (long)i), afters.Order()); // each saw a distinct state
        Assert.Equal(Movements, (await _hub.RelayAsync()).Count);
    }

    [Fact]
    public async Task ConcurrentDeliveries_OfOneEvent_ApplyOnce()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _hub.PostInventoryAsync(Tx("same-1", "adjust", 7))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(7, (await SnapshotAsync("DC1"))!.OnHand);
        var sent = await _hub.RelayAsync();
        Assert.NotEmpty(sent);
        Assert.Single(sent.Distinct()); // published maybe more than once, always the same event (same id, same bytes)
    }

    [Fact]
    public async Task Tenants_AreIsolated_SameWarehouseCodeUnderTwoTenants_NeverMixes()
    {
        await _hub.PostInventoryAsync(Tx("a-1", "adjust", 5));
        var globex = await _hub.PostInventoryAsync(Tx("a-1", "adjust", 40, location: "G-1"), tenant: "globex", instance: "main", apiKey: _hub.ApiKeys.GlobexMain);

        Assert.Equal(HttpStatusCode.Accepted, globex.StatusCode);
        Assert.Equal(5, (await SnapshotAsync("DC1"))!.OnHand);
        Assert.Equal(40, (await SnapshotAsync("DC1", tenant: "globex"))!.OnHand);
        var ids = (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement.GetProperty("id").GetString()).Order();
        Assert.Equal(["acme/east/inventory/a-1", "globex/main/inventory/a-1"], ids);
    }

    public static TheoryData<string, string, int, string> BadInputs => new()
    {
        { "malformed JSON", """{"eventId":"x","quantity":""", 400, "malformed-json" },
        { "not an object", """[1,2,3]""", 400, "malformed-json" },
        { "quantity as text", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","quantity":"5"}""", 400, "malformed-json" },
        { "fractional quantity", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","quantity":1.5}""", 400, "malformed-json" },
        { "too deep", new string('[', 40) + new string(']', 40), 400, "malformed-json" },
        { "missing fields", """{"eventId":"x"}""", 400, "invalid-event" },
        { "zero adjustment", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","quantity":0}""", 400, "invalid-event" },
        { "absurd quantity", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","quantity":100001}""", 400, "invalid-event" },
        { "unknown type", $$"""{"eventId":"x","type":"teleport","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","quantity":1}""", 400, "invalid-event" },
        { "unknown SKU", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"NOPE","location":"E-A1","quantity":1}""", 422, "unknown-sku" },
        { "SKU only another tenant has", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"900001","location":"E-A1","quantity":1}""", 422, "unknown-sku" },
        { "location of another tenant (not revealed)", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"G-1","quantity":1}""", 422, "unknown-location" },
        { "unknown location", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"MARS","quantity":1}""", 422, "unknown-location" },
        { "another instance's location", $$"""{"eventId":"x","type":"adjust","occurredAt":"{{Earlier:O}}","sku":"100234","location":"S12","quantity":1}""", 403, "location-not-allowed" },
        { "transfer into another instance's location", $$"""{"eventId":"x","type":"transfer","occurredAt":"{{Earlier:O}}","sku":"100234","location":"E-A1","toLocation":"STORE-12","quantity":1}""", 403, "location-not-allowed" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_IsRefusedWithProblemDetails_AndChangesNothing(string why, string body, int status, string problemType)
    {
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body);

        Assert.True(status == (int)response.StatusCode, $"{why}: expected {status}, got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("urn:wmsfunctions:problem:" + problemType, problem.GetProperty("type").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        await AssertNothingWrittenButOneRefusalAsync(problemType);
    }

    [Fact]
    public async Task UnknownSku_IsRefused_AndQueuedForAPerson_WithItsBodyForReplay_OnceEvenWhenRetried()
    {
        var body = JsonSerializer.Serialize(Tx("nosku-1", "adjust", 2, sku: "NOT-YET-DOWNLOADED"));

        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, (await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body)).StatusCode);
        }

        var store = _hub.Services.GetRequiredService<WmsFunctions.Pipeline.FailedSyncs.FailedSyncStore>();
        var failure = Assert.Single(await store.QueryAsync(new WmsFunctions.Pipeline.FailedSyncs.FailedSyncQuery("acme", "east", "inventory"), TestContext.Current.CancellationToken));
        Assert.Equal(("unknown-sku", "nosku-1", "wms-to-oms", 2), (failure.ReasonCode, failure.EntityId, failure.Direction, failure.Attempts));
        Assert.Equal(body, await store.ReadBodyAsync("acme", "east", failure.RowKey, TestContext.Current.CancellationToken));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
    }

    [Fact]
    public async Task InvalidEvent_IsNotQueuedForAPerson_TheSenderMustFixIt()
    {
        await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, """{"eventId":"x"}""");

        Assert.Empty(await _hub.RowsAsync(HubTable.FailedSyncs));
    }

    [Fact]
    public async Task InvalidEvent_ListsEachFaultyField()
    {
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, """{"eventId":"x","type":"transfer","quantity":-1}""");

        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("errors");
        Assert.Equal(["location", "occurredAt", "quantity", "sku", "toLocation"], errors.EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=latin1")]
    public async Task WrongContentType_Is415(string contentType)
    {
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast,
            JsonSerializer.Serialize(Tx("ct-1", "adjust", 1)), contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertNothingWrittenButOneRefusalAsync("unsupported-media-type");
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var body = JsonSerializer.Serialize(new { eventId = "big", reference = new string('x', 70_000) });
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingWrittenButOneRefusalAsync("payload-too-large");
    }

    [Theory]
    [InlineData("acme", "east", null)]
    [InlineData("acme", "east", "wrong-key")]
    [InlineData("acme", "east", "store")]   // acme/store-12's key on acme/east
    [InlineData("globex", "main", "east")]  // acme/east's key on globex/main
    [InlineData("nobody", "east", "east")]
    public async Task MissingOrWrongCredentials_Are401_AndChangeNothing(string tenant, string instance, string? key)
    {
        var apiKey = key switch
        {
            "east" => _hub.ApiKeys.AcmeEast,
            "store" => _hub.ApiKeys.AcmeStore,
            _ => key,
        };
        var location = tenant == "globex" ? "G-1" : "E-A1";
        var response = await _hub.PostAsync($"/api/wms/{tenant}/{instance}/inventory-transactions", apiKey,
            JsonSerializer.Serialize(Tx("auth-1", "adjust", 1, location: location)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("urn:wmsfunctions:problem:unauthorized", await ProblemTypeAsync(response));
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        var refusal = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(tenant == "nobody" ? AuditLog.UnauthenticatedTenant : tenant, refusal.GetString("Tenant"));
    }

    private async Task AssertNothingWrittenButOneRefusalAsync(string problemType)
    {
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
        var refusal = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("refused", problemType), (refusal.GetString("Outcome"), refusal.GetString("Reason")));
    }

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("type").GetString();
}
