using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenTelemetry.Trace;
using WmsFunctions.Edi;
using WmsFunctions.Edi.Documents;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

// ./bench.sh [--quick]: every webhook (inventory under each auth scheme, PO receipt, return receipt) and the outbox
// relay on loopback against Azurite (started by bench.sh), the handler on real Kestrel, the host's queue trigger
// played by the local host stand-in.
// Prints throughput, latency percentiles and storage transactions per event. Numbers from a shared 2-core
// machine where Azurite, the handler and the load generator share the cores: compare ratios, not absolutes.
// ./bench.sh --soak runs the fault-injection scenarios instead (Soak.cs).
const string BenchIssuer = "https://idp.bench.test";
const string BenchAudience = "api://wmsfunctions/bench/oauth";
if (args.Contains("--soak"))
{
    return await WmsFunctions.Bench.Soak.RunAsync(args); // the fault scenarios, longer (see Soak.cs)
}

var quick = args.Contains("--quick");
// --reconciliation-skus N sets the size of the reconciliation row; --only reconciliation runs just that row.
var reconciliationSkus = args.SkipWhile(a => a != "--reconciliation-skus").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(quick ? 2_000 : 20_000);
var reconciliationOnly = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault() == "reconciliation";
var diagnose = Environment.GetEnvironmentVariable("BENCH_DIAG") == "1"; // per-drain timings, slow events, stalls
var storage = Environment.GetEnvironmentVariable("HubStorage")
    ?? throw new InvalidOperationException("Set HubStorage (./bench.sh starts Azurite and sets it).");

var handlerRequests = new CountingPolicy();
var hostRequests = new CountingPolicy();
var handlerClients = Clients(storage, handlerRequests);
var hostClients = Clients(storage, hostRequests);

var id = Guid.NewGuid().ToString("N")[..8];
var apiKey = ApiKeys.NewKey();
var webhookSecret = StandardWebhooks.NewSecret();
_ = StandardWebhooks.TryParseSecret(webhookSecret, out var webhookKey);
using var tokenKey = RSA.Create(2048);
var settings = new Dictionary<string, string?>
{
    [HandlerApp.PortSetting] = "0",
    [StorageOptions.ConnectionName] = storage,
    [StorageOptions.TablePrefixSetting] = "B" + id,
    [StorageOptions.OutboxQueueSetting] = "outbox-" + id,
    [FunctionCatalog.OmsEventsTopicSetting] = "oms-" + id,
    ["Hub:Tenants:bench:Instances:wms:Auth:ApiKeySha256:0"] = ApiKeys.Hash(apiKey),
    ["Hub:Tenants:bench:Instances:wms:Locations:A1"] = "W1",
    ["Hub:Tenants:bench:Instances:wms:Locations:A2"] = "W1",
    ["Hub:Tenants:bench:Instances:wms:Locations:B1"] = "W2",
    ["Hub:Tenants:bench:Instances:signed:Auth:Scheme"] = "StandardWebhooks",
    ["Hub:Tenants:bench:Instances:signed:Auth:SecretSettings:0"] = "BENCH_WEBHOOK_SECRET",
    ["BENCH_WEBHOOK_SECRET"] = webhookSecret,
    ["Hub:Tenants:bench:Instances:signed:Locations:S1"] = "W1",
    ["Hub:Tenants:bench:Instances:oauth:Auth:Scheme"] = "Bearer",
    ["Hub:Tenants:bench:Instances:oauth:Auth:Issuer"] = BenchIssuer,
    ["Hub:Tenants:bench:Instances:oauth:Auth:Audience"] = BenchAudience,
    ["Hub:Tenants:bench:Instances:oauth:Auth:SigningKeysPem:0"] = tokenKey.ExportSubjectPublicKeyInfoPem(),
    ["Hub:Tenants:bench:Instances:oauth:Locations:O1"] = "W1",
    ["Hub:Tenants:bench:Instances:edi:Adapter"] = "x12",
    ["Hub:Tenants:bench:Instances:edi:Auth:ApiKeySha256:0"] = ApiKeys.Hash(apiKey),
    ["Hub:Tenants:bench:Instances:edi:Locations:E1"] = "W1",
    ["Hub:Tenants:bench:Instances:edi:X12:OwnId"] = "BENCHHUB",
    ["Hub:Tenants:bench:Instances:edi:X12:PartnerId"] = "BENCH3PL",
    ["Hub:Tenants:bench:Instances:edi:X12:DefaultLocation"] = "E1",
    ["Hub:Tenants:bench:Instances:edi:X12:AdjustmentReasons:AU"] = "DMG",
};
var standInPort = FreePort(); // the WMS stand-in's, known before the handler's settings are built
ReconciliationBench.Configure(settings, standInPort);
var (app, http) = await StartHandlerAsync();

var appRoot = Directory.CreateTempSubdirectory("wmsfunctions-bench-").FullName;
File.Copy(Path.Combine(FindRoot(), "host.json"), Path.Combine(appRoot, "host.json"));
FunctionMetadata.Write(appRoot, FunctionCatalog.All);
var serviceBus = new ServiceBusStandIn(hostClients.Queues, TimeProvider.System);
var functions = new LocalFunctionsHost(FunctionApp.Load(appRoot, name => app.Configuration[name]), http, hostClients.Queues, serviceBus, TimeProvider.System);

const int Skus = 200;
var catalog = app.Services.GetRequiredService<ItemCatalog>();
await Parallel.ForEachAsync(Enumerable.Range(0, Skus), async (i, ct) => await catalog.UpsertAsync("bench", Sku(i), "bench item", true, ct));

// One purchase order per SKU (as the outbound PO flow would have stored them), for the receipt webhook.
var orders = await app.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.PurchaseOrders, CancellationToken.None);
await Parallel.ForEachAsync(Enumerable.Range(0, Skus), async (i, ct) =>
{
    var partition = PurchaseOrderHeaderEntity.PartitionFor("bench", Po(i));
    await orders.UpsertEntityAsync(new PurchaseOrderHeaderEntity { PartitionKey = partition, Tenant = "bench", PoNumber = Po(i), Warehouse = "W1", Version = 1 }, cancellationToken: ct);
    await orders.UpsertEntityAsync(new PurchaseOrderLineEntity { PartitionKey = partition, RowKey = PurchaseOrderLineEntity.RowFor(1), LineNumber = 1, Sku = Sku(i), ExpectedQuantity = 1_000 }, cancellationToken: ct);
});
var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
{
    Issuer = BenchIssuer,
    Audience = BenchAudience,
    NotBefore = DateTime.UtcNow.AddMinutes(-1),
    Expires = DateTime.UtcNow.AddHours(1),
    SigningCredentials = new SigningCredentials(new RsaSecurityKey(tokenKey), SecurityAlgorithms.RsaSha256),
});

var at = DateTimeOffset.UtcNow.AddMinutes(-5);
var relay = new RelayTotals();
var rows = new List<Row>();
var scale = quick ? 1 : 4;

// Reconciliation of one instance against a WMS stand-in on loopback (first, while the tables are small).
using (var standInStop = new CancellationTokenSource())
{
    var standIn = new WmsStandIn(hostClients.Queues, standInPort, name => app.Configuration[name]) { Stock = ReconciliationBench.Listing(reconciliationSkus) };
    var standInLoop = standIn.RunAsync(standInStop.Token);
    rows.AddRange(await ReconciliationBench.RunAsync(app, appRoot, reconciliationSkus, handlerRequests));
    await standInStop.CancelAsync();
    await standInLoop;
}

if (reconciliationOnly)
{
    Print(rows);
    await app.StopAsync();
    Directory.Delete(appRoot, recursive: true);
    return rows.Any(r => r.Failures > 0) ? 1 : 0;
}

// Warm-up: JIT, connections, table creation (every webhook and scheme once).
await RunWebhooks("warm-up", 50, 4, i => (i % 5) switch
{
    0 => Receipt($"warm-{i}", i % Skus),
    1 => Return($"warm-{i}", i % Skus),
    2 => Signed($"warm-{i}", i % Skus),
    3 => Bearer($"warm-{i}", i % Skus),
    _ => ApiKeyPost(Adjust($"warm-{i}", i % Skus, "A1")),
}, record: false);

await RunWebhooks("webhook, sequential", 100 * scale, 1, i => ApiKeyPost(Adjust($"seq-{i}", i % Skus, i % 2 == 0 ? "A1" : "B1")));
await RunWebhooks("webhook, 16 in flight", 400 * scale, 16, i => ApiKeyPost(Adjust($"par-{i}", i % Skus, i % 3 == 0 ? "B1" : "A2")));
await RunWebhooks("webhook, 16 in flight, one hot SKU", 100 * scale, 16, i => ApiKeyPost(Adjust($"hot-{i}", 0, i % 2 == 0 ? "A1" : "A2")));
await RunWebhooks("transfer W1 -> W2, 16 in flight", 100 * scale, 16, i => ApiKeyPost(Transfer($"trf-{i}", i % Skus)));
await RunWebhooks("duplicate (replayed answer), 16 in flight", 100 * scale, 16, i => ApiKeyPost(Adjust($"par-{i}", i % Skus, i % 3 == 0 ? "B1" : "A2")));
await RunWebhooks("inventory, Standard Webhooks signed, 16 in flight", 200 * scale, 16, i => Signed($"sig-{i}", i % Skus));
await RunWebhooks("inventory, OAuth bearer JWT, 16 in flight", 200 * scale, 16, i => Bearer($"jwt-{i}", i % Skus));
await RunWebhooks("PO receipt, 16 in flight", 200 * scale, 16, i => Receipt($"rcv-{i}", i % Skus));
await RunWebhooks("return receipt (2 lines), 16 in flight", 200 * scale, 16, i => Return($"ret-{i}", i % Skus));

// Pick in: the slips exist (generated and sent, as the OMS's hand-off makes them), each is confirmed shipped once.
var pickSlips = 200 * scale;
var orchestration = app.Services.GetRequiredService<PickSlipOrchestrator>();
var slipDeadlines = new PickSlipDeadlines(TimeSpan.FromMinutes(30), TimeSpan.FromHours(24));
await Parallel.ForEachAsync(Enumerable.Range(0, pickSlips), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
{
    await orchestration.ApplyAsync("bench", $"PS-{i}", "oms", $"gen-{i}",
        new SlipGenerated($"ORD-{i}", "wms", "W1", "standard", [new OrderedLine(1, Sku(i % Skus), 1)], 1, false), slipDeadlines, "bench", ct);
    await orchestration.ApplyAsync("bench", $"PS-{i}", "oms", $"sent-{i}", new SlipSent(), slipDeadlines, "bench", ct);
});
await RunWebhooks("pick confirmation (shipped, 1 carton), 16 in flight", pickSlips, 16, i => ApiKeyPost(
    JsonSerializer.Serialize(new
    {
        eventId = $"ship-{i}", type = "shipped", occurredAt = DateTimeOffset.UtcNow, pickSlipId = $"PS-{i}",
        lines = new[] { new { line = 1, quantity = 1, location = "A1" } },
        cartons = new[] { new { trackingNumber = $"1ZBENCH{i}", carrier = "UPS", contents = new[] { new { line = 1, quantity = 1 } } } },
    }),
    "pick-confirmations"));

// An X12 3PL: one interchange per request holding one 947 with one adjustment, answered 200 with the hub's 997.
var x12Count = 100 * scale;
var x12Writer = new X12Writer(new X12PartnerOptions { Name = "bench-3pl", OwnId = "BENCH3PL", PartnerId = "BENCHHUB" }, TimeProvider.System, new InMemoryControlNumbers());
var interchanges = new List<string>(x12Count);
for (var i = 0; i < x12Count; i++)
{
    var adjustment = new InventoryAdjusted(DateOnly.FromDateTime(DateTime.UtcNow), $"ADJ-{i}", $"ADJ-{i}", [new X12Party("WH", "BENCH DC")], [], [],
        [new AdjustmentLine("AU", 1, "EA", new X12ItemId("SK", Sku(i % Skus)), null, null, [])]);
    interchanges.Add((await x12Writer.WriteAsync([adjustment], CancellationToken.None)).Text);
}

// The cost of telemetry, the same webhooks back to back: the handler as configured by default (spans made so trace
// context flows, none recorded), then a second handler over the same storage recording every span (100% sampled)
// into OpenTelemetry's in-memory exporter, as an exporter would be handed them.
await RunWebhooks("inventory, telemetry off, 16 in flight", 200 * scale, 16, i => ApiKeyPost(Adjust($"tel-off-{i}", i % Skus, "A1")));
{
    var spans = new List<Activity>();
    var (traced, tracedHttp) = await StartHandlerAsync(builder => builder.Services.ConfigureOpenTelemetryTracerProvider(
        tracing => tracing.SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans)));
    await RunWebhooks("inventory, telemetry on (100%), 16 in flight", 200 * scale, 16, i => ApiKeyPost(Adjust($"tel-on-{i}", i % Skus, "A1")), client: tracedHttp);
    if (spans.Count == 0)
    {
        rows[^1] = rows[^1] with { Failures = rows[^1].Events }; // nothing was recorded: the row measured nothing
    }

    tracedHttp.Dispose();
    await traced.StopAsync();
    await traced.DisposeAsync();
}

await RunWebhooks("X12 947 interchange (1 adjustment, 997 answer), 16 in flight", x12Count, 16, i =>
{
    var request = new HttpRequestMessage(HttpMethod.Post, "/api/wms/bench/edi/x12") { Content = new StringContent(interchanges[i], Encoding.ASCII) };
    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/edi-x12");
    request.Headers.Add("X-Api-Key", apiKey);
    return request;
}, expected: 200);

// The relay, drained after each scenario above (host's queue get/delete counted apart from the handler's work).
rows.Add(new Row("outbox relay (drains, batches of 16)", relay.Events, 16, relay.Events / relay.Elapsed.TotalSeconds, null,
    (double)relay.HandlerTransactions / relay.Events, (double)relay.HostTransactions / relay.Events, relay.Failures));

// End to end: POST until the relay hands the CloudEvent to the Service Bus output, with the relay's queue
// polled as host.json says (the host's send to Service Bus adds its own few milliseconds).
{
    var sentAt = new ConcurrentDictionary<string, long>();
    functions.Invoked += invocation =>
    {
        foreach (var (_, body) in invocation.Sent)
        {
            sentAt.TryAdd(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, Stopwatch.GetTimestamp());
        }
    };
    using var stop = new CancellationTokenSource();
    var hostLoop = functions.RunAsync(stop.Token);
    var watch = diagnose ? StallWatch.Start(storage, stop.Token) : null;

    var count = 25 * scale;
    var e2eBusy = 0;
    var started = new Dictionary<string, long>();
    for (var i = 0; i < count; i++)
    {
        var eventId = $"e2e-{i}";
        started[$"bench/wms/inventory/{eventId}"] = Stopwatch.GetTimestamp();
        var (response, busy) = await SendAsWms(() => ApiKeyPost(Adjust(eventId, i % Skus, "A1")), CancellationToken.None);
        response.Dispose();
        e2eBusy += busy;
        await Task.Delay(Random.Shared.Next(50, 600)); // events arrive spread out, as from a warehouse floor
    }

    var deadline = DateTime.UtcNow.AddSeconds(20);
    while (started.Keys.Any(k => !sentAt.ContainsKey(k)) && DateTime.UtcNow < deadline)
    {
        await Task.Delay(50);
    }

    await stop.CancelAsync();
    await hostLoop;
    if (watch is not null)
    {
        await watch.StopAsync();
        foreach (var (key, start) in started.Where(s => !sentAt.ContainsKey(s.Key) || Stopwatch.GetElapsedTime(s.Value, sentAt[s.Key]).TotalSeconds > 1))
        {
            var took = sentAt.TryGetValue(key, out var end) ? $"{Stopwatch.GetElapsedTime(start, end).TotalMilliseconds:0} ms" : "never";
            Console.WriteLine($"[diag] slow end to end: {key} took {took}, started at {watch.SecondsAt(start):0.0} s");
        }
    }

    var latencies = started.Where(s => sentAt.ContainsKey(s.Key))
        .Select(s => Stopwatch.GetElapsedTime(s.Value, sentAt[s.Key]).TotalMilliseconds).ToList();
    rows.Add(new Row("end to end: POST -> CloudEvent to Service Bus", count, 1, null, Percentiles.Of(latencies), null, null, count - latencies.Count, e2eBusy));
}

Print(rows);
await app.StopAsync();
Directory.Delete(appRoot, recursive: true);
return rows.Any(r => r.Failures > 0) ? 1 : 0;

async Task<(WebApplication App, HttpClient Http)> StartHandlerAsync(Action<WebApplicationBuilder>? more = null)
{
    var handler = HandlerApp.Build([], builder =>
    {
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(handlerClients);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        more?.Invoke(builder);
    });
    await handler.StartAsync();
    return (handler, new HttpClient { BaseAddress = new Uri(handler.Urls.Single()) });
}

async Task RunWebhooks(string name, int count, int concurrency, Func<int, HttpRequestMessage> request, bool record = true, int expected = 202, HttpClient? client = null)
{
    var latencies = new ConcurrentBag<double>();
    var failures = 0;
    var busy = 0;
    var before = handlerRequests.Count;
    var clock = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
    {
        var start = Stopwatch.GetTimestamp();
        var (response, retried) = await SendAsWms(() => request(i), ct, client);
        using (response)
        {
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            Interlocked.Add(ref busy, retried);
            if ((int)response.StatusCode != expected)
            {
                Interlocked.Increment(ref failures);
            }
        }
    });
    clock.Stop();
    if (record)
    {
        rows.Add(new Row(name, count, concurrency, count / clock.Elapsed.TotalSeconds, Percentiles.Of(latencies.ToList()),
            (double)(handlerRequests.Count - before) / count, null, failures, busy));
    }

    // Drain what the scenario left for the relay (Azurite's queue operations slow down as a queue grows, so
    // the backlog is kept to one scenario's worth).
    var (handlerBefore, hostBefore) = (handlerRequests.Count, hostRequests.Count);
    var drain = Stopwatch.StartNew();
    var relayed = await functions.DrainAsync("OutboxRelay", CancellationToken.None);
    drain.Stop();
    if (diagnose && relayed.Count > 0)
    {
        var d = relayed.Select(r => r.Duration.TotalMilliseconds).Order().ToList();
        Console.WriteLine($"[diag] {name}: {relayed.Count} relayed in {drain.Elapsed.TotalMilliseconds:0} ms; invocation p50 {d[d.Count / 2]:0} max {d[^1]:0}");
    }

    if (record)
    {
        relay.Add(relayed.Count, drain.Elapsed, handlerRequests.Count - handlerBefore, hostRequests.Count - hostBefore, relayed.Count(r => r.Status != 200));
    }
}

HttpRequestMessage ApiKeyPost(string body, string path = "inventory-transactions")
{
    var request = Json($"/api/wms/bench/wms/{path}", body);
    request.Headers.Add("X-Api-Key", apiKey);
    return request;
}

HttpRequestMessage Signed(string eventId, int sku)
{
    var body = JsonSerializer.Serialize(new { eventId, type = "adjust", occurredAt = at, sku = Sku(sku), location = "S1", quantity = 1 });
    var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    var request = Json("/api/wms/bench/signed/inventory-transactions", body);
    request.Headers.Add(StandardWebhooks.IdHeader, "msg_" + eventId);
    request.Headers.Add(StandardWebhooks.TimestampHeader, timestamp);
    request.Headers.Add(StandardWebhooks.SignatureHeader, StandardWebhooks.Sign(webhookKey, "msg_" + eventId, timestamp, Encoding.UTF8.GetBytes(body)));
    return request;
}

HttpRequestMessage Bearer(string eventId, int sku)
{
    var request = Json("/api/wms/bench/oauth/inventory-transactions",
        JsonSerializer.Serialize(new { eventId, type = "adjust", occurredAt = at, sku = Sku(sku), location = "O1", quantity = 1 }));
    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    return request;
}

HttpRequestMessage Receipt(string eventId, int sku) => ApiKeyPost(
    JsonSerializer.Serialize(new { eventId, occurredAt = at, poNumber = Po(sku), lineNumber = 1, sku = Sku(sku), location = sku % 2 == 0 ? "A1" : "A2", quantity = 2 }),
    "po-receipts");

HttpRequestMessage Return(string eventId, int sku) => ApiKeyPost(
    JsonSerializer.Serialize(new
    {
        eventId, occurredAt = at, returnAuthorization = "RA-" + eventId,
        lines = new object[] { new { sku = Sku(sku), quantity = 1, disposition = "restock", location = "A1" }, new { sku = Sku((sku + 1) % Skus), quantity = 1, disposition = "damaged", location = "A1" } },
    }),
    "return-receipts");

static HttpRequestMessage Json(string path, string body) =>
    new(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

string Adjust(string eventId, int sku, string location) => JsonSerializer.Serialize(new
{
    eventId, type = "adjust", occurredAt = at, sku = Sku(sku), location, quantity = 1 + (sku % 3),
});

string Transfer(string eventId, int sku) => JsonSerializer.Serialize(new
{
    eventId, type = "transfer", occurredAt = at, sku = Sku(sku), location = "A1", toLocation = "B1", quantity = 1,
});

static string Sku(int i) => "SKU-" + i.ToString("D5", CultureInfo.InvariantCulture);

static string Po(int i) => "PO-" + i.ToString("D5", CultureInfo.InvariantCulture);

static int FreePort()
{
    var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

static StorageClients Clients(string connectionString, CountingPolicy counter)
{
    var tableOptions = new TableClientOptions();
    tableOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
    var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
    queueOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
    return new StorageClients(new TableServiceClient(connectionString, tableOptions), new QueueServiceClient(connectionString, queueOptions));
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "WmsFunctions.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Repository root not found.");
}

// As a WMS does: a 503 with Retry-After (the hub's answer while storage stalls) is sent again after that many seconds,
// up to 10 times; the latency then counts from the first try, and the row's "503s" column says how often it happened.
async Task<(HttpResponseMessage Response, int Busy)> SendAsWms(Func<HttpRequestMessage> request, CancellationToken ct, HttpClient? client = null)
{
    for (var busy = 0; ; busy++)
    {
        using var message = request();
        var response = await (client ?? http).SendAsync(message, ct);
        if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || busy == 10)
        {
            return (response, busy);
        }

        var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
        response.Dispose();
        await Task.Delay(wait, ct);
    }
}

static void Print(IReadOnlyList<Row> rows)
{
    static string F(double? value, string format = "0.0") => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
    Console.WriteLine();
    Console.WriteLine($"{"scenario",-50} {"events",7} {"conc",5} {"events/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"tx/event",9} {"host tx",8} {"503s",5} {"failed",7}");
    Console.WriteLine(new string('-', 144));
    foreach (var row in rows)
    {
        Console.WriteLine(
            $"{row.Name,-50} {row.Events,7} {row.Concurrency,5} {F(row.EventsPerSecond),9} {F(row.Latency?.P50),8} {F(row.Latency?.P95),8} " +
            $"{F(row.Latency?.P99),8} {F(row.Latency?.Max),8} {F(row.HandlerTransactions, "0.00"),9} {F(row.HostTransactions, "0.00"),8} {row.Busy,5} {row.Failures,7}");
    }

    Console.WriteLine();
    Console.WriteLine("tx/event: storage requests the handler made per event (retries counted); host tx: the host's own queue reads and deletes;");
    Console.WriteLine("503s: answers 503 (storage stalled past the request deadline) that the driver sent again after Retry-After, as a WMS does.");
}

internal sealed record Row(
    string Name, int Events, int Concurrency, double? EventsPerSecond, Percentiles? Latency, double? HandlerTransactions, double? HostTransactions, int Failures, int Busy = 0);

internal sealed class RelayTotals
{
    public int Events { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public long HandlerTransactions { get; private set; }

    public long HostTransactions { get; private set; }

    public int Failures { get; private set; }

    public void Add(int events, TimeSpan elapsed, long handler, long host, int failures)
    {
        Events += events;
        Elapsed += elapsed;
        HandlerTransactions += handler;
        HostTransactions += host;
        Failures += failures;
    }
}

internal sealed record Percentiles(double P50, double P95, double P99, double Max)
{
    public static Percentiles? Of(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        double At(double p) => values[Math.Clamp((int)Math.Ceiling(p * values.Count) - 1, 0, values.Count - 1)];
        return new Percentiles(At(0.50), At(0.95), At(0.99), values[^1]);
    }
}

/// <summary>
/// BENCH_DIAG=1: tells a stall of the storage emulator from a pause of this process. Pings Azurite on a queue
/// of its own every 100 ms and checks that a 100 ms timer fires on time; reports either when over 1 s.
/// </summary>
internal sealed class StallWatch
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly List<Task> _probes = [];

    public static StallWatch Start(string storage, CancellationToken stop)
    {
        var watch = new StallWatch();
        watch._probes.Add(Task.Run(() => watch.PingAsync(new QueueClient(storage, "ping-" + Guid.NewGuid().ToString("N")[..8]), stop), CancellationToken.None));
        watch._probes.Add(Task.Run(() => watch.TimerAsync(stop), CancellationToken.None));
        return watch;
    }

    public double SecondsAt(long timestamp) => Stopwatch.GetElapsedTime(_origin, timestamp).TotalSeconds;

    public Task StopAsync() => Task.WhenAll(_probes);

    private async Task PingAsync(QueueClient queue, CancellationToken stop)
    {
        // Each round finishes (CancellationToken.None) so a stall in progress is still measured; `stop` ends the loop.
        await queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await queue.GetPropertiesAsync(CancellationToken.None);
            var took = Stopwatch.GetElapsedTime(started);
            if (took > TimeSpan.FromSeconds(1))
            {
                Console.WriteLine($"[diag] Azurite answered a ping after {took.TotalMilliseconds:0} ms (until {SecondsAt(Stopwatch.GetTimestamp()):0.0} s)");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private async Task TimerAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await Task.Delay(100, CancellationToken.None);
            var late = Stopwatch.GetElapsedTime(started) - TimeSpan.FromMilliseconds(100);
            if (late > TimeSpan.FromSeconds(1))
            {
                Console.WriteLine($"[diag] this process paused: a 100 ms timer fired {late.TotalMilliseconds:0} ms late (at {SecondsAt(Stopwatch.GetTimestamp()):0.0} s)");
            }
        }
    }
}

/// <summary>Counts every request (each retry too) a storage client sends.</summary>
internal sealed class CountingPolicy : HttpPipelineSynchronousPolicy
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);
}
