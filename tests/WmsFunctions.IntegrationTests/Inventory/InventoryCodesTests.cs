using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Inventory;

/// <summary>The inventory codes beyond adjust, transfer and overlay: item-to-item transfer (G), return to vendor (V) and sync (S).</summary>
public sealed class InventoryCodesTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);
    private static readonly string NorthKey = WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey();
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        // A second WMS of acme (north) stocking the same OMS location DC1: a sync of east must leave its area alone.
        _hub = await HubTestHost.StartAsync(azurite, configure: s => HubTestHost.AddInstance(s, "acme", "north", NorthKey, ("N-1", "DC1")));
        await _hub.SeedItemsAsync("acme", "100234", "100235");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static object Tx(string eventId, string type, long quantity, string location = "E-A1", string sku = "100234",
        string? toSku = null, string? to = null, DateTimeOffset? at = null, string? reference = null, string? vendorId = null) =>
        new { eventId, type, occurredAt = at ?? Earlier, sku, toSku, location, toLocation = to, quantity, reference, vendorId };

    private Task<HttpResponseMessage> PostAsync(object transaction) => _hub.PostInventoryAsync(transaction);

    private async Task<StockSnapshotEntity> SnapshotAsync(string sku = "100234", string warehouse = "DC1") =>
        (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", warehouse, sku, TestContext.Current.CancellationToken))!;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    private async Task<JsonElement> PublishedAsync(string type) =>
        (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement).Single(e => e.GetProperty("type").GetString() == "com.wmsfunctions." + type);

    [Fact]
    public async Task ItemTransfer_TurnsStockOfOneSkuIntoAnother_InOneEvent()
    {
        await PostAsync(Tx("seed", "overlay", 10));

        var response = await PostAsync(Tx("g-1", "G", 4, sku: "WMS-RED", toSku: "100235", at: Earlier.AddMinutes(1)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(6, (await SnapshotAsync("100234")).OnHand);
        Assert.Equal(4, (await SnapshotAsync("100235")).OnHand);
        var published = await PublishedAsync("inventory.item-transferred");
        var data = published.GetProperty("data");
        Assert.Equal("item-transfer", data.GetProperty("transaction").GetString());
        Assert.Equal(("WMS-RED", "100235"), (data.GetProperty("wms").GetProperty("sku").GetString(), data.GetProperty("wms").GetProperty("toSku").GetString()));
        var legs = data.GetProperty("movements").EnumerateArray().Select(m => (m.GetProperty("sku").GetString(), m.GetProperty("quantity").GetInt64())).ToList();
        Assert.Equal([("100234", -4L), ("100235", 4L)], legs);
    }

    [Fact]
    public async Task ItemTransfer_IntoAnotherLocation_MovesBothSkuAndPlace()
    {
        await PostAsync(Tx("g-2", "item-transfer", 3, toSku: "100235", to: "E-QA"));

        Assert.Equal(-3, (await SnapshotAsync("100234")).OnHand);
        Assert.Equal(3, (await SnapshotAsync("100235", "DC1-QA")).OnHand);
    }

    [Fact]
    public async Task ItemTransfer_ToAnUnknownSku_Is422_AndNothingIsWritten()
    {
        var response = await PostAsync(Tx("g-3", "G", 1, toSku: "NOPE"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:unknown-sku", (await JsonAsync(response)).GetProperty("type").GetString());
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }

    [Fact]
    public async Task ItemTransfer_IntoAnotherInstancesLocation_Is403()
    {
        var response = await PostAsync(Tx("g-4", "G", 1, toSku: "100235", to: "N-1"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
    }

    [Fact]
    public async Task ReturnToVendor_TakesStockOut_AndTellsTheOmsVendorAndRtvReference()
    {
        await PostAsync(Tx("seed", "overlay", 10));

        var response = await PostAsync(Tx("v-1", "V", 3, at: Earlier.AddMinutes(1), reference: "RTV-778", vendorId: "VEND-9"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(7, (await SnapshotAsync()).OnHand);
        var data = (await PublishedAsync("inventory.returned-to-vendor")).GetProperty("data");
        Assert.Equal(("return-to-vendor", "RTV-778", "VEND-9"), (data.GetProperty("transaction").GetString(), data.GetProperty("reference").GetString(), data.GetProperty("vendorId").GetString()));
        Assert.Equal(-3, data.GetProperty("movements")[0].GetProperty("quantity").GetInt64());
    }

    [Theory]
    [InlineData("no RTV reference", null, 3L, "reference")]
    [InlineData("negative quantity", "RTV-1", -3L, "quantity")]
    public async Task ReturnToVendor_Invalid_Is400(string why, string? reference, long quantity, string field)
    {
        var response = await PostAsync(Tx("v-bad", "V", quantity, reference: reference));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), why);
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }

    [Fact]
    public async Task Sync_SetsTheInstancesTotalInTheLocation_ByTheDifference_BookedIntoTheNamedArea()
    {
        await PostAsync(Tx("a1", "overlay", 10, location: "E-A1"));
        await PostAsync(Tx("a2", "overlay", 5, location: "E-A2"));

        var response = await PostAsync(Tx("sync-1", "sync", 20, location: "E-A2", at: Earlier.AddMinutes(1)));

        var movement = (await JsonAsync(response)).GetProperty("movements")[0];
        Assert.Equal((5L, 20L), (movement.GetProperty("quantity").GetInt64(), movement.GetProperty("onHandAfter").GetInt64()));
        var snapshot = await SnapshotAsync();
        var areas = StockLedger.ReadAreas(snapshot);
        Assert.Equal((20L, 10L, 10L), (snapshot.OnHand, areas["east:E-A1"].OnHand, areas["east:E-A2"].OnHand));
        Assert.Equal("inventory.synced", (await _hub.RelayAsync()).Select(s => JsonDocument.Parse(s).RootElement.GetProperty("type").GetString()![17..]).Last());
    }

    [Fact]
    public async Task Sync_LeavesTheAreasOfAnotherWmsInTheSameLocationAlone_WhereAnOverlayTouchesOnlyItsArea()
    {
        await _hub.PostInventoryAsync(Tx("north-1", "overlay", 100, location: "N-1"), instance: "north", apiKey: NorthKey);
        await PostAsync(Tx("east-1", "overlay", 8, location: "E-A1"));
        await PostAsync(Tx("east-2", "overlay", 4, location: "E-A2"));

        await PostAsync(Tx("sync-2", "S", 6, location: "E-A1", at: Earlier.AddMinutes(1)));   // east holds 6 in DC1 in all
        await PostAsync(Tx("count-2", "O", 1, location: "E-A2", at: Earlier.AddMinutes(2)));  // area E-A2 holds 1

        var snapshot = await SnapshotAsync();
        var areas = StockLedger.ReadAreas(snapshot);
        Assert.Equal(100, areas["north:N-1"].OnHand);
        Assert.Equal((2L, 1L), (areas["east:E-A1"].OnHand, areas["east:E-A2"].OnHand));
        Assert.Equal(103, snapshot.OnHand);
    }

    [Fact]
    public async Task Sync_ALateOlderSync_DoesNotOverwriteTheNewerOne()
    {
        await PostAsync(Tx("sync-new", "sync", 30, at: Earlier));

        var late = await PostAsync(Tx("sync-old", "sync", 12, at: Earlier.AddMinutes(-5)));

        Assert.Equal("superseded", (await JsonAsync(late)).GetProperty("status").GetString());
        Assert.Equal(30, (await SnapshotAsync()).OnHand);
    }

    [Fact]
    public async Task Sync_AMovementFromBeforeIt_IsAlreadyInItsTotal_AndIsSuperseded()
    {
        await PostAsync(Tx("sync-3", "sync", 30, location: "E-A1", at: Earlier));

        var lateAdjust = await PostAsync(Tx("late-a2", "adjust", -4, location: "E-A2", at: Earlier.AddMinutes(-1)));
        var laterAdjust = await PostAsync(Tx("later-a2", "adjust", -4, location: "E-A2", at: Earlier.AddMinutes(1)));

        Assert.Equal("superseded", (await JsonAsync(lateAdjust)).GetProperty("status").GetString());
        Assert.Equal("applied", (await JsonAsync(laterAdjust)).GetProperty("status").GetString());
        Assert.Equal(26, (await SnapshotAsync()).OnHand);
    }

    [Fact]
    public async Task NewCodes_DeliveredThreeTimes_ApplyOnce()
    {
        var sync = Tx("sync-dup", "sync", 9);
        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            responses.Add(await PostAsync(sync));
        }

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        Assert.Equal(2, responses.Count(r => r.Headers.Contains("Idempotent-Replayed")));
        Assert.Equal(9, (await SnapshotAsync()).OnHand);
        Assert.Equal(1, (await SnapshotAsync()).Version);
    }
}
