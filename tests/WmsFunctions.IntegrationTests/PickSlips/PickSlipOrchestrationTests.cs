using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.PickSlips;

/// <summary>Every path of a pick slip, end to end: the WMS's confirmations as forwarded requests, the clock as the host's timer.</summary>
public sealed class PickSlipOrchestrationTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private HubTestHost _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, _clock);
        await _hub.SeedItemsAsync("acme", "100234", "100235");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private PickSlipOrchestrator Slips => _hub.Services.GetRequiredService<PickSlipOrchestrator>();

    /// <summary>The OMS side: the slip generated and accepted by acme/east (5 x 100234, 2 x 100235 from DC1).</summary>
    private async Task SendSlipAsync(string slip, string instance = "east")
    {
        var deadlines = new PickSlipDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
        await Slips.ApplyAsync("acme", slip, "oms", "gen-" + slip,
            new SlipGenerated("ORD-" + slip, instance, "DC1", "standard", [new OrderedLine(1, "100234", 5), new OrderedLine(2, "100235", 2)], 1, false),
            deadlines, "test", Ct);
        await Slips.ApplyAsync("acme", slip, "oms", "sent-" + slip, new SlipSent(), deadlines, "test", Ct);
    }

    private async Task StockAsync(string sku, long quantity)
    {
        var response = await _hub.PostInventoryAsync(new { eventId = $"count-{sku}", type = "overlay", occurredAt = _clock.GetUtcNow().AddHours(-1), sku, location = "E-A1", quantity });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private Task<HttpResponseMessage> ConfirmAsync(object confirmation, string instance = "east", string? key = null) =>
        _hub.PostAsync($"/api/wms/acme/{instance}/pick-confirmations", key ?? _hub.ApiKeys.AcmeEast, JsonSerializer.Serialize(confirmation));

    private object Event(string id, string type, string slip = "PS-1", object[]? lines = null, object[]? cartons = null, bool? unreserve = null, string? reasonCode = null) =>
        new { eventId = id, type, occurredAt = _clock.GetUtcNow(), pickSlipId = slip, lines, cartons, unreserve, reasonCode };

    private static object Line(int line, long quantity) => new { line, quantity, location = "E-A1" }; // east has two areas in DC1: say which

    private static object Carton(string tracking, params (int Line, long Quantity)[] contents) =>
        new { trackingNumber = tracking, carrier = "UPS", service = "GROUND", weight = 1.5, weightUnit = "kg", freight = 4.2, contents = contents.Select(c => new { line = c.Line, quantity = c.Quantity }) };

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

    private Task<PickSlipSnapshot?> SlipAsync(string slip = "PS-1") => Slips.GetAsync("acme", slip, Ct);

    private async Task<IReadOnlyList<WmsFunctions.Pipeline.FailedSyncs.FailedSyncEntity>> FailedSyncsAsync() =>
        await _hub.Services.GetRequiredService<WmsFunctions.Pipeline.FailedSyncs.FailedSyncStore>().QueryAsync(new WmsFunctions.Pipeline.FailedSyncs.FailedSyncQuery("acme", "east", "pickslips"), Ct);

    [Fact]
    public async Task FullPath_ProgressThenShipment_ShipsTheSlip_MovesStock_AndTellsTheOmsEachStep()
    {
        await StockAsync("100234", 20);
        await StockAsync("100235", 10);
        await SendSlipAsync("PS-1");
        foreach (var progress in new[] { "acknowledged", "picked", "packed" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await ConfirmAsync(Event("p-" + progress, progress))).StatusCode);
        }

        var shipped = await ConfirmAsync(Event("ship-1", "shipped", lines: [Line(1, 5), Line(2, 2)],
            cartons: [Carton("1Z001", (1, 5)), Carton("1Z002", (2, 2))]));

        Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        var answer = await JsonAsync(shipped);
        Assert.Equal(("applied", "shipped"), (answer.GetProperty("outcome").GetString(), answer.GetProperty("state").GetString()));
        var ledger = _hub.Services.GetRequiredService<StockLedger>();
        Assert.Equal(15, (await ledger.GetSnapshotAsync("acme", "DC1", "100234", Ct))!.OnHand);
        Assert.Equal(8, (await ledger.GetSnapshotAsync("acme", "DC1", "100235", Ct))!.OnHand);

        var events = (await _hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var slipEvents = events.Where(e => e.GetProperty("source").GetString() == "/tenants/acme/pickslips").ToList();
        string[] expected = ["com.wmsfunctions.pickslip.acknowledged", "com.wmsfunctions.pickslip.picked", "com.wmsfunctions.pickslip.packed", "com.wmsfunctions.pickslip.shipped"];
        Assert.Equal(expected.Order(), slipEvents.Select(e => e.GetProperty("type").GetString()).Order()); // the relay runs batches concurrently
        var final = slipEvents.Single(e => e.GetProperty("type").GetString() == "com.wmsfunctions.pickslip.shipped").GetProperty("data");
        Assert.Equal(["1Z001"], final.GetProperty("lines")[0].GetProperty("trackingNumbers").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["1Z002"], final.GetProperty("lines")[1].GetProperty("trackingNumbers").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task PartialShipments_SumToTheSlip_TrackingMerges()
    {
        await SendSlipAsync("PS-1");

        var first = await JsonAsync(await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 3)], cartons: [Carton("1Z001", (1, 3))])));
        var second = await JsonAsync(await ConfirmAsync(Event("s-2", "shipped", lines: [Line(1, 2), Line(2, 2)], cartons: [Carton("1Z002", (1, 2), (2, 2))])));

        Assert.Equal("partially-shipped", first.GetProperty("state").GetString());
        Assert.Equal("shipped", second.GetProperty("state").GetString());
        var slip = (await SlipAsync())!;
        Assert.Equal(["1Z001", "1Z002"], slip.TrackingNumbers);
        Assert.Equal([5L, 2L], slip.Lines.Select(l => l.Shipped));
    }

    [Fact]
    public async Task Reservations_FollowWhatTheSlipStillHolds_UntilItEnds()
    {
        var reservations = _hub.Services.GetRequiredService<StockReservations>();
        async Task<(long, long)> ReservedAsync() =>
            (await reservations.ReservedAsync("acme", "DC1", "100234", Ct), await reservations.ReservedAsync("acme", "DC1", "100235", Ct));

        await SendSlipAsync("PS-1");
        await SendSlipAsync("PS-2");
        var generated = await ReservedAsync();
        await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 3)]));
        var partly = await ReservedAsync();
        await ConfirmAsync(Event("b-1", "backordered", lines: [Line(1, 2)], reasonCode: "NOSTOCK"));
        await ConfirmAsync(Event("v-2", "voided", slip: "PS-2", unreserve: true));
        var afterPs2Void = await ReservedAsync();
        await ConfirmAsync(Event("s-2", "shipped", lines: [Line(2, 2)]));

        Assert.Equal((10L, 4L), generated);
        Assert.Equal((7L, 4L), partly);
        Assert.Equal((0L, 2L), afterPs2Void);
        Assert.Equal((0L, 0L), await ReservedAsync());
    }

    [Fact]
    public async Task OverShipment_IsAppliedAndFlagged()
    {
        await SendSlipAsync("PS-1");

        var answer = await JsonAsync(await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 6), Line(2, 2)])));

        Assert.Equal(("applied-and-flagged", "over-shipment"), (answer.GetProperty("outcome").GetString(), answer.GetProperty("flagReason").GetString()));
    }

    [Fact]
    public async Task VoidByOms_BeforeBatching_Voids_AfterBatching_IsFlaggedAndTheSlipStillShips()
    {
        await SendSlipAsync("PS-1");
        await SendSlipAsync("PS-2");
        var deadlines = new PickSlipDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));

        var before = await Slips.ApplyAsync("acme", "PS-1", "oms", "void-1", new SlipVoidedByOms(true, "cancelled"), deadlines, "t", Ct);
        await ConfirmAsync(Event("pick-2", "picked", slip: "PS-2"));
        var after = await Slips.ApplyAsync("acme", "PS-2", "oms", "void-2", new SlipVoidedByOms(false, "batched"), deadlines, "t", Ct);
        var shipped = await JsonAsync(await ConfirmAsync(Event("ship-2", "shipped", slip: "PS-2", lines: [Line(1, 5), Line(2, 2)])));

        Assert.Equal(PickSlipState.Voided, before.Slip!.State);
        Assert.Equal((PickSlipOutcome.Flagged, "void-refused-by-wms"), (after.Outcome, after.FlagReason));
        Assert.Equal("shipped", shipped.GetProperty("state").GetString());
    }

    [Fact]
    public async Task ShipmentAfterAWmsVoid_IsFlagged_NotApplied_StockUntouched()
    {
        await StockAsync("100234", 20);
        await SendSlipAsync("PS-1");
        var voided = await JsonAsync(await ConfirmAsync(Event("v-1", "voided", unreserve: true, reasonCode: "NOSTOCK")));

        var late = await JsonAsync(await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 5)], cartons: [Carton("1Z9", (1, 5))])));

        Assert.Equal("voided", voided.GetProperty("state").GetString());
        Assert.Equal(("flagged", "shipment-after-void"), (late.GetProperty("outcome").GetString(), late.GetProperty("flagReason").GetString()));
        Assert.Equal(20, (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", Ct))!.OnHand);
        Assert.Empty((await SlipAsync())!.TrackingNumbers);
        var flagged = Assert.Single(await FailedSyncsAsync());
        Assert.Equal(("shipment-after-void", "wms-to-oms", "pickslips", "PS-1"), (flagged.ReasonCode, flagged.Direction, flagged.Flow, flagged.EntityId));
        var voidEvent = (await _hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement)
            .Single(e => e.GetProperty("type").GetString() == "com.wmsfunctions.pickslip.voided");
        Assert.True(voidEvent.GetProperty("data").GetProperty("unreserve").GetBoolean());
    }

    [Fact]
    public async Task BackorderThenLaterShipment_ClosesTheSlip()
    {
        await SendSlipAsync("PS-1");

        await ConfirmAsync(Event("b-1", "backordered", lines: [Line(1, 2)], reasonCode: "NOSTOCK"));
        var shipped = await JsonAsync(await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 3), Line(2, 2)])));

        Assert.Equal("closed", shipped.GetProperty("state").GetString());
        var line = (await SlipAsync())!.Lines[0];
        Assert.Equal((3L, 2L, 0L), (line.Shipped, line.Backordered, line.Open));
    }

    [Fact]
    public async Task DuplicatesAndReordering_ShipBeforeAcknowledge_AreHarmless()
    {
        await StockAsync("100234", 20);
        await SendSlipAsync("PS-1");
        var ship = Event("s-1", "shipped", lines: [Line(1, 2)], cartons: [Carton("1Z1", (1, 2))]);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(await (await ConfirmAsync(ship)).Content.ReadAsStringAsync(Ct));
        }

        var lateAck = await JsonAsync(await ConfirmAsync(Event("ack-1", "acknowledged")));

        Assert.Single(answers.Distinct());
        Assert.Equal("ignored", lateAck.GetProperty("outcome").GetString());
        var slip = (await SlipAsync())!;
        Assert.Equal((PickSlipState.PartiallyShipped, 2L), (slip.State, slip.Lines[0].Shipped));
        Assert.Equal(18, (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", Ct))!.OnHand);
    }

    [Fact]
    public async Task ConcurrentConfirmations_OnOneSlip_AllApply()
    {
        await SendSlipAsync("PS-1");

        var responses = await Task.WhenAll(
            ConfirmAsync(Event("c-1", "shipped", lines: [Line(1, 1)])),
            ConfirmAsync(Event("c-2", "shipped", lines: [Line(1, 1)])),
            ConfirmAsync(Event("c-3", "shipped", lines: [Line(1, 3)])),
            ConfirmAsync(Event("c-4", "shipped", lines: [Line(2, 2)])),
            ConfirmAsync(Event("c-5", "packed")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var slip = (await SlipAsync())!;
        Assert.Equal((PickSlipState.Shipped, 5L, 2L), (slip.State, slip.Lines[0].Shipped, slip.Lines[1].Shipped));
        var history = await Slips.HistoryAsync("acme", "PS-1", Ct);
        Assert.Equal(Enumerable.Range(1, 7), history.Select(h => h.Sequence)); // generated, sent and five confirmations, in one order
    }

    [Fact]
    public async Task Deadlines_AnOverdueSlip_IsEscalatedExactlyOnce_WithAnAlert_AndTheOmsTold()
    {
        await SendSlipAsync("PS-1");
        await SendSlipAsync("PS-2");
        await ConfirmAsync(Event("ack-2", "acknowledged", slip: "PS-2"));
        _clock.Advance(TimeSpan.FromMinutes(31));

        var firstScan = await ScanAsync();
        var escalations = await _hub.Functions.DrainAsync("PickSlipEscalation", Ct);
        var secondScan = await ScanAsync();
        var none = await _hub.Functions.DrainAsync("PickSlipEscalation", Ct);

        Assert.Equal(1, firstScan); // PS-2 was acknowledged in time
        var escalation = Assert.Single(escalations);
        Assert.Equal(200, escalation.Status);
        var alert = JsonDocument.Parse(escalation.Sent.Single(s => s.Entity == _hub.AlertsTopic).Body).RootElement;
        Assert.Equal(("com.wmsfunctions.alert.pickslip-overdue", "PS-1"), (alert.GetProperty("type").GetString(), alert.GetProperty("subject").GetString()));
        Assert.Equal("acknowledgement", alert.GetProperty("data").GetProperty("missed").GetString());
        var status = JsonDocument.Parse(escalation.Sent.Single(s => s.Entity == _hub.Topic).Body).RootElement;
        Assert.Equal("com.wmsfunctions.pickslip.overdue", status.GetProperty("type").GetString());
        Assert.Equal(0, secondScan);
        Assert.Empty(none);
        var overdue = Assert.Single(await FailedSyncsAsync());
        Assert.Equal(("overdue-acknowledgement", "PS-1", "oms-to-wms"), (overdue.ReasonCode, overdue.EntityId, overdue.Direction));
        Assert.True((await SlipAsync())!.AcknowledgeEscalated);

        // The ship deadline of the same slip is its own incident, escalated once when it comes.
        _clock.Advance(TimeSpan.FromHours(24));
        Assert.Equal(2, await ScanAsync()); // PS-1 and PS-2 both missed shipping
        var shipEscalations = await _hub.Functions.DrainAsync("PickSlipEscalation", Ct);
        Assert.Equal(2, shipEscalations.Count(e => e.Sent.Any(s => s.Entity == _hub.AlertsTopic)));
    }

    [Fact]
    public async Task Escalation_CheckDeliveredTwice_EscalatesOnce_AndRepeatsTheSameMessages()
    {
        await SendSlipAsync("PS-1");
        _clock.Advance(TimeSpan.FromMinutes(31));
        var watch = _hub.Services.GetRequiredService<PickSlipDeadlineWatch>();
        var slip = (await SlipAsync())!;
        var check = new EscalationCheck("acme", "PS-1", DeadlineKind.Acknowledge, slip.AcknowledgeDueAt!.Value);

        var first = await watch.EscalateAsync(check, Ct);
        var again = await watch.EscalateAsync(check, Ct);

        Assert.NotNull(first.Alert);
        Assert.Equal(first, again);
        Assert.Single(await Slips.HistoryAsync("acme", "PS-1", Ct), h => h.Event == nameof(DeadlineMissed));
    }

    [Fact]
    public async Task Deadline_NotYetDue_IsNotEscalated()
    {
        await SendSlipAsync("PS-1");
        _clock.Advance(TimeSpan.FromMinutes(29));

        Assert.Equal(0, await ScanAsync());
    }

    [Fact]
    public async Task RestartSafety_ANewProcess_ContinuesFromTheStoredState()
    {
        await SendSlipAsync("PS-1");
        await ConfirmAsync(Event("s-1", "shipped", lines: [Line(1, 3)]));

        await using var restarted = await HubTestHost.StartAsync(azurite, _clock, sameStorageAs: _hub);
        var response = await restarted.PostAsync("/api/wms/acme/east/pick-confirmations", restarted.ApiKeys.AcmeEast,
            JsonSerializer.Serialize(Event("s-2", "shipped", lines: [Line(1, 2), Line(2, 2)])));
        var replay = await restarted.PostAsync("/api/wms/acme/east/pick-confirmations", restarted.ApiKeys.AcmeEast,
            JsonSerializer.Serialize(Event("s-1", "shipped", lines: [Line(1, 3)])));

        Assert.Equal("shipped", (await JsonAsync(response)).GetProperty("state").GetString());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        var slip = (await restarted.Services.GetRequiredService<PickSlipOrchestrator>().GetAsync("acme", "PS-1", Ct))!;
        Assert.Equal([5L, 2L], slip.Lines.Select(l => l.Shipped));
    }

    [Fact]
    public async Task Confirmation_ForASlipOfAnotherInstance_Is403_ForAnUnknownSlip_Is503RetryLater_NothingWritten()
    {
        await SendSlipAsync("PS-1", instance: "store-12");

        var notYours = await ConfirmAsync(Event("x-1", "packed"));
        var unknown = await ConfirmAsync(Event("x-2", "packed", slip: "PS-NEW"));

        Assert.Equal(HttpStatusCode.Forbidden, notYours.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:pick-slip-not-yours", (await JsonAsync(notYours)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unknown.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(PickConfirmationFlow.UnknownSlipRetryAfterSeconds), unknown.Headers.RetryAfter!.Delta);
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Equal(2, (await Slips.HistoryAsync("acme", "PS-1", Ct)).Count);
    }

    [Theory]
    [InlineData("""{"eventId":"e","type":"shipped","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1","lines":[{"line":1,"quantity":1}],"cartons":[{"sscc":"106141411234567898"}]}""", "cartons[0].sscc")]
    [InlineData("""{"eventId":"e","type":"shipped","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1","lines":[{"line":1,"quantity":2}],"cartons":[{"trackingNumber":"1Z","contents":[{"line":1,"quantity":1}]}]}""", "cartons")]
    [InlineData("""{"eventId":"e","type":"voided","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1"}""", "unreserve")]
    [InlineData("""{"eventId":"e","type":"backordered","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1","lines":[{"line":1,"quantity":1}]}""", "reasonCode")]
    [InlineData("""{"eventId":"e","type":"shipped","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1","lines":[{"line":1,"quantity":1,"location":"E-QA"}]}""", "lines[0].location")]
    [InlineData("""{"eventId":"e","type":"delivered","occurredAt":"2026-01-01T00:00:00Z","pickSlipId":"PS-1"}""", "type")]
    public async Task InvalidConfirmation_Is400_NamingTheField_AndChangesNothing(string body, string field)
    {
        await SendSlipAsync("PS-1");

        var response = await _hub.PostAsync("/api/wms/acme/east/pick-confirmations", _hub.ApiKeys.AcmeEast, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _), $"no error for {field}");
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Equal(2, (await Slips.HistoryAsync("acme", "PS-1", Ct)).Count);
    }

    [Fact]
    public async Task OperatorView_OneSlipWithHistory_AndSlipsByStateAndAge_KeyRequired()
    {
        await SendSlipAsync("PS-1");
        await SendSlipAsync("PS-2");
        _clock.Advance(TimeSpan.FromMinutes(20));
        await SendSlipAsync("PS-3");
        await ConfirmAsync(Event("p-1", "picked"));

        var anonymous = await _hub.Http.GetAsync("/api/ops/acme/pick-slips/PS-1", Ct);
        using var one = new HttpRequestMessage(HttpMethod.Get, "/api/ops/acme/pick-slips/PS-1");
        one.Headers.Add("X-Operator-Key", _hub.ApiKeys.Operator);
        var slip = await JsonAsync(await _hub.Http.SendAsync(one, Ct));
        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/ops/acme/pick-slips?state=sent-to-wms&minAgeMinutes=10");
        list.Headers.Add("X-Operator-Key", _hub.ApiKeys.Operator);
        var listed = await JsonAsync(await _hub.Http.SendAsync(list, Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("picked", slip.GetProperty("slip").GetProperty("state").GetString());
        Assert.Equal(["SlipGenerated", "SlipSent", "WmsProgress"], slip.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("event").GetString()));
        Assert.Equal(["PS-2"], listed.GetProperty("slips").EnumerateArray().Select(s => s.GetProperty("slip").GetProperty("pickSlipId").GetString()));
    }

    private async Task<int> ScanAsync()
    {
        var payload = HostPayloads.TimerTrigger("timer", "PickSlipDeadlineScan", null, _clock.GetUtcNow().UtcDateTime.AddMinutes(1), false, _clock.GetUtcNow().UtcDateTime);
        var (status, body) = await _hub.Functions.InvokeAsync("PickSlipDeadlineScan", payload, Ct);
        Assert.Equal(200, status);
        var log = JsonDocument.Parse(body).RootElement.GetProperty("Logs")[0].GetString()!;
        return int.Parse(log.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
