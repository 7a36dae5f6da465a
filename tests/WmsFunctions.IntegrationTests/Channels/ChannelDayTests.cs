using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Handler.Operations;
using WmsFunctions.IntegrationTests.Support;
using static WmsFunctions.IntegrationTests.Support.LoopbackMarketplace;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>
/// A day in miniature: two channels sell one SKU that runs low; orders come in from both, the OMS turns the accepted
/// ones into pick slips, the WMS ships them; no channel is ever shown or sold more than there is, and each channel
/// hears its shipments and its stock. Then the operators' report.
/// </summary>
public sealed class ChannelDayTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private ChannelHub _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _hub = await ChannelHub.StartAsync(azurite, _time, values => values["Hub:Tenants:acme:Channels:SafetyStock:LAMP"] = "1");

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task ADayInMiniature_TwoChannels_ASharedSkuRunningLow_NobodyOversold_ShipmentsAndStockReachEachChannel()
    {
        await _hub.Hub.SeedItemsAsync("acme", "LAMP");
        _hub.Amazon.AddProduct("LAMP", "801");
        _hub.Ebay.AddProduct("LAMP", "901");
        _hub.Ebay.SetQuantity("901", "1", 0);

        // Morning: 5 lamps counted in, 1 kept back: 4 to sell, amazon shown 2 (60%), ebay 2 (40%, and the remainder).
        await _hub.CountAsync("LAMP", "E-A1", 5, "count-lamp");
        await _hub.Hub.RelayAsync();
        var morning = Assert.Single(await _hub.FeedAndPublishAsync());
        Assert.Equal([2L, 2L], Shares(morning));
        Assert.Equal(2, _hub.Amazon.Quantity("801", "1")); // Absolute: its share
        Assert.Equal(5, _hub.Ebay.Quantity("901", "1")); // Relative: the warehouse's move

        // Orders from both channels; the SKU runs out: the later ones are held as backorders, never sent on.
        var start = _time.GetUtcNow();
        _hub.Amazon.PutOrder(Order("1001", start.AddMinutes(-50), start.AddMinutes(-50), items: Item(1, "LAMP", 2)));
        _hub.Ebay.PutOrder(Order("2001", start.AddMinutes(-40), start.AddMinutes(-40), items: Item(1, "LAMP", 1)));
        _hub.Ebay.PutOrder(Order("2002", start.AddMinutes(-30), start.AddMinutes(-30), items: Item(1, "LAMP", 2)));
        _hub.Amazon.PutOrder(Order("1002", start.AddMinutes(-20), start.AddMinutes(-20), items: Item(2, "LAMP", 2)));
        var accepted = await _hub.PullAsync();

        Assert.Equal(["amazon-1001", "ebay-2001"], accepted.Select(e => e.GetProperty("data").GetProperty("orderId").GetString()).Order(StringComparer.Ordinal));
        Assert.Equal("backorder", (await _hub.OrderAsync("ebay", "2002"))!.HoldReason);
        Assert.Equal("backorder", (await _hub.OrderAsync("amazon", "1002"))!.HoldReason);
        var acceptedUnits = accepted.Sum(e => e.GetProperty("data").GetProperty("lines").EnumerateArray().Sum(l => l.GetProperty("quantity").GetInt64()));
        Assert.True(acceptedUnits <= 5 - 1, "more accepted than there is to sell");
        _time.Advance(TimeSpan.FromSeconds(61));
        var afterOrders = Assert.Single(await _hub.PublishAsync());
        Assert.Equal(1, afterOrders.GetProperty("data").GetProperty("warehouses")[0].GetProperty("availableToSell").GetInt64()); // 5 - 3 reserved - 1
        Assert.Equal(1, Shares(afterOrders).Sum());

        // The OMS turns each accepted order into a pick slip for the warehouse; the WMS ships them.
        foreach (var (slip, order, tracking) in new[] { ("PS-A", "amazon-1001", "1ZAMZ"), ("PS-E", "ebay-2001", "1ZEBY") })
        {
            var quantity = order == "amazon-1001" ? 2 : 1;
            Assert.Equal(200, (await _hub.Outbound.SendAsync("PickSlipOut", OutboundHub.CloudEvent("pick-slip.generated", "gen-" + slip, new
            {
                pickSlipId = slip, orderId = order, version = 1, warehouse = "DC1", reprint = false, carrier = "UPS", service = "GROUND",
                shipTo = new { name = "Jane Doe", address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" } },
                lines = new[] { new { lineNumber = 1, sku = "LAMP", quantity, unitOfMeasure = "EA" } },
            }))).Status);
            Assert.All(await _hub.Hub.Functions.DrainAsync("PickSlipHandOff", Ct), i => Assert.Equal(200, i.Status));
            await _hub.FeedAndPublishAsync(); // the slip holds the units now; the order's own hold gives way

            var shipped = await _hub.Hub.PostAsync("/api/wms/acme/east/pick-confirmations", _hub.Hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(new
            {
                eventId = "ship-" + slip, type = "shipped", occurredAt = _time.GetUtcNow().AddSeconds(-1), pickSlipId = slip,
                lines = new[] { new { line = 1, quantity, location = "E-A1" } },
                cartons = new[] { new { trackingNumber = tracking, carrier = "UPS", service = "GROUND", contents = new[] { new { line = 1, quantity } } } },
            }));
            Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
            await _hub.Hub.RelayAsync();
            _time.Advance(TimeSpan.FromSeconds(61));
            await _hub.FeedAndPublishAsync();
        }

        // Each channel heard its own shipment, with the carrier's tracking, and nothing else.
        var amazonShipment = Assert.Single(_hub.Amazon.Shipments);
        Assert.Equal(("1001", "1ZAMZ", "1x2"), (amazonShipment.OrderId, amazonShipment.Tracking, string.Join(",", amazonShipment.Items.Select(i => $"{i.Item}x{i.Quantity}"))));
        var ebayShipment = Assert.Single(_hub.Ebay.Shipments);
        Assert.Equal(("2001", "1ZEBY", "1x1"), (ebayShipment.OrderId, ebayShipment.Tracking, string.Join(",", ebayShipment.Items.Select(i => $"{i.Item}x{i.Quantity}"))));

        // Evening: 2 lamps left, nothing reserved, 1 kept back: 1 to sell, and amazon (Absolute) is shown exactly its share.
        var evening = await _hub.AvailabilityAsync("LAMP");
        var dc1 = evening.Warehouses.Single(w => w.Warehouse == "DC1");
        Assert.Equal((2L, 0L, 1L), (dc1.OnHand, dc1.Reserved, dc1.AvailableToSell));
        Assert.Equal(evening.For("amazon", "1"), _hub.Amazon.Quantity("801", "1"));
        Assert.True(evening.Channels.Sum(c => c.AvailableToSell) <= dc1.AvailableToSell);
        Assert.All(_hub.Amazon.StockUpdates.Where(u => u.UpdateType == "Absolute"), u => Assert.True(u.Updates.Sum(x => x.Quantity) <= 4, "amazon was shown more than there was to sell"));

        // The operators' report: per channel, orders, holds, shipped lines and time to shipment.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/ops/acme/channels/report?from={Uri.EscapeDataString(start.AddDays(-1).ToString("O"))}&to={Uri.EscapeDataString(start.AddDays(1).ToString("O"))}");
        request.Headers.Add(OperatorGate.KeyHeader, _hub.Hub.ApiKeys.Operator);
        var report = JsonDocument.Parse(await (await _hub.Hub.Http.SendAsync(request, Ct)).Content.ReadAsStringAsync(Ct)).RootElement;
        var rows = report.GetProperty("channels").EnumerateArray().ToDictionary(r => r.GetProperty("channel").GetString()!);
        Assert.Equal((2, 1, 1, 1), Row(rows["amazon"]));
        Assert.Equal((2, 1, 1, 1), Row(rows["ebay"]));
        Assert.Equal("Amazon US", rows["amazon"].GetProperty("orderSource").GetString());
        Assert.True(rows["amazon"].GetProperty("averageHoursToFirstShipment").GetDouble() > 0.8); // ordered 50 min before the day's clock started
    }

    [Fact]
    public async Task Report_WithoutOperatorKey_Or_WithABadPeriod_IsRefusedAsProblemDetails()
    {
        var anonymous = await _hub.Hub.Http.GetAsync("/api/ops/acme/channels/report?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z", Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/ops/acme/channels/report?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z");
        request.Headers.Add(OperatorGate.KeyHeader, _hub.Hub.ApiKeys.Operator);
        var backwards = await _hub.Hub.Http.SendAsync(request, Ct);
        using var other = new HttpRequestMessage(HttpMethod.Get, "/api/ops/globex/channels/report?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z");
        other.Headers.Add(OperatorGate.KeyHeader, _hub.Hub.ApiKeys.Operator);
        var noChannels = await _hub.Hub.Http.SendAsync(other, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Equal("application/problem+json", backwards.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, noChannels.StatusCode); // globex sells on no channel: acme's orders are not shown
    }

    private static long[] Shares(JsonElement availability) =>
        availability.GetProperty("data").GetProperty("channels").EnumerateArray().Select(c => c.GetProperty("availableToSell").GetInt64()).ToArray();

    private static (int Orders, int Accepted, int Held, int ShippedLines) Row(JsonElement row) =>
        (row.GetProperty("orders").GetInt32(), row.GetProperty("accepted").GetInt32(), row.GetProperty("held").GetInt32(), row.GetProperty("shippedLines").GetInt32());
}
