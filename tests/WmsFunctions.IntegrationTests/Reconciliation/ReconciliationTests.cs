using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;
using static WmsFunctions.IntegrationTests.Reconciliation.ReconciliationHub;

namespace WmsFunctions.IntegrationTests.Reconciliation;

/// <summary>
/// Reconciliation end to end: an operator starts a run, the host's queue trigger runs it against a WMS on loopback
/// that pages its stock, the report is read back through the operator API, Table Storage is Azurite.
/// </summary>
public sealed class ReconciliationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset LongAgo = DateTimeOffset.UtcNow.AddDays(-1);

    [Fact]
    public async Task Run_PagesThroughA429_FlagsDrift_ReportsEveryKind_AndChangesNothingWithoutTrust()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite);
        await r.CountAsync("DC1", "E-A1", "A-1", 10, LongAgo);
        await r.CountAsync("DC1", "E-A1", "B-2", 5, LongAgo);
        await r.CountAsync("DC1", "E-A1", "H-8", 4, LongAgo); // the WMS no longer has it
        await r.CountAsync("DC1-QA", "E-QA", "Q-5", 2, LongAgo);
        await r.CountAsync("DC1", "E-A2", "100234", 7, LongAgo); // the WMS calls it WMS-RED
        r.Wms.Stock =
        [
            new("EAST", "A-1", "E-A1", 10),
            new("EAST", "B-2", "E-A1", 3),
            new("EAST", "Q-5", "E-QA", 2),
            new("EAST", "W-9", "E-A1", 6),
            new("EAST", "WMS-RED", "E-A2", 7),
            new("EAST", "X-1", "ZZ-9", 5), // a location nobody maps
            new("EAST", "Y-1", "S12", 1), // store-12's location
            new("OTHER", "Z-1", "E-A1", 99), // another facility: never asked for
        ];
        r.Wms.Faults[2] = (429, 1); // the second page first answers 429, Retry-After: 1 s

        var report = await r.ReconcileAsync();

        var run = report.GetProperty("run");
        Assert.Equal(("completed", 4L), (run.GetProperty("status").GetString(), Count(report, "pages")));
        Assert.Equal(
            (6L, 3L, 3L, 3L, 0L, 2L, 1L, 1L),
            (Count(report, "compared"), Count(report, "equal"), Count(report, "different"), Count(report, "flagged"), Count(report, "corrected"),
                Count(report, "unmapped"), Count(report, "onlyInWms"), Count(report, "onlyInHub")));
        var drift = Row(report, "B-2");
        Assert.Equal(("different", "DC1", "east:E-A1", 5L, 3L, -2L, true, false),
            (drift.GetProperty("kind").GetString(), drift.GetProperty("warehouse").GetString(), drift.GetProperty("area").GetString(),
                drift.GetProperty("hubOnHand").GetInt64(), drift.GetProperty("wmsOnHand").GetInt64(), drift.GetProperty("difference").GetInt64(),
                drift.GetProperty("flagged").GetBoolean(), drift.GetProperty("corrected").GetBoolean()));
        Assert.Equal(5, drift.GetProperty("movements")[0].GetProperty("onHandAfter").GetInt64()); // the last movement explains the hub's figure
        Assert.Equal(("only-in-wms", 6L), (Row(report, "W-9").GetProperty("kind").GetString(), Row(report, "W-9").GetProperty("difference").GetInt64()));
        Assert.Equal(("only-in-hub", -4L), (Row(report, "H-8").GetProperty("kind").GetString(), Row(report, "H-8").GetProperty("difference").GetInt64()));
        var unmapped = report.GetProperty("rows").EnumerateArray().Where(x => x.GetProperty("kind").GetString() == "unmapped")
            .Select(x => $"{x.GetProperty("wmsSku").GetString()}@{x.GetProperty("wmsLocation").GetString()}:{x.GetProperty("reason").GetString()}").Order();
        Assert.Equal(["X-1@ZZ-9:unknown-location", "Y-1@S12:location-of-another-instance"], unmapped);
        Assert.Equal("not-configured", run.GetProperty("omsFigures").GetString());

        var stockRequests = r.Wms.Requests.Where(q => q.StartsWith("GET /wms/v1/stock", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, stockRequests.Count); // 4 pages + the one answered 429
        Assert.Equal(stockRequests[1], stockRequests[2]); // the same page asked again after the 429
        Assert.All(stockRequests, q => Assert.Contains("warehouse=EAST&limit=2", q, StringComparison.Ordinal));
        Assert.Equal(5, await r.AreaAsync("DC1", "E-A1", "B-2")); // TrustWms is off: reported, not corrected
        Assert.Equal(3, (await r.AuditAsync("flagged")).Count);
        Assert.Equal(0, await r.Hub.OutboxMessagesAsync());

        var latest = (await r.Hub.RowsAsync(HubTable.ReconciliationRuns)).Single(x => x.RowKey == "latest|east");
        Assert.Equal(("acme", run.GetProperty("runId").GetString(), 6L, 3L, 0L),
            (latest.PartitionKey, latest.GetString("RunId"), latest.GetInt64("Compared"), latest.GetInt64("Flagged"), latest.GetInt64("Corrected")));
        Assert.NotNull(latest.GetDateTimeOffset("FinishedAt"));
    }

    [Fact]
    public async Task Run_AgainstAGenericXmlWms_PagesItsInventoryMessages_AndFlagsTheDrift()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite, values => values["Hub:Tenants:acme:Instances:east:Adapter"] = "generic-xml");
        await r.CountAsync("DC1", "E-A1", "A-1", 10, LongAgo);
        await r.CountAsync("DC1", "E-A1", "B-2", 5, LongAgo);
        await r.CountAsync("DC1", "E-A2", "C-3", 1, LongAgo);
        r.Wms.Stock = [new("EAST", "A-1", "E-A1", 10), new("EAST", "B-2", "E-A1", 8), new("EAST", "C-3", "E-A2", 1)];
        r.Wms.Faults[1] = (429, 1);

        var report = await r.ReconcileAsync();

        Assert.Equal(("completed", 2L), (report.GetProperty("run").GetProperty("status").GetString(), Count(report, "pages")));
        Assert.Equal((3L, 2L, 1L, 1L), (Count(report, "compared"), Count(report, "equal"), Count(report, "different"), Count(report, "flagged")));
        Assert.Equal((5L, 8L), (Row(report, "B-2").GetProperty("hubOnHand").GetInt64(), Row(report, "B-2").GetProperty("wmsOnHand").GetInt64()));
        var listings = r.Wms.Requests.Where(q => q.StartsWith("GET /wms/v1/messages/inventory", StringComparison.Ordinal)).ToList();
        Assert.Equal(["GET /wms/v1/messages/inventory?warehouse=EAST&limit=2", "GET /wms/v1/messages/inventory?warehouse=EAST&limit=2", "GET /wms/v1/messages/inventory?warehouse=EAST&limit=2&cursor=c2"], listings);
        Assert.DoesNotContain(r.Wms.Requests, q => q.StartsWith("GET /wms/v1/stock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_MovementsAfterTheWmsAsOf_AreInFlight_NotFlagged()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite);
        var asOf = DateTimeOffset.UtcNow.AddMinutes(-10);
        await r.CountAsync("DC1", "E-A1", "BUSY", 10, LongAgo);
        await r.AdjustAsync("DC1", "E-A1", "BUSY", -2, asOf.AddMinutes(2)); // shipped after the WMS took its figures
        await r.AdjustAsync("DC1", "E-A1", "BUSY", 5, asOf.AddMinutes(3)); // received after
        await r.CountAsync("DC1", "E-A1", "DRIFT", 10, LongAgo);
        await r.AdjustAsync("DC1", "E-A1", "DRIFT", 1, asOf.AddMinutes(1));
        r.Wms.AsOf = asOf;
        r.Wms.Stock = [new("EAST", "BUSY", "E-A1", 10), new("EAST", "DRIFT", "E-A1", 8)];

        var report = await r.ReconcileAsync();

        Assert.Equal((2L, 1L, 1L), (Count(report, "compared"), Count(report, "equal"), Count(report, "flagged")));
        var drift = Row(report, "DRIFT");
        Assert.Equal((11L, 1L, 10L, 8L, -2L),
            (drift.GetProperty("hubOnHand").GetInt64(), drift.GetProperty("inFlight").GetInt64(), drift.GetProperty("hubAtAsOf").GetInt64(),
                drift.GetProperty("wmsOnHand").GetInt64(), drift.GetProperty("difference").GetInt64()));
        Assert.Equal(2, drift.GetProperty("movements").GetArrayLength());
        Assert.DoesNotContain(report.GetProperty("rows").EnumerateArray(), x => x.GetProperty("sku").GetString() == "BUSY");
    }

    [Fact]
    public async Task Run_WithinTolerance_IsReportedNotFlagged_AndTheOmsFigureIsTheThird()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite, values =>
        {
            values["Hub:Tenants:acme:Instances:east:Reconciliation:ToleranceUnits"] = "2";
            values["Hub:Tenants:acme:OmsStock:BaseUrl"] = OmsUrlPlaceholder;
            values["Hub:Tenants:acme:OmsStock:ApiKeySetting"] = StockKeySetting;
        });
        await r.CountAsync("DC1", "E-A1", "SMALL", 10, LongAgo);
        await r.CountAsync("DC1", "E-A1", "LARGE", 10, LongAgo);
        r.Wms.Stock = [new("EAST", "LARGE", "E-A1", 7), new("EAST", "SMALL", "E-A1", 8)];
        r.Wms.OmsFigures["DC1/LARGE"] = 9;

        var report = await r.ReconcileAsync();

        Assert.Equal((2L, 1L), (Count(report, "different"), Count(report, "flagged")));
        Assert.Equal((-2L, false), (Row(report, "SMALL").GetProperty("difference").GetInt64(), Row(report, "SMALL").GetProperty("flagged").GetBoolean()));
        Assert.Equal((-3L, true, 9L), (Row(report, "LARGE").GetProperty("difference").GetInt64(), Row(report, "LARGE").GetProperty("flagged").GetBoolean(),
            Row(report, "LARGE").GetProperty("omsOnHand").GetInt64()));
        Assert.Equal(0, Row(report, "SMALL").GetProperty("omsOnHand").GetInt64()); // 404 at the OMS: it holds none
        Assert.Equal("compared", report.GetProperty("run").GetProperty("omsFigures").GetString());
        var flagged = Assert.Single(await r.AuditAsync("flagged"));
        Assert.Equal(("DC1/LARGE", "stock-discrepancy"), (flagged.GetString("EntityId"), flagged.GetString("Reason")));
    }

    [Fact]
    public async Task Run_TrustedWms_IsCorrectedThroughTheOutbox_OnceEvenWhenTheRunIsRetried()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite, values => values["Hub:Tenants:acme:Instances:east:Reconciliation:TrustWms"] = "true");
        var asOf = DateTimeOffset.UtcNow.AddMinutes(-10);
        await r.CountAsync("DC1", "E-A1", "LOST", 10, LongAgo);
        await r.AdjustAsync("DC1", "E-A1", "LOST", -1, asOf.AddMinutes(1)); // in flight: stays on top of the WMS's figure
        await r.CountAsync("DC1", "E-A1", "MORE", 4, LongAgo);
        await r.CountAsync("DC1", "E-A1", "ZED", 1, LongAgo);
        r.Wms.AsOf = asOf;
        r.Wms.Stock = [new("EAST", "LOST", "E-A1", 6), new("EAST", "MORE", "E-A1", 4), new("EAST", "ZED", "E-A1", 1)];
        r.Wms.Faults[2] = (503, null); // the second page fails until the invocation's retries are spent:
        r.Wms.Faults[3] = (503, null); // the first attempt dies after correcting LOST (page 1)
        r.Wms.Faults[4] = (503, null);
        var runId = await r.StartRunAsync();
        var storage = r.Hub.Services.GetRequiredService<HubStorage>();
        var queue = await storage.QueueAsync(r.Hub.App.Configuration["RECONCILIATION_QUEUE"]!, Ct);
        var message = (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(5), Ct)).Value;
        var folder = r.Hub.FunctionApp["ReconciliationRun"];

        async Task<int> DeliverAsync(int dequeueCount) => (await r.Hub.Functions.InvokeAsync("ReconciliationRun", HostPayloads.QueueTrigger(
            folder.BindingName, "ReconciliationRun", message.Body.ToString(), message.MessageId, dequeueCount, DateTimeOffset.UtcNow,
            DateTimeOffset.UtcNow.AddDays(7), DateTimeOffset.UtcNow, message.PopReceipt, DateTime.UtcNow), Ct)).Status;

        Assert.Equal(500, await DeliverAsync(1));
        var failed = await r.ReportAsync(runId);
        Assert.Equal(("failed", 1L), (failed.GetProperty("run").GetProperty("status").GetString(), Count(failed, "corrected")));
        Assert.Equal(5, await r.AreaAsync("DC1", "E-A1", "LOST")); // the WMS's 6 as of its as-of, and the -1 booked after it
        r.Wms.AsOf = asOf.AddMinutes(-1); // the retry sees an older figure, so the correction looks in flight and the drift again
        Assert.Equal(200, await DeliverAsync(2));
        Assert.Equal(200, await DeliverAsync(3)); // a late duplicate of the message: the run is completed, nothing happens

        var report = await r.ReportAsync(runId);
        Assert.Equal(("completed", 2), (report.GetProperty("run").GetProperty("status").GetString(), report.GetProperty("run").GetProperty("attempt").GetInt32()));
        Assert.Equal(5, await r.AreaAsync("DC1", "E-A1", "LOST"));
        var published = (await r.Hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var reconciled = Assert.Single(published);
        Assert.Equal("com.wmsfunctions.inventory.reconciled", reconciled.GetProperty("type").GetString());
        Assert.Equal($"/tenants/acme/reconciliation/east/runs/{runId}", reconciled.GetProperty("source").GetString());
        Assert.Equal($"acme/east/reconciliation/{runId}/DC1/east:E-A1/LOST", reconciled.GetProperty("id").GetString());
        Assert.Equal((6L, 9L, -4L, 5L), (reconciled.GetProperty("data").GetProperty("wmsOnHand").GetInt64(), reconciled.GetProperty("data").GetProperty("hubOnHandBefore").GetInt64(),
            reconciled.GetProperty("data").GetProperty("quantity").GetInt64(), reconciled.GetProperty("data").GetProperty("onHandAfter").GetInt64()));
        var applied = Assert.Single(await r.AuditAsync("applied"));
        Assert.Equal(("LOST", runId), (applied.GetString("Summary")!.Split('/')[1].Split(' ')[0], applied.GetString("CorrelationId")));
        var moves = (await r.Hub.RowsAsync(HubTable.Stock)).Where(x => x.GetString("Flow") == "reconciliation").ToList();
        Assert.Single(moves);
    }
}
