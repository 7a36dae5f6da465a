using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Gs1;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Edi;

/// <summary>
/// A 3PL speaking only X12, configured as a WMS instance (acme/tpl), every flow that applies to it end to end:
/// the OMS's pick slips and purchase orders reach it as 940 and 943 over HTTP; its 997, 945, 944, 846 and 947 come
/// back through the signed x12 webhook and go through the same inbox, stock ledger, outbox and CloudEvents as JSON.
/// </summary>
public sealed class X12EndToEndTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly X12ItemId RedGtin = X12ItemId.Gtin(Gtin(ThirdPartyWarehouse.Upc));
    private static readonly X12ItemId Blue = new("SK", "100235");
    private static readonly string Sscc = Gs1Identifiers.WithCheckDigit("00614141123456789");
    private static readonly X12Party Warehouse = new("WH", "TPL DC", "UL", ThirdPartyWarehouse.Gln);

    private ThirdPartyWarehouse _tpl = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    public async ValueTask InitializeAsync() => _tpl = await ThirdPartyWarehouse.StartAsync(azurite);

    public ValueTask DisposeAsync() => _tpl.DisposeAsync();

    private PickSlipOrchestrator Slips => _tpl.Hub.Services.GetRequiredService<PickSlipOrchestrator>();

    private static Gs1Identifier Gtin(string text) => Gs1Identifiers.TryParseGtin(text, out var gtin, out _) ? gtin : throw new ArgumentException(text);

    private static object Slip(string id) => new
    {
        pickSlipId = id,
        orderId = "O-" + id,
        version = 1,
        warehouse = "DC1",
        reprint = false,
        carrier = "UPS",
        service = "GROUND",
        shipTo = new { name = "Jane Doe", address = new { line1 = "1 Main St", city = "Springfield", region = "IL", postalCode = "62701", country = "US" } },
        lines = new object[]
        {
            new { lineNumber = 1, sku = "100234", quantity = 3, unitOfMeasure = "EA" },
            new { lineNumber = 2, sku = "100235", quantity = 1, unitOfMeasure = "EA" },
            new { lineNumber = 3, sku = "100235", quantity = 5, unitOfMeasure = "EA", backordered = true },
        },
    };

    private static FunctionalGroupAcknowledged Ack(X12ReceivedGroup group, bool accept) => new(
        group.Header.FunctionalId,
        group.Header.ControlNumber,
        [accept
            ? new SetAcknowledgment(group.Documents[0].SetId, group.Documents[0].ControlNumber, [], X12AcknowledgmentCode.Accepted, [])
            : new SetAcknowledgment(group.Documents[0].SetId, group.Documents[0].ControlNumber,
                [new SegmentNote("W01", 7, null, "8", [new ElementNote(2, null, 355, "7", "EA")])], X12AcknowledgmentCode.Rejected, ["5"])],
        accept ? X12AcknowledgmentCode.Accepted : X12AcknowledgmentCode.Rejected, 1, 1, accept ? 1 : 0, []);

    private static InventoryAdjusted Adjustment(string number, params AdjustmentLine[] lines) =>
        new(Today, number, number, [Warehouse], [], [], lines.ToValueList());

    private static AdjustmentLine Line(string reason, decimal quantity, X12ItemId item) => new(reason, quantity, "EA", item, null, null, []);

    private async Task<X12Interchange> PostAndReadAckAsync(string interchange)
    {
        var response = await _tpl.PostAsync(interchange);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Equal("application/edi-x12", response.Content.Headers.ContentType?.MediaType);
        return _tpl.Read(body);
    }

    [Fact]
    public async Task PickSlip_IsA940AtThePartner_Its997AcknowledgesIt_Its945ShipsIt()
    {
        Assert.Equal(200, (await _tpl.OmsSendsAsync("PickSlipOut", "pick-slip.generated", "ps-x1", Slip("PS-X1"))).Status);

        var request = Assert.Single(_tpl.Received);
        Assert.Equal("application/edi-x12", request.Header("Content-Type"));
        Assert.StartsWith("ISA|00|", request.Text, StringComparison.Ordinal);
        Assert.Contains("!\nGS|OW|", request.Text, StringComparison.Ordinal); // the partner's delimiters and line break
        var sent = _tpl.Read(request.Text);
        var order = Assert.IsType<ShipmentOrdered>(Assert.Single(sent.Documents).Document);
        Assert.Equal(("N", "PS-X1", "O-PS-X1"), (order.OrderStatus, order.DepositorOrderNumber, order.PurchaseOrderNumber));
        Assert.Equal(["1:3:EA:UK:" + RedGtin.Value, "2:1:EA:SK:100235"], order.Lines.Select(l => $"{l.Number}:{l.Quantity}:{l.Unit}:{l.Item.Qualifier}:{l.Item.Value}"));
        Assert.Contains(order.Parties, p => p is { EntityCode: "WH", IdQualifier: "UL" } && p.Id == ThirdPartyWarehouse.Gln);
        Assert.Equal(("UPSN", "GROUND"), (order.Carrier!.Scac, order.Carrier.Routing));
        await _tpl.HandOffAsync();
        Assert.Equal(PickSlipState.SentToWms, (await Slips.GetAsync("acme", "PS-X1", Ct))!.State);

        var ack = await _tpl.PostAsync((await _tpl.WriteAsync(Ack(sent.Groups[0], accept: true))).Text);
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        Assert.Equal("", await ack.Content.ReadAsStringAsync(Ct)); // a 997 is not acknowledged
        Assert.Equal(PickSlipState.Acknowledged, (await Slips.GetAsync("acme", "PS-X1", Ct))!.State);
        var logged = Assert.Single(await _tpl.Hub.RowsAsync(HubTable.X12Interchanges));
        Assert.Equal((nameof(X12InterchangeStatus.Accepted), "PS-X1", "pick-slips"), (logged.GetString("Status"), logged.GetString("EntityId"), logged.GetString("Flow")));

        var advice = new OrderShipped("F", "PS-X1", Today, "SHP-1", null, [new X12Party("SF", "TPL DC", "UL", ThirdPartyWarehouse.Gln)], [], [],
            new X12Carrier("U", "UPSN"),
            [
                new ShippedPack(1, Sscc, "1ZTPL0001", [new ShippedLine("CC", 3, 2, null, "EA", RedGtin, null, [new X12Reference("LI", "1")])]),
                new ShippedPack(2, null, "1ZTPL0002",
                [
                    new ShippedLine("CC", 3, 1, null, "EA", RedGtin, null, [new X12Reference("LI", "1")]),
                    new ShippedLine("CC", 1, 1, null, "EA", Blue, null, [new X12Reference("LI", "2")]),
                ]),
            ], new X12Weight(4.5m, "LB"));
        var acknowledgment = await PostAndReadAckAsync((await _tpl.WriteAsync(advice)).Text);

        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single(acknowledgment.Documents).Document);
        Assert.Equal(("SW", X12AcknowledgmentCode.Accepted, X12AcknowledgmentCode.Accepted), (verdict.FunctionalId, verdict.Code, verdict.Sets.Single().Code));
        var slip = (await Slips.GetAsync("acme", "PS-X1", Ct))!;
        Assert.Equal(PickSlipState.Shipped, slip.State);
        Assert.Equal([Sscc], slip.Cartons.Select(c => c.Sscc).OfType<string>());
        var published = await _tpl.PublishedAsync();
        var shipped = Assert.Single(published, e => e.GetProperty("type").GetString() == "com.wmsfunctions.pickslip.shipped");
        Assert.Equal(["1ZTPL0001", "1ZTPL0002"], shipped.GetProperty("data").GetProperty("lines")[0].GetProperty("trackingNumbers").EnumerateArray().Select(t => t.GetString()).Order());
        Assert.Equal(-3, await _tpl.OnHandAsync("100234"));
    }

    [Fact]
    public async Task Rejected997_ForOur940_IsAFailedSync_WithThePartnersCodesAndPositions()
    {
        await _tpl.OmsSendsAsync("PickSlipOut", "pick-slip.generated", "ps-x2", Slip("PS-X2"));
        var sent = _tpl.Read(Assert.Single(_tpl.Received).Text);

        var answer = await _tpl.PostAsync((await _tpl.WriteAsync(Ack(sent.Groups[0], accept: false))).Text);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var failed = Assert.Single(await _tpl.FailedSyncsAsync("pick-slips"));
        Assert.Equal(("x12-rejected", "PS-X2", "oms-to-wms"), (failed.ReasonCode, failed.EntityId, failed.Direction));
        Assert.Contains("AK5 R codes 5", failed.Detail, StringComparison.Ordinal);
        Assert.Contains("segment W01 at position 7 error 8, element 2 error 7 ('EA')", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(nameof(X12InterchangeStatus.Rejected), Assert.Single(await _tpl.Hub.RowsAsync(HubTable.X12Interchanges)).GetString("Status"));
    }

    [Fact]
    public async Task Rejected997_ReplayedAfterTheFix_SendsA940Again_WithNewControlNumbers_Once()
    {
        await _tpl.OmsSendsAsync("PickSlipOut", "pick-slip.generated", "ps-x9", Slip("PS-X9"));
        var sent = _tpl.Read(Assert.Single(_tpl.Received).Text);
        await _tpl.PostAsync((await _tpl.WriteAsync(Ack(sent.Groups[0], accept: false))).Text);
        var id = Assert.Single(await OperatorCalls.FailedSyncsAsync(_tpl.Hub, "?flow=pick-slips&instance=tpl")).GetProperty("id").GetString()!;

        var replay = await OperatorCalls.PostAsync(_tpl.Hub, $"/api/ops/acme/failed-syncs/{id}/replay", new { reason = "partner fixed its item master" });
        var again = await OperatorCalls.PostAsync(_tpl.Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("replayed", (await OperatorCalls.JsonAsync(replay)).GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(2, _tpl.Received.Count); // the original and exactly one replay
        var resent = _tpl.Read(_tpl.Received[1].Text);
        Assert.Equal("PS-X9", Assert.IsType<ShipmentOrdered>(Assert.Single(resent.Documents).Document).DepositorOrderNumber);
        Assert.NotEqual(sent.Header.ControlNumber, resent.Header.ControlNumber);
        Assert.NotEqual(sent.Groups[0].Header.ControlNumber, resent.Groups[0].Header.ControlNumber);
    }

    [Fact]
    public async Task RejectedSet_ReplayedAfterTheItemExists_AppliesThatSetOnly_Once()
    {
        var unknown = new X12ItemId("SK", "NEW-9");
        var interchange = (await _tpl.WriteAsync(Adjustment("ADJ-R1", Line("AU", 3, Blue)), Adjustment("ADJ-R2", Line("AU", 4, unknown)))).Text;
        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync(interchange)).Documents).Document);
        Assert.Equal([X12AcknowledgmentCode.Accepted, X12AcknowledgmentCode.Rejected], verdict.Sets.Select(s => s.Code));
        var failed = Assert.Single(await OperatorCalls.FailedSyncsAsync(_tpl.Hub, "?flow=x12"));
        Assert.Equal("unknown-sku", failed.GetProperty("reasonCode").GetString());
        var id = failed.GetProperty("id").GetString()!;
        Assert.Single(await _tpl.PublishedAsync());

        var early = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(_tpl.Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null));
        Assert.Equal(("failed-again", "unknown-sku"), (early.GetProperty("outcome").GetString(), early.GetProperty("reasonCode").GetString()));

        await _tpl.Hub.SeedItemsAsync("acme", "NEW-9"); // the fix: the item arrives
        var replay = await OperatorCalls.JsonAsync(await OperatorCalls.PostAsync(_tpl.Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null));
        var again = await OperatorCalls.PostAsync(_tpl.Hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);

        Assert.Equal("replayed", replay.GetProperty("outcome").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal((3L, 4L), (await _tpl.OnHandAsync("100235"), await _tpl.OnHandAsync("NEW-9"))); // the good set not applied twice
        Assert.Single(await _tpl.PublishedAsync());
        Assert.Empty(await OperatorCalls.FailedSyncsAsync(_tpl.Hub, "?flow=x12"));
    }

    [Fact]
    public async Task PurchaseOrder_IsA943_ReturnAuthorizationToo_The944ReceiptBooksStock()
    {
        await _tpl.OmsSendsAsync("PurchaseOrderOut", "purchase-order.created", "po-x1", new
        {
            poNumber = "PO-X1", version = 1, vendorId = "V-77", warehouse = "DC1", expectedDate = "2026-12-01",
            lines = new object[] { new { lineNumber = 1, sku = "100234", quantity = 6, unitOfMeasure = "EA" }, new { lineNumber = 2, sku = "100235", quantity = 4, unitOfMeasure = "EA" } },
        });
        await _tpl.OmsSendsAsync("ReturnAuthorizationOut", "return-authorization.created", "ra-x1", new
        {
            raNumber = "RA-X1", orderId = "O-9", version = 1, warehouse = "DC1",
            lines = new[] { new { lineNumber = 1, sku = "100235", quantity = 1, unitOfMeasure = "EA" } },
        });

        var advices = _tpl.Received.Select(r => Assert.IsType<TransferShipped>(Assert.Single(_tpl.Read(r.Text).Documents).Document)).ToList();
        Assert.Equal(["PO-X1:PO-X1:V-77:6 UK,4 SK", "RA-X1:O-9::1 SK"], advices.Select(a =>
            $"{a.DepositorOrderNumber}:{a.PurchaseOrderNumber}:{a.Parties.FirstOrDefault(p => p.EntityCode == "VN")?.Id}:{string.Join(",", a.Lines.Select(l => $"{l.Quantity} {l.Item.Qualifier}"))}"));
        Assert.Equal(new DateOnly(2026, 12, 1), advices[0].ShipDate);

        var receipt = new TransferReceived("F", Today, "RCV-1", "PO-X1", null, [Warehouse], [], [],
            [new ReceivedLine(4, "EA", Blue), new ReceivedLine(5, "EA", RedGtin)]);
        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync((await _tpl.WriteAsync(receipt)).Text)).Documents).Document);

        Assert.Equal(X12AcknowledgmentCode.Accepted, verdict.Code);
        Assert.Equal((4L, 5L), (await _tpl.OnHandAsync("100235"), await _tpl.OnHandAsync("100234")));
        var received = (await _tpl.PublishedAsync()).Where(e => e.GetProperty("type").GetString() == "com.wmsfunctions.purchase-order.received").ToList();
        Assert.Equal(["2:4", "1:5"], received.Select(e => $"{e.GetProperty("data").GetProperty("line").GetProperty("lineNumber")}:{e.GetProperty("data").GetProperty("line").GetProperty("quantity")}"));
    }

    [Fact]
    public async Task Inventory846_Overlays_Then947AdjustsWithTheMappedReason()
    {
        var count = new InventoryReported("00", "MM", "INV-1", Today, null, [], [Warehouse],
        [
            new InventoryItem("1", Blue, [], new X12Reference("LO", "TPL-1"), [new InventoryQuantity("33", 20, "EA"), new InventoryQuantity("17", 25, "EA")]),
            new InventoryItem("2", RedGtin, [], null, [new InventoryQuantity("17", 7, "EA")]),
        ]);
        Assert.Equal(X12AcknowledgmentCode.Accepted, Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync((await _tpl.WriteAsync(count)).Text)).Documents).Document).Code);
        Assert.Equal((25L, 7L), (await _tpl.OnHandAsync("100235"), await _tpl.OnHandAsync("100234")));

        await PostAndReadAckAsync((await _tpl.WriteAsync(Adjustment("ADJ-1", Line("AU", -2, Blue)))).Text);

        Assert.Equal(23, await _tpl.OnHandAsync("100235"));
        var adjusted = Assert.Single(await _tpl.PublishedAsync(), e => e.GetProperty("type").GetString() == "com.wmsfunctions.inventory.adjusted");
        Assert.Equal(("DMG", "ADJ-1"), (adjusted.GetProperty("data").GetProperty("reasonCode").GetString(), adjusted.GetProperty("data").GetProperty("reference").GetString()));
    }

    [Fact]
    public async Task Adjustment947_WithAnUnmappedReason_IsRefused_The997RejectsIt_AFailedSyncRecordsIt_NothingApplied()
    {
        var interchange = (await _tpl.WriteAsync(Adjustment("ADJ-2", Line("07", 1, Blue), Line("ZZ", -1, Blue)))).Text;

        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync(interchange)).Documents).Document);

        Assert.Equal(X12AcknowledgmentCode.Rejected, verdict.Code);
        var set = Assert.Single(verdict.Sets);
        Assert.Equal((X12AcknowledgmentCode.Rejected, "5"), (set.Code, Assert.Single(set.Errors)));
        var note = Assert.Single(set.Segments);
        Assert.Equal(("W19", 5, "8"), (note.SegmentId, note.Position, note.Error)); // ST, W15, N1, W19, W19: the second W19
        Assert.Equal((1, "7", "ZZ"), (note.Elements.Single().Position, note.Elements.Single().Error, note.Elements.Single().BadValue));
        Assert.Null(await _tpl.OnHandAsync("100235")); // not even the first, mapped line
        var failed = Assert.Single(await _tpl.FailedSyncsAsync("x12"));
        Assert.Equal(("unmapped-reason-code", "wms-to-oms"), (failed.ReasonCode, failed.Direction));
        Assert.Contains("'ZZ'", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameInterchangeTwice_IsAppliedOnce()
    {
        var interchange = (await _tpl.WriteAsync(Adjustment("ADJ-3", Line("AU", 4, Blue), Line("07", 2, RedGtin)))).Text;

        await PostAndReadAckAsync(interchange);
        var again = await PostAndReadAckAsync(interchange); // re-sent by the 3PL: a new webhook id, the same ISA13

        Assert.Equal(X12AcknowledgmentCode.Accepted, Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single(again.Documents).Document).Code);
        Assert.Equal((4L, 2L), (await _tpl.OnHandAsync("100235"), await _tpl.OnHandAsync("100234")));
        Assert.Equal(2, (await _tpl.PublishedAsync()).Count);
    }

    [Fact]
    public async Task OneBadSetAmongGoodOnes_TheGoodAreApplied_TheBadIsNot_The997SaysWhichAndWhere()
    {
        var text = (await _tpl.WriteAsync(Adjustment("ADJ-4", Line("AU", 3, Blue)), Adjustment("ADJ-5", Line("AU", 5, RedGtin)))).Text;
        var bad = text.Replace("W19*AU*5*EA*", "W19*AU*5*EACH*", StringComparison.Ordinal); // unit of 4 characters in the second set
        Assert.NotEqual(text, bad);

        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync(bad)).Documents).Document);

        Assert.Equal((X12AcknowledgmentCode.PartiallyAccepted, 2, 1), (verdict.Code, verdict.SetsReceived, verdict.SetsAccepted));
        Assert.Equal([X12AcknowledgmentCode.Accepted, X12AcknowledgmentCode.Rejected], verdict.Sets.Select(s => s.Code));
        var note = Assert.Single(verdict.Sets[1].Segments);
        Assert.Equal(("W19", 4, 3, "5"), (note.SegmentId, note.Position, note.Elements.Single().Position, note.Elements.Single().Error));
        Assert.Equal((3L, (long?)null), (await _tpl.OnHandAsync("100235"), await _tpl.OnHandAsync("100234")));
    }

    [Fact]
    public async Task AnInterchangeWithUnusualDelimiters_IsReadByWhatItsIsaDeclares()
    {
        var writer = new X12Writer(_tpl.Own with { Delimiters = new X12Delimiters('^', '\\', '\'', LineBreak: "\r\n") }, TimeProvider.System, new InMemoryControlNumbers(9000));
        var text = (await writer.WriteAsync([Adjustment("ADJ-8", Line("07", 6, Blue))], Ct)).Text;
        Assert.StartsWith("ISA^00^", text, StringComparison.Ordinal);

        var verdict = Assert.IsType<FunctionalGroupAcknowledged>(Assert.Single((await PostAndReadAckAsync(text)).Documents).Document);

        Assert.Equal(X12AcknowledgmentCode.Accepted, verdict.Code);
        Assert.Equal(6, await _tpl.OnHandAsync("100235"));
    }

    public static TheoryData<string, string, string> BrokenEnvelopes => new()
    {
        { "wrong IEA control number", "IEA", "InterchangeControlNumberMismatch" },
        { "wrong group count", "IEA", "GroupCountMismatch" },
        { "truncated", "IEA", "InterchangeTrailerMissing" },
    };

    [Theory]
    [MemberData(nameof(BrokenEnvelopes))]
    public async Task ABrokenEnvelope_Is400WithThePosition_AndNothingIsApplied(string breakage, string segment, string code)
    {
        var written = await _tpl.WriteAsync(Adjustment("ADJ-6", Line("AU", 2, Blue)));
        var iea = written.Text.LastIndexOf("IEA*", StringComparison.Ordinal);
        var text = breakage switch
        {
            "wrong IEA control number" => written.Text[..iea] + "IEA*1*000000001~",
            "wrong group count" => written.Text[..iea] + $"IEA*2*{written.InterchangeControlNumber:D9}~",
            _ => written.Text[..iea],
        };

        var response = await _tpl.PostAsync(text);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("urn:wmsfunctions:problem:invalid-interchange", problem.RootElement.GetProperty("type").GetString());
        Assert.StartsWith(segment + " (#", problem.RootElement.GetProperty("errors").GetProperty("segment")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(code, problem.RootElement.GetProperty("errors").GetProperty("code")[0].GetString());
        Assert.Null(await _tpl.OnHandAsync("100235"));
        Assert.Equal(0, await _tpl.InboxRowsAsync());
    }

    [Fact]
    public async Task A997ForAGroupTheHubNeverSent_Is422_AndChangesNothing()
    {
        var stray = new FunctionalGroupAcknowledged("OW", 424242, [new SetAcknowledgment("940", "0001", [], X12AcknowledgmentCode.Accepted, [])], X12AcknowledgmentCode.Accepted, 1, 1, 1, []);

        var response = await _tpl.PostAsync((await _tpl.WriteAsync(stray)).Text);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("unknown-control-number", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Empty(await _tpl.Hub.RowsAsync(HubTable.X12Interchanges));
    }

    [Fact]
    public async Task AnUnsignedOrJsonTypedInterchange_IsRefused()
    {
        var text = (await _tpl.WriteAsync(Adjustment("ADJ-7", Line("AU", 1, Blue)))).Text;

        var json = await _tpl.PostAsync(text, contentType: "application/json");
        var unsigned = await _tpl.Hub.PostAsync(ThirdPartyWarehouse.Webhook, text, [], "application/edi-x12");

        Assert.Equal((HttpStatusCode.UnsupportedMediaType, HttpStatusCode.Unauthorized), (json.StatusCode, unsigned.StatusCode));
        Assert.Null(await _tpl.OnHandAsync("100235"));
    }

    [Fact]
    public async Task ControlNumbers_AreNeverHandedOutTwice_UnderConcurrentSenders()
    {
        var storage = _tpl.Hub.Services.GetRequiredService<HubStorage>();
        var senders = new[] { new TableControlNumbers(storage), new TableControlNumbers(storage) }; // as two processes would
        var blocks = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            senders[i % 2].ReserveAsync("acme/race", X12ControlNumberKind.Interchange, 1 + (i % 3), Ct).AsTask().ContinueWith(t => (Start: t.Result, Count: 1 + (i % 3)), Ct)));

        var numbers = blocks.SelectMany(b => Enumerable.Range(b.Start, b.Count)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, numbers.Count), numbers.Order());

        await Task.WhenAll(
            _tpl.OmsSendsAsync("PickSlipOut", "pick-slip.generated", "ps-c1", Slip("PS-C1")),
            _tpl.OmsSendsAsync("PurchaseOrderOut", "purchase-order.created", "po-c1", new
            {
                poNumber = "PO-C1", version = 1, warehouse = "DC1",
                lines = new[] { new { lineNumber = 1, sku = "100234", quantity = 1, unitOfMeasure = "EA" } },
            }));
        var sent = _tpl.Received.Select(r => X12Reader.ReadHeader(r.Text).ControlNumber).ToList();
        Assert.Equal(2, sent.Distinct().Count());
    }
}
