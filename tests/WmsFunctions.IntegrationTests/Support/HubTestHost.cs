using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WmsFunctions.Flows.Items;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// The handler running for real on 127.0.0.1 (ephemeral port) against Azurite, with its own tables, queue and
/// topic names, three WMS instances under two tenants, and the local host stand-in wired to it.
/// Tenants: acme/east (E-A1, E-A2 -> DC1; E-QA -> DC1-QA), acme/store-12 (S12 -> STORE-12), globex/main (G-1 -> DC1).
/// </summary>
public sealed class HubTestHost : IAsyncDisposable
{
    private readonly string _appRoot;

    private HubTestHost(WebApplication app, string appRoot, Keys keys, string topic)
    {
        App = app;
        _appRoot = appRoot;
        ApiKeys = keys;
        Topic = topic;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        var queues = app.Services.GetRequiredService<QueueServiceClient>();
        FunctionApp = FunctionApp.Load(appRoot, name => app.Configuration[name]);
        ServiceBus = new ServiceBusStandIn(queues, TimeProvider.System, ServiceBusStandIn.SubscriptionsOf(FunctionApp));
        Functions = new LocalFunctionsHost(FunctionApp, Http, queues, ServiceBus, TimeProvider.System);
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public LocalFunctionsHost Functions { get; }

    public ServiceBusStandIn ServiceBus { get; }

    /// <summary>The app root as the host reads it (function.json files with settings resolved).</summary>
    public FunctionApp FunctionApp { get; }

    public Keys ApiKeys { get; }

    public string Topic { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Starts the handler. <paramref name="configure"/> may add or change settings (e.g. WMS instances with other auth
    /// schemes and their secrets, or outbound configuration); <paramref name="builder"/> may change the host (e.g.
    /// capture logs); with
    /// <paramref name="sameStorageAs"/>, it is a second process over the first one's tables and queues.
    /// </summary>
    public static async Task<HubTestHost> StartAsync(
        AzuriteFixture azurite,
        TimeProvider? time = null,
        Action<Dictionary<string, string?>>? configure = null,
        Action<WebApplicationBuilder>? builder = null,
        HubTestHost? sameStorageAs = null)
    {
        var id = sameStorageAs?.StorageId ?? Guid.NewGuid().ToString("N")[..12];
        var keys = sameStorageAs?.ApiKeys ?? new Keys(
            WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey(), WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey(), WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey(), WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey());
        var topic = "oms-" + id;
        // The sample app settings first (what a new user gets), then what each test host must have to itself.
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(v => v.Key, v => (string?)v.Value!.GetValue<string>());
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            [HandlerApp.PortSetting] = "0",
            [StorageOptions.ConnectionName] = azurite.ConnectionString,
            [StorageOptions.TablePrefixSetting] = "T" + id,
            [StorageOptions.OutboxQueueSetting] = "outbox-" + id,
            [FunctionCatalog.OmsEventsTopicSetting] = topic,
            [FunctionCatalog.AlertsTopicSetting] = "alerts-" + id,
            [global::WmsFunctions.Flows.PickSlips.PickSlipOptions.EscalationQueueSetting] = "escalations-" + id,
            ["Hub:Operators:Keys:test:ApiKeySha256"] = WmsFunctions.Pipeline.Webhooks.ApiKeys.Hash(keys.Operator),
            ["Hub:Operators:Keys:test:Tenants:0"] = "acme",
            ["Hub:Operators:Keys:test:Tenants:1"] = "globex",
            [HandlerApp.TenantsFileSetting] = null,
            ["PICKSLIP_EVENTS_QUEUE"] = "pickslips-" + id,
            ["CHANNELS_STOCK_QUEUE"] = "channel-stock-" + id,
            ["CHANNELS_TOPIC"] = "channels-" + id,
            ["RECONCILIATION_QUEUE"] = "recon-" + id,
            ["FAILED_SYNC_JOBS_QUEUE"] = "fsjobs-" + id,
            ["WMS_DELIVERY_RETRY_QUEUE"] = "wmsretry-" + id,
        })
        {
            values[key] = value;
        }

        // The OMS -> WMS topics are fixed per flow; this host reads them through a subscription of its own, so hosts
        // sharing the Azurite of a test run never take each other's messages.
        values[OmsToWmsFunction.SubscriptionSetting] = "wms-hub-" + id;

        AddInstance(values, "acme", "east", keys.AcmeEast, ("E-A1", "DC1"), ("E-A2", "DC1"), ("E-QA", "DC1-QA"));
        values["Hub:Tenants:acme:Instances:east:SkuAliases:WMS-RED"] = "100234";
        values["Hub:Tenants:acme:Instances:east:MaxQuantity"] = "100000";
        AddInstance(values, "acme", "store-12", keys.AcmeStore, ("S12", "STORE-12"));
        AddInstance(values, "globex", "main", keys.GlobexMain, ("G-1", "DC1"));
        configure?.Invoke(values);

        var app = HandlerApp.Build([], host =>
        {
            host.Configuration.AddInMemoryCollection(values);
            if (time is not null)
            {
                host.Services.AddSingleton(time);
            }

            host.Logging.SetMinimumLevel(LogLevel.Warning);
            builder?.Invoke(host);
        });
        await app.StartAsync();

        var appRoot = Directory.CreateTempSubdirectory("wmsfunctions-app-").FullName;
        File.Copy(RepoPaths.File("host.json"), Path.Combine(appRoot, "host.json"));
        FunctionMetadata.Write(appRoot, FunctionCatalog.All);
        return new HubTestHost(app, appRoot, keys, topic) { StorageId = id };
    }

    /// <summary>What names this host's tables and queues (shared by a host started with sameStorageAs).</summary>
    public string StorageId { get; private init; } = "";

    public string AlertsTopic => App.Configuration[FunctionCatalog.AlertsTopicSetting]!;

    public Task SeedItemsAsync(string tenant, params string[] skus) =>
        Task.WhenAll(skus.Select(sku => Services.GetRequiredService<ItemCatalog>().UpsertAsync(tenant, sku, "test item " + sku, true, CancellationToken.None)));

    public Task<HttpResponseMessage> PostAsync(
        string path, string? apiKey, string body, string contentType = "application/json") =>
        PostAsync(path, body, apiKey is null ? [] : [("X-Api-Key", apiKey)], contentType);

    /// <summary>Posts the exact bytes of <paramref name="body"/> with the given headers, as the host forwards a webhook.</summary>
    public async Task<HttpResponseMessage> PostAsync(
        string path, string body, IEnumerable<(string Name, string Value)> headers, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts an inventory transaction as acme's east instance, its names in the contract's camelCase (they bind exactly).</summary>
    public Task<HttpResponseMessage> PostInventoryAsync(object transaction, string tenant = "acme", string instance = "east", string? apiKey = null) =>
        PostAsync($"/api/wms/{tenant}/{instance}/inventory-transactions", apiKey ?? ApiKeys.AcmeEast, JsonSerializer.Serialize(transaction, JsonSerializerOptions.Web));

    /// <summary>Runs the outbox relay over every visible outbox message; returns the bodies sent to the OMS topic.</summary>
    public async Task<IReadOnlyList<string>> RelayAsync()
    {
        var invocations = await Functions.DrainAsync("OutboxRelay", TestContext.Current.CancellationToken);
        Assert.All(invocations, i => Assert.Equal(200, i.Status));
        return invocations.SelectMany(i => i.Sent).Where(s => s.Entity == Topic).Select(s => s.Body).ToList();
    }

    /// <summary>
    /// One run of the alert timer at <paramref name="now"/> (the host's exact payload, the schedule a minute either
    /// side): its status and the alert CloudEvents it handed the Service Bus output.
    /// </summary>
    public async Task<(int Status, JsonElement[] Alerts)> EvaluateAlertsAsync(DateTime now)
    {
        var (status, body) = await Functions.InvokeAsync(
            "AlertEvaluation", HostPayloads.TimerTrigger("timer", "AlertEvaluation", now.AddMinutes(-1), now.AddMinutes(1), false, now), TestContext.Current.CancellationToken);
        return (status, JsonDocument.Parse(body).RootElement.GetProperty("Outputs").TryGetProperty("alerts", out var alerts)
            ? alerts.EnumerateArray().Select(a => JsonDocument.Parse(a.GetString()!).RootElement.Clone()).ToArray()
            : []);
    }

    public async Task<List<TableEntity>> RowsAsync(HubTable table)
    {
        var client = await Services.GetRequiredService<HubStorage>().TableAsync(table, TestContext.Current.CancellationToken);
        var rows = new List<TableEntity>();
        await foreach (var row in client.QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    public async Task<int> OutboxMessagesAsync()
    {
        var storage = Services.GetRequiredService<HubStorage>();
        var queue = await storage.QueueAsync(storage.OutboxQueueName, TestContext.Current.CancellationToken);
        return (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Directory.Delete(_appRoot, recursive: true);
    }

    public static void AddInstance(Dictionary<string, string?> settings, string tenant, string instance, string key, params (string Code, string Warehouse)[] locations)
    {
        settings[$"Hub:Tenants:{tenant}:Instances:{instance}:Auth:ApiKeySha256:0"] = WmsFunctions.Pipeline.Webhooks.ApiKeys.Hash(key);
        AddLocations(settings, tenant, instance, locations);
    }

    public static void AddLocations(Dictionary<string, string?> settings, string tenant, string instance, params (string Code, string Warehouse)[] locations)
    {
        foreach (var (code, warehouse) in locations)
        {
            settings[$"Hub:Tenants:{tenant}:Instances:{instance}:Locations:{code}"] = warehouse;
        }
    }

    public sealed record Keys(string AcmeEast, string AcmeStore, string GlobexMain, string Operator);
}
