using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.PickSlips;

/// <summary>
/// A pick slip from both sides, every step from the host's payloads: the OMS's message on the pick-slip topic,
/// delivery to a WMS played by a loopback server, the hand-off to the orchestration on its queue, the WMS's pick
/// confirmation, and the OMS-bound status events.
/// </summary>
public sealed class PickSlipEndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OutboundHub _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private PickSlipOrchestrator Slips => _hub.Hub.Services.GetRequiredService<PickSlipOrchestrator>();

    private static object Slip(string id, string warehouse, params object[] lines) => new
    {
        pickSlipId = id,
        orderId = "O-" + id,
        version = 1,
        warehouse,
        reprint = false,
        carrier = "UPS",
        service = "GROUND",
        shipTo = new { name = "Jane Doe", address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" } },
        lines,
    };

    private async Task<IReadOnlyList<JsonElement>> HandOffAsync()
    {
        var invocations = await _hub.Hub.Functions.DrainAsync("PickSlipHandOff", Ct);
        Assert.All(invocations, i => Assert.Equal(200, i.Status));
        return invocations.SelectMany(i => i.Sent).Where(s => s.Entity == _hub.Hub.Topic).Select(s => JsonDocument.Parse(s.Body).RootElement).ToList();
    }

    [Fact]
    public async Task GeneratedByTheOms_DeliveredToTheWms_HandedOff_ConfirmedShipped_TheOmsHearsEachStep()
    {
        Assert.Equal(200, (await _hub.SendAsync("PickSlipOut", OutboundHub.CloudEvent("pick-slip.generated", "ps-e1", Slip("PS-E1", "DC1",
            new { lineNumber = 1, sku = "100234", quantity = 3, unitOfMeasure = "EA" },
            new { lineNumber = 2, sku = "100235", quantity = 1, unitOfMeasure = "EA", backordered = true })))).Status);

        var statuses = await HandOffAsync();
        var slip = (await Slips.GetAsync("acme", "PS-E1", Ct))!;
        var shipped = await _hub.Hub.PostAsync("/api/wms/acme/east/pick-confirmations", _hub.Hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(new
        {
            eventId = "ship-e1", type = "shipped", occurredAt = DateTimeOffset.UtcNow, pickSlipId = "PS-E1",
            lines = new[] { new { line = 1, quantity = 3, location = "E-A1" } },
            cartons = new[] { new { sscc = "106141411234567897", trackingNumber = "1ZE1", carrier = "UPS", contents = new[] { new { line = 1, quantity = 3 } } } },
        }));

        Assert.Equal(["com.wmsfunctions.pickslip.generated", "com.wmsfunctions.pickslip.sent"], statuses.Select(s => s.GetProperty("type").GetString()).Order());
        Assert.Equal((PickSlipState.SentToWms, "east", "DC1"), (slip.State, slip.Instance, slip.Warehouse));
        Assert.Equal(["1:100234:3"], slip.Lines.Select(l => $"{l.Line}:{l.Sku}:{l.Ordered}")); // the backordered line is not picked
        Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        Assert.Equal(PickSlipState.Shipped, (await Slips.GetAsync("acme", "PS-E1", Ct))!.State);
        var published = (await _hub.Hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement).Single();
        Assert.Equal("1ZE1", published.GetProperty("data").GetProperty("lines")[0].GetProperty("trackingNumbers")[0].GetString());
    }

    [Fact]
    public async Task InstanceCountingEaches_IsFollowedInEaches_AsItConfirms()
    {
        await _hub.SendAsync("PickSlipOut", OutboundHub.CloudEvent("pick-slip.generated", "ps-e2", Slip("PS-E2", "STORE-12",
            new { lineNumber = 1, sku = "100234", quantity = 2, unitOfMeasure = "CS", eachesPerUnit = 12 })));

        await HandOffAsync();

        var slip = (await Slips.GetAsync("acme", "PS-E2", Ct))!;
        Assert.Equal(("store-12", 24L), (slip.Instance, slip.Lines.Single().Ordered));
    }

    [Fact]
    public async Task VoidedByTheOms_AndAcceptedByTheWms_VoidsTheSlip_TheHandOffTwiceIsHarmless()
    {
        await _hub.SendAsync("PickSlipOut", OutboundHub.CloudEvent("pick-slip.generated", "ps-e3", Slip("PS-E3", "DC1",
            new { lineNumber = 1, sku = "100234", quantity = 1, unitOfMeasure = "EA" })));
        await HandOffAsync();
        await _hub.SendAsync("PickSlipOut", OutboundHub.CloudEvent("pick-slip.voided", "ps-e3-void",
            new { pickSlipId = "PS-E3", orderId = "O-PS-E3", version = 2, warehouse = "DC1", reasonCode = "CUST" }));
        var handOffs = await _hub.HandOffsAsync(); // read them, then put the void back twice: delivered at least once
        var queue = _hub.Hub.Services.GetRequiredService<global::WmsFunctions.Platform.Storage.HubStorage>();
        var handOffQueue = await queue.QueueAsync(_hub.Hub.App.Configuration["PICKSLIP_EVENTS_QUEUE"]!, Ct);
        foreach (var copy in new[] { 1, 2 })
        {
            await handOffQueue.SendMessageAsync(JsonSerializer.Serialize(handOffs.Single(), PickSlipHandedOff.Json), Ct);
        }

        var statuses = await HandOffAsync();

        Assert.Equal(PickSlipState.Voided, (await Slips.GetAsync("acme", "PS-E3", Ct))!.State);
        Assert.Equal(2, statuses.Count);
        Assert.Single(statuses.Select(s => s.GetRawText()).Distinct()); // the same status event, published again
        Assert.Equal(["SlipGenerated", "SlipSent", "SlipVoidedByOms"], (await Slips.HistoryAsync("acme", "PS-E3", Ct)).Select(h => h.Event)); // once each
    }
}
