using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Handler.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Reconciliation;

/// <summary>
/// The hub with acme/east reconciled against a <see cref="StockWms"/>: both its OMS warehouses (DC1: E-A1, E-A2;
/// DC1-QA: E-QA) in the WMS facility EAST, pages of 2 rows, fast retries. acme/store-12 and globex/main have no
/// Outbound section. Runs go through the operator endpoint and the host's queue trigger.
/// </summary>
public sealed class ReconciliationHub : IAsyncDisposable
{
    private const string KeySetting = "WMS_ACME_EAST_STOCK_KEY";

    private ReconciliationHub(HubTestHost hub, StockWms wms)
    {
        Hub = hub;
        Wms = wms;
    }

    public HubTestHost Hub { get; }

    public StockWms Wms { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ReconciliationHub> StartAsync(AzuriteFixture azurite, Action<Dictionary<string, string?>>? settings = null)
    {
        var wms = await StockWms.StartAsync();
        var hub = await HubTestHost.StartAsync(azurite, configure: values =>
        {
            var e = "Hub:Tenants:acme:Instances:east:";
            values[e + "Adapter"] = "hub-json";
            values[e + "Outbound:BaseUrl"] = wms.BaseUrl;
            values[e + "Outbound:Auth:ApiKeySetting"] = KeySetting;
            values[KeySetting] = wms.ApiKey;
            values[e + "Outbound:Warehouses:DC1"] = "EAST";
            values[e + "Outbound:Warehouses:DC1-QA"] = "EAST";
            values[e + "Outbound:Resilience:MaxRetryAttempts"] = "2";
            values[e + "Outbound:Resilience:BaseDelay"] = "00:00:00.010";
            values[e + "Outbound:Resilience:MaxDelay"] = "00:00:00.050";
            values[e + "Outbound:Resilience:MinimumThroughput"] = "50";
            values[e + "Reconciliation:PageSize"] = "2";
            settings?.Invoke(values);
            foreach (var key in values.Where(v => v.Value == OmsUrlPlaceholder).Select(v => v.Key).ToList())
            {
                values[key] = wms.OmsUrl; // the stock server also plays the OMS
            }
        });
        return new ReconciliationHub(hub, wms);
    }

    public static string StockKeySetting => KeySetting;

    /// <summary>A setting with this value becomes the OMS stock endpoint the stock server plays.</summary>
    public const string OmsUrlPlaceholder = "{oms}";

    /// <summary>Books a count of one area through the ledger, as an inbound event would.</summary>
    public Task CountAsync(string warehouse, string code, string sku, long quantity, DateTimeOffset occurredAt) =>
        BookAsync(warehouse, code, sku, StockChangeKind.Count, quantity, occurredAt);

    public Task AdjustAsync(string warehouse, string code, string sku, long quantity, DateTimeOffset occurredAt) =>
        BookAsync(warehouse, code, sku, StockChangeKind.Adjust, quantity, occurredAt);

    private async Task BookAsync(string warehouse, string code, string sku, StockChangeKind kind, long quantity, DateTimeOffset occurredAt) =>
        await Hub.Services.GetRequiredService<StockLedger>().ApplyAsync(
            new StockEventRef("acme", "east", "inventory", "seed-" + Guid.NewGuid().ToString("N"), occurredAt, "test", null),
            [new StockChange(warehouse, "east:" + code, sku, kind, quantity)],
            Ct);

    public async Task<long?> AreaAsync(string warehouse, string code, string sku)
    {
        var snapshot = await Hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", warehouse, sku, Ct);
        return snapshot is null ? null : StockLedger.ReadAreas(snapshot).TryGetValue("east:" + code, out var area) ? area.OnHand : null;
    }

    public HttpRequestMessage Operator(HttpMethod method, string path, object? body = null, string? accept = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(OperatorGate.KeyHeader, Hub.ApiKeys.Operator);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return request;
    }

    /// <summary>An operator starts a run (202, Location); returns the run id.</summary>
    public async Task<string> StartRunAsync(string instance = "east", string tenant = "acme")
    {
        using var response = await Hub.Http.SendAsync(Operator(HttpMethod.Post, $"/api/ops/{tenant}/reconciliation/runs", new { instance }), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var run = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        var runId = run.GetProperty("runId").GetString()!;
        Assert.Equal($"/api/ops/{tenant}/reconciliation/runs/{runId}", response.Headers.Location!.OriginalString);
        Assert.Equal("queued", run.GetProperty("status").GetString());
        return runId;
    }

    /// <summary>The host's queue trigger runs every queued reconciliation.</summary>
    public async Task<IReadOnlyList<InvocationRecord>> DrainRunsAsync()
    {
        var invocations = await Hub.Functions.DrainAsync("ReconciliationRun", Ct);
        return invocations;
    }

    /// <summary>Starts a run of acme/east, runs it, returns the JSON report.</summary>
    public async Task<JsonElement> ReconcileAsync()
    {
        var runId = await StartRunAsync();
        Assert.All(await DrainRunsAsync(), i => Assert.Equal(200, i.Status));
        return await ReportAsync(runId);
    }

    public async Task<JsonElement> ReportAsync(string runId, string tenant = "acme")
    {
        using var response = await Hub.Http.SendAsync(Operator(HttpMethod.Get, $"/api/ops/{tenant}/reconciliation/runs/{runId}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public async Task<IReadOnlyList<TableEntity>> AuditAsync(string outcome) =>
        (await Hub.RowsAsync(HubTable.Audit)).Where(a => a.GetString("Flow") == "reconciliation" && a.GetString("Outcome") == outcome).ToList();

    public static JsonElement Row(JsonElement report, string sku, string? area = null) =>
        report.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("sku").GetString() == sku && (area is null || r.GetProperty("area").GetString() == area));

    public static long Count(JsonElement report, string name) => report.GetProperty("run").GetProperty("counts").GetProperty(name).GetInt64();

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await Wms.DisposeAsync();
    }
}
