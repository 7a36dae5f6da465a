using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;
using static WmsFunctions.IntegrationTests.Reconciliation.ReconciliationHub;

namespace WmsFunctions.IntegrationTests.Reconciliation;

/// <summary>The operator side: downloads (JSON, CSV), listing, refusals, tenants apart, and the timer's and queue's host payloads.</summary>
public sealed class ReconciliationApiTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset LongAgo = DateTimeOffset.UtcNow.AddDays(-1);

    [Fact]
    public async Task Report_AsCsvAndJson_CarriesTheSameRows_WithCsvEscaping()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite);
        await r.CountAsync("DC1", "E-A1", "SKU,\"7\"", 3, LongAgo); // a comma and quotes in a SKU
        r.Wms.Stock = [new("EAST", "SKU,\"7\"", "E-A1", 1), new("EAST", "X-1", "NOWHERE", 2)];
        var runId = await r.StartRunAsync();
        await r.DrainRunsAsync();

        using var csvByQuery = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, $"/api/ops/acme/reconciliation/runs/{runId}?format=csv"), Ct);
        using var csvByAccept = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, $"/api/ops/acme/reconciliation/runs/{runId}", accept: "text/csv"), Ct);
        var json = await r.ReportAsync(runId);

        Assert.Equal(HttpStatusCode.OK, csvByQuery.StatusCode);
        Assert.Equal("text/csv", csvByQuery.Content.Headers.ContentType!.MediaType);
        var text = await csvByQuery.Content.ReadAsStringAsync(Ct);
        Assert.Equal(text, await csvByAccept.Content.ReadAsStringAsync(Ct));
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("runId,instance,kind,warehouse,area,sku,wmsSku,wmsLocation,hubOnHand,inFlight,hubAtAsOf,wmsOnHand,omsOnHand,difference,flagged,", lines[0], StringComparison.Ordinal);
        var different = Assert.Single(lines, l => l.Contains(",different,", StringComparison.Ordinal));
        Assert.StartsWith($"{runId},east,different,DC1,east:E-A1,\"SKU,\"\"7\"\"\",\"SKU,\"\"7\"\"\",E-A1,3,0,3,1,,-2,true,false,,,", different, StringComparison.Ordinal);
        Assert.EndsWith("\"", different, StringComparison.Ordinal); // the movements column is JSON, quoted
        var unmapped = Assert.Single(lines, l => l.Contains(",unmapped,", StringComparison.Ordinal));
        Assert.StartsWith($"{runId},east,unmapped,,,,X-1,NOWHERE,,0,,2,,0,false,false,,unknown-location,", unmapped, StringComparison.Ordinal);
        Assert.Equal([null, "SKU,\"7\""], json.GetProperty("rows").EnumerateArray().Select(x => x.GetProperty("sku").GetString()).Order());
        Assert.Equal((1L, 1L), (Count(json, "different"), Count(json, "unmapped")));
    }

    [Fact]
    public async Task AnotherTenantsOperator_CannotSeeTheRun_AndBadRequestsChangeNothing()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite);
        r.Wms.Stock = [new("EAST", "A-1", "E-A1", 1)];
        var runId = await r.StartRunAsync();
        await r.DrainRunsAsync();

        using var otherTenant = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, $"/api/ops/globex/reconciliation/runs/{runId}"), Ct);
        using var otherList = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, "/api/ops/globex/reconciliation/runs"), Ct);
        using var ownList = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, "/api/ops/acme/reconciliation/runs?instance=east&take=5"), Ct);
        using var noKey = await r.Hub.Http.GetAsync($"/api/ops/acme/reconciliation/runs/{runId}", Ct);
        using var unknownInstance = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Post, "/api/ops/acme/reconciliation/runs", new { instance = "main" }), Ct);
        using var noInstance = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Post, "/api/ops/acme/reconciliation/runs", "{}"), Ct);
        using var malformed = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Post, "/api/ops/acme/reconciliation/runs", "{\"instance\":"), Ct);
        using var badTake = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, "/api/ops/acme/reconciliation/runs?take=0"), Ct);
        using var badFormat = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, $"/api/ops/acme/reconciliation/runs/{runId}?format=xml"), Ct);
        using var notARun = await r.Hub.Http.SendAsync(r.Operator(HttpMethod.Get, "/api/ops/acme/reconciliation/runs/..%2F..%2Fx"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);
        Assert.Equal("application/problem+json", otherTenant.Content.Headers.ContentType!.MediaType);
        Assert.Empty((await otherList.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runs").EnumerateArray());
        Assert.Equal([runId], (await ownList.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("runs").EnumerateArray().Select(x => x.GetProperty("runId").GetString()));
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownInstance.StatusCode); // globex's instance, asked for under acme
        Assert.Equal(
            [HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            new[] { noInstance.StatusCode, malformed.StatusCode, badTake.StatusCode, badFormat.StatusCode });
        Assert.Equal(HttpStatusCode.NotFound, notARun.StatusCode);
        Assert.Single(await r.Hub.RowsAsync(HubTable.ReconciliationRuns), x => x.RowKey.StartsWith("run|", StringComparison.Ordinal));
        var requested = Assert.Single(await r.AuditAsync("requested"));
        Assert.StartsWith("reconciliation requested by operator-key:", requested.GetString("Summary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timer_QueuesOneRunPerInstance_TheQueueTriggerRunsEach_InstancesWithoutOutboundAreNotSupported()
    {
        await using var r = await ReconciliationHub.StartAsync(azurite, values => values["Hub:Tenants:acme:Instances:store-12:Reconciliation:Scheduled"] = "false");
        r.Wms.Stock = [new("EAST", "A-1", "E-A1", 1)];
        var timer = HostPayloads.TimerTrigger(r.Hub.FunctionApp["ReconciliationSchedule"].BindingName, "ReconciliationSchedule", null, DateTime.UtcNow.AddDays(1), false, DateTime.UtcNow);

        var (status, body) = await r.Hub.Functions.InvokeAsync("ReconciliationSchedule", timer, Ct);
        var runs = await r.DrainRunsAsync();
        var (poisonStatus, _) = await r.Hub.Functions.InvokeAsync("ReconciliationRun", HostPayloads.QueueTrigger(
            "message", "ReconciliationRun", "{\"tenant\":\"acme\"}", "m-1", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(7), DateTimeOffset.UtcNow, "pop", DateTime.UtcNow), Ct);

        Assert.Equal(200, status);
        Assert.Contains("2 reconciliation runs queued", body, StringComparison.Ordinal);
        Assert.Equal([200, 200], runs.Select(i => i.Status));
        var byInstance = (await r.Hub.RowsAsync(HubTable.ReconciliationRuns)).Where(x => x.RowKey.StartsWith("run|", StringComparison.Ordinal))
            .ToDictionary(x => $"{x.PartitionKey}/{x.GetString("Instance")}", x => (x.GetString("Status"), x.GetString("Trigger")));
        Assert.Equal(("completed", "timer"), byInstance["acme/east"]);
        Assert.Equal(("not-supported", "timer"), byInstance["globex/main"]);
        Assert.False(byInstance.ContainsKey("acme/store-12"));
        Assert.Equal(400, poisonStatus); // not a run: the host fails it and, after maxDequeueCount, moves it to the poison queue
        var latest = (await r.Hub.RowsAsync(HubTable.ReconciliationRuns)).Where(x => x.RowKey.StartsWith("latest|", StringComparison.Ordinal)).Select(x => x.PartitionKey + "/" + x.RowKey);
        Assert.Equal(["acme/latest|east"], latest);
    }
}
