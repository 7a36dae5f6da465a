using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Audit;
using WmsFunctions.Items;
using WmsFunctions.Stock;
using WmsFunctions.Storage;

namespace WmsFunctions.LocalHost;

/// <summary>
/// ./run.sh --demo: a warehouse reports a few movements (and a few mistakes) to the running hub; the demo prints
/// each answer, then the stock snapshots, the audit log and the CloudEvents that left for the OMS.
/// </summary>
internal static class Demo
{
    private const string Tenant = "demo";
    private const string Instance = "dc-east";

    public static async Task<int> RunAsync(string appRoot, Uri handlerUrl, string keysPath, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = new ServiceCollection().AddLogging().AddWmsCore(configuration).BuildServiceProvider();
        var keys = JsonDocument.Parse(await File.ReadAllTextAsync(keysPath, cancellationToken)).RootElement;
        var apiKey = keys.GetProperty(Tenant).GetProperty(Instance).GetString()!;
        var (_, serviceBus) = Commands.Create(appRoot, handlerUrl);
        var started = DateTimeOffset.UtcNow;

        await SeedItemsAsync(services, cancellationToken);

        using var http = new HttpClient { BaseAddress = handlerUrl };
        var url = $"/api/wms/{Tenant}/{Instance}/inventory-transactions";
        var now = DateTimeOffset.UtcNow;
        var run = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        Heading("Warehouse dc-east reports");
        var adjustment = Event($"adj-{run}", "adjust", now.AddMinutes(-5), "TSHIRT-RED-M", "EAST-A1", quantity: -2, reason: "DMG");
        var posts = new (string Label, string Body, string? Key, string ContentType)[]
        {
            ("count 40 in area EAST-A1 (overlay)", Event($"cnt-{run}", "overlay", now.AddMinutes(-10), "TSHIRT-RED-M", "EAST-A1", quantity: 40), apiKey, "application/json"),
            ("adjust -2, damaged", adjustment, apiKey, "application/json"),
            ("transfer 3 from EAST-A1 to the QA cage", Event($"trf-{run}", "transfer", now.AddMinutes(-4), "100234", "EAST-A1", quantity: 3, to: "EAST-QA"), apiKey, "application/json"),
            ("count 10 in area EAST-A2 (same DC, other area)", Event($"cnt2-{run}", "O", now.AddMinutes(-3), "100234", "EAST-A2", quantity: 10), apiKey, "application/json"),
            ("the adjustment again (a retry)", adjustment, apiKey, "application/json"),
            ("a late adjust from before the count", Event($"late-{run}", "adjust", now.AddMinutes(-20), "100234", "EAST-A1", quantity: 5), apiKey, "application/json"),
            ("an unknown SKU", Event($"bad1-{run}", "adjust", now, "NO-SUCH-SKU", "EAST-A1", quantity: 1), apiKey, "application/json"),
            ("a store's location", Event($"bad2-{run}", "adjust", now, "100234", "S12-FLOOR", quantity: 1), apiKey, "application/json"),
            ("broken JSON", "{\"eventId\": \"x\", \"quantity\": ", apiKey, "application/json"),
            ("a wrong API key", Event($"bad3-{run}", "adjust", now, "100234", "EAST-A1", quantity: 1), "not-the-key", "application/json"),
        };

        foreach (var (label, body, key, contentType) in posts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, contentType) };
            request.Headers.Add("X-Api-Key", key);
            using var response = await http.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            var replayed = response.Headers.Contains("Idempotent-Replayed") ? " (replayed)" : "";
            Console.WriteLine($"  {label,-48} -> {(int)response.StatusCode}{replayed}  {Shorten(answer)}");
        }

        Heading("Messages that left for the OMS (Service Bus topic, via the outbox relay)");
        var topic = configuration["OMS_EVENTS_TOPIC"] ?? "wms-to-oms";
        var received = new List<StandInMessage>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (received.Count < 5 && DateTimeOffset.UtcNow < deadline)
        {
            received.AddRange(await serviceBus.ReceiveAllAsync(topic, cancellationToken));
            await Task.Delay(200, cancellationToken);
        }

        foreach (var message in received)
        {
            var cloudEvent = JsonDocument.Parse(message.Body).RootElement;
            var data = cloudEvent.GetProperty("data");
            var moves = string.Join(", ", data.GetProperty("movements").EnumerateArray().Select(m =>
                $"{m.GetProperty("warehouse").GetString()}/{m.GetProperty("sku").GetString()} {m.GetProperty("quantity").GetInt64():+0;-0;0} -> {m.GetProperty("onHandAfter").GetInt64()}"));
            Console.WriteLine($"  {cloudEvent.GetProperty("type").GetString(),-38} {data.GetProperty("status").GetString(),-11} {moves}");
            Console.WriteLine($"    id {cloudEvent.GetProperty("id").GetString()}");
        }

        Heading("Stock snapshots");
        var ledger = services.GetRequiredService<StockLedger>();
        foreach (var warehouse in new[] { "DC-EAST", "DC-EAST-QA" })
        {
            var snapshot = await ledger.GetSnapshotAsync(Tenant, warehouse, "100234", cancellationToken);
            if (snapshot is null)
            {
                Console.WriteLine($"  {warehouse,-11} 100234  (none)");
                continue;
            }

            var areas = string.Join(", ", StockLedger.ReadAreas(snapshot).Select(a => $"{a.Key}={a.Value.OnHand}"));
            Console.WriteLine($"  {warehouse,-11} 100234  on hand {snapshot.OnHand,4}  version {snapshot.Version}  areas: {areas}");
        }

        Heading("Audit log");
        var audit = services.GetRequiredService<AuditLog>();
        var entries = (await audit.QueryAsync(Tenant, started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken))
            .Concat(await audit.QueryAsync(AuditLog.UnauthenticatedTenant, started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken))
            .OrderBy(e => e.At);
        foreach (var entry in entries)
        {
            Console.WriteLine($"  {entry.At:HH:mm:ss.fff} {entry.Flow,-9} {entry.Instance,-8} {entry.Outcome,-10} {entry.Reason ?? entry.EventId,-22} {Shorten(entry.Summary ?? "", 70)}");
        }

        var downloaded = await ItemDownloadAsync(services, serviceBus, configuration, cancellationToken);
        return received.Count >= 5 && downloaded ? 0 : 1;
    }

    /// <summary>
    /// The OMS -> WMS direction: one item download goes onto the items topic; the host stand-in invokes ItemDownload,
    /// which delivers it to both demo instances (dc-east in the hub's JSON, store-12 in the XML dialect) and puts
    /// the item into the hub's catalog.
    /// </summary>
    private static async Task<bool> ItemDownloadAsync(IServiceProvider services, ServiceBusStandIn serviceBus, IConfiguration configuration, CancellationToken cancellationToken)
    {
        Heading("OMS -> WMS: an item download (topic oms-items) delivered to both WMS instances");
        var id = "item-100236-" + DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var cloudEvent = JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id,
            source = "/oms/demo",
            type = "com.wmsfunctions.oms.item.changed",
            tenant = Tenant,
            time = DateTimeOffset.UtcNow,
            datacontenttype = "application/json",
            data = new
            {
                sku = "100236",
                version = 1,
                description = "T-shirt red XL",
                active = true,
                unitOfMeasure = "EA",
                gtins = new[] { "036000291452" },
                casePacks = new[] { new { unitOfMeasure = "CS", eachesPerUnit = 12 } },
                attributes = new { color = "red", size = "XL" },
            },
        });
        var topic = configuration["OMS_ITEMS_TOPIC"] ?? "oms-items";
        await serviceBus.SendAsync(topic, cloudEvent, cancellationToken);
        Console.WriteLine($"  sent {id} to topic {topic}");

        var queue = HubStorage.CreateClients(configuration).Queues.GetQueueClient(WmsStandIn.ReceivedQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var documents = new List<WmsReceived>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (documents.Count < 2 && DateTimeOffset.UtcNow < deadline)
        {
            foreach (var message in (await queue.ReceiveMessagesAsync(10, TimeSpan.FromMinutes(1), cancellationToken)).Value)
            {
                documents.Add(JsonSerializer.Deserialize<WmsReceived>(message.Body.ToString())!);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }

            await Task.Delay(200, cancellationToken);
        }

        foreach (var document in documents.OrderBy(d => d.Instance, StringComparer.Ordinal))
        {
            Console.WriteLine($"  {document.Instance,-15} {document.Method} {document.Path}  ({document.ContentType})");
            Console.WriteLine($"    {Shorten(document.Body, 160)}");
        }

        var item = await services.GetRequiredService<ItemCatalog>().GetAsync(Tenant, "100236", cancellationToken);
        Console.WriteLine(item is null
            ? "  catalog: 100236 missing"
            : $"  catalog: {item.Sku} '{item.Description}' version {item.Version}, GTINs {item.Gtins}: webhooks may now move it");
        return documents.Count == 2 && item is not null;
    }

    /// <summary>
    /// Items normally come from the OMS's item download; locally, ./run.sh puts three demo items straight into
    /// the catalog so that a first webhook call has something to move.
    /// </summary>
    public static async Task<int> SeedAsync(CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = new ServiceCollection().AddLogging().AddWmsCore(configuration).BuildServiceProvider();
        await SeedItemsAsync(services, cancellationToken);
        return 0;
    }

    private static async Task SeedItemsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var items = services.GetRequiredService<ItemCatalog>();
        foreach (var (sku, description) in new[] { ("100234", "T-shirt red M"), ("100235", "T-shirt red L"), ("200001", "Mug") })
        {
            await items.UpsertAsync(Tenant, sku, description, active: true, cancellationToken);
        }
    }

    private static string Event(string id, string type, DateTimeOffset at, string sku, string location, long quantity, string? reason = null, string? to = null) =>
        JsonSerializer.Serialize(new
        {
            eventId = id,
            type,
            occurredAt = at,
            sku,
            location,
            toLocation = to,
            quantity,
            reasonCode = reason,
        });

    private static void Heading(string text) => Console.WriteLine($"{Environment.NewLine}== {text}");

    private static string Shorten(string text, int max = 110)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..(max - 3)] + "...";
    }
}
