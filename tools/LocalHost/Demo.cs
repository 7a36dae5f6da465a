using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.LocalHost;

/// <summary>
/// ./run.sh --demo: warehouses report a few movements, a PO receipt and a return (and a few mistakes) to the running
/// hub, under each auth scheme; the demo prints each answer, then the CloudEvents that left for the OMS, the stock
/// snapshots and the audit log.
/// </summary>
internal static class Demo
{
    private const string Tenant = "demo";
    private const string Instance = "dc-east";

    public static async Task<int> RunAsync(string appRoot, Uri handlerUrl, string keysPath, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = new ServiceCollection().AddLogging().AddWmsCore(configuration).BuildServiceProvider();
        var keys = JsonDocument.Parse(await File.ReadAllTextAsync(keysPath, cancellationToken)).RootElement.GetProperty(Tenant);
        var apiKey = keys.GetProperty(Instance).GetString()!;
        var westSecret = keys.GetProperty("dc-west").EnumerateObject().First().Value.GetString()!;
        var northKey = keys.GetProperty("3pl-north").GetString()!;
        var (_, serviceBus) = Commands.Create(appRoot, handlerUrl);
        var started = DateTimeOffset.UtcNow;

        await SeedItemsAsync(services, cancellationToken);

        using var http = new HttpClient { BaseAddress = handlerUrl };
        var url = $"/api/wms/{Tenant}/{Instance}/inventory-transactions";
        var now = DateTimeOffset.UtcNow;
        var run = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        (string, string)[] key = [("X-Api-Key", apiKey)];

        Heading("Warehouses report (dc-east and store-12 with an API key, dc-west signed by Standard Webhooks, 3pl-north with an OAuth bearer token)");
        var adjustment = Event($"adj-{run}", "adjust", now.AddMinutes(-5), "TSHIRT-RED-M", "EAST-A1", quantity: -2, reason: "DMG");
        var westEvent = Event($"west-{run}", "adjust", now.AddMinutes(-2), "100235", "WEST-A1", quantity: 5);
        var westMessage = Sign(westSecret, $"msg_{run}", westEvent, now);
        var posts = new (string Label, string Url, string Body, (string, string)[] Headers)[]
        {
            ("count 40 in area EAST-A1 (overlay)", url, Event($"cnt-{run}", "overlay", now.AddMinutes(-10), "TSHIRT-RED-M", "EAST-A1", quantity: 40), key),
            ("adjust -2, damaged", url, adjustment, key),
            ("transfer 3 from EAST-A1 to the QA cage", url, Event($"trf-{run}", "transfer", now.AddMinutes(-4), "100234", "EAST-A1", quantity: 3, to: "EAST-QA"), key),
            ("count 10 in area EAST-A2 (same DC, other area)", url, Event($"cnt2-{run}", "O", now.AddMinutes(-3), "100234", "EAST-A2", quantity: 10), key),
            ("the adjustment again (a retry)", url, adjustment, key),
            ("a late adjust from before the count", url, Event($"late-{run}", "adjust", now.AddMinutes(-20), "100234", "EAST-A1", quantity: 5), key),
            ("PO-DEMO-1 line 1: 6 good + 1 damaged of 10", $"/api/wms/{Tenant}/{Instance}/po-receipts",
                JsonSerializer.Serialize(new { eventId = $"rcv-{run}", occurredAt = now.AddMinutes(-1), poNumber = "PO-DEMO-1", lineNumber = 1, sku = "100234", location = "EAST-A2", quantity = 6, damagedQuantity = 1 }), key),
            ("PO-DEMO-1 line 1: 5 more (over-receipt)", $"/api/wms/{Tenant}/{Instance}/po-receipts",
                JsonSerializer.Serialize(new { eventId = $"rcv2-{run}", occurredAt = now.AddMinutes(-1), poNumber = "PO-DEMO-1", lineNumber = 1, sku = "100234", location = "EAST-A2", quantity = 5 }), key),
            ("return RA-DEMO-1: 1 restock, 1 damaged", $"/api/wms/{Tenant}/{Instance}/return-receipts",
                JsonSerializer.Serialize(new
                {
                    eventId = $"ret-{run}", occurredAt = now.AddMinutes(-1), returnAuthorization = "RA-DEMO-1",
                    lines = new object[] { new { sku = "100234", quantity = 1, disposition = "restock", location = "EAST-A1" }, new { sku = "100234", quantity = 1, disposition = "damaged", location = "EAST-A1" } },
                }), key),
            ("dc-west: adjust +5, signed (Standard Webhooks)", $"/api/wms/{Tenant}/dc-west/inventory-transactions", westEvent, westMessage),
            ("dc-west: the same message again", $"/api/wms/{Tenant}/dc-west/inventory-transactions", westEvent, westMessage),
            ("dc-west: a body that does not match its signature", $"/api/wms/{Tenant}/dc-west/inventory-transactions", westEvent.Replace("5", "50", StringComparison.Ordinal), westMessage),
            ("3pl-north: adjust +7 with a bearer token", $"/api/wms/{Tenant}/3pl-north/inventory-transactions",
                Event($"north-{run}", "adjust", now.AddMinutes(-1), "200001", "N-DOCK", quantity: 7), [("Authorization", "Bearer " + Token(northKey, now))]),
            ("an unknown SKU", url, Event($"bad1-{run}", "adjust", now, "NO-SUCH-SKU", "EAST-A1", quantity: 1), key),
            ("a store's location", url, Event($"bad2-{run}", "adjust", now, "100234", "S12-FLOOR", quantity: 1), key),
            ("broken JSON", url, "{\"eventId\": \"x\", \"quantity\": ", key),
            ("a wrong API key", url, Event($"bad3-{run}", "adjust", now, "100234", "EAST-A1", quantity: 1), [("X-Api-Key", "not-the-key")]),
        };

        var accepted = 0;
        foreach (var (label, path, body, headers) in posts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in headers)
            {
                request.Headers.Add(name, value);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            var replayed = response.Headers.Contains("Idempotent-Replayed");
            accepted += (int)response.StatusCode == 202 && !replayed ? 1 : 0;
            Console.WriteLine($"  {label,-50} -> {(int)response.StatusCode}{(replayed ? " (replayed)" : "")}  {Shorten(answer)}");
        }

        Heading("Messages that left for the OMS (Service Bus topic, via the outbox relay)");
        var topic = configuration["OMS_EVENTS_TOPIC"] ?? "wms-to-oms";
        var received = new List<StandInMessage>();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(15);
        while (received.Count < accepted && DateTimeOffset.UtcNow < deadline)
        {
            received.AddRange(await serviceBus.ReceiveAllAsync(topic, cancellationToken));
            await Task.Delay(200, cancellationToken);
        }

        foreach (var message in received)
        {
            var cloudEvent = JsonDocument.Parse(message.Body).RootElement;
            var data = cloudEvent.GetProperty("data");
            var what = data.TryGetProperty("movements", out var movements)
                ? string.Join(", ", movements.EnumerateArray().Select(m =>
                    $"{m.GetProperty("warehouse").GetString()}/{m.GetProperty("sku").GetString()} {m.GetProperty("quantity").GetInt64():+0;-0;0} -> {m.GetProperty("onHandAfter").GetInt64()}"))
                : string.Join(", ", data.GetProperty("lines").EnumerateArray().Select(l =>
                    $"{l.GetProperty("sku").GetString()} x{l.GetProperty("quantity").GetInt64()} {l.GetProperty("disposition").GetString()}: {l.GetProperty("stock").GetString()}"));
            var flags = data.TryGetProperty("flags", out var flagged) && flagged.GetArrayLength() > 0 ? $" [{string.Join(", ", flagged.EnumerateArray())}]" : "";
            Console.WriteLine($"  {cloudEvent.GetProperty("type").GetString(),-42} {data.GetProperty("status").GetString(),-11} {what}{flags}");
            Console.WriteLine($"    id {cloudEvent.GetProperty("id").GetString()}");
        }

        Heading("Stock snapshots");
        var ledger = services.GetRequiredService<StockLedger>();
        foreach (var (warehouse, sku) in new[] { ("DC-EAST", "100234"), ("DC-EAST-QA", "100234"), ("DC-WEST", "100235"), ("DC-NORTH", "200001") })
        {
            var snapshot = await ledger.GetSnapshotAsync(Tenant, warehouse, sku, cancellationToken);
            if (snapshot is null)
            {
                Console.WriteLine($"  {warehouse,-11} {sku}  (none)");
                continue;
            }

            var areas = string.Join(", ", StockLedger.ReadAreas(snapshot).Select(a => $"{a.Key}={a.Value.OnHand}"));
            Console.WriteLine($"  {warehouse,-11} {sku}  on hand {snapshot.OnHand,4}  version {snapshot.Version}  areas: {areas}");
        }

        Heading("Audit log");
        var audit = services.GetRequiredService<AuditLog>();
        var entries = (await audit.QueryAsync(Tenant, started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken))
            .Concat(await audit.QueryAsync(AuditLog.UnauthenticatedTenant, started.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1), cancellationToken))
            .OrderBy(e => e.At);
        foreach (var entry in entries)
        {
            Console.WriteLine($"  {entry.At:HH:mm:ss.fff} {entry.Flow,-11} {entry.Instance,-9} {entry.Outcome,-10} {entry.Reason ?? entry.EventId,-22} {Shorten(entry.Summary ?? "", 70)}");
        }

        var downloaded = await ItemDownloadAsync(services, serviceBus, configuration, cancellationToken);
        var shipped = await PickSlipAsync(http, apiKey, serviceBus, configuration, cancellationToken);
        var reconciled = await DemoReconciliation.RunAsync(services, Tenant, Instance, cancellationToken);
        return received.Count >= accepted && downloaded && shipped && reconciled ? 0 : 1;
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
        var topic = ItemDownloadFlow.Registration.Topic;
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
    /// A pick slip from both sides: the OMS sends it (topic oms-pick-slips), the hub delivers it to dc-east and hands it
    /// to the orchestration, dc-east confirms the shipment (pick in), and the OMS hears each status.
    /// </summary>
    private static async Task<bool> PickSlipAsync(HttpClient http, string apiKey, ServiceBusStandIn serviceBus, IConfiguration configuration, CancellationToken cancellationToken)
    {
        Heading("A pick slip: OMS -> hub -> dc-east, then dc-east confirms the shipment");
        var run = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var slipId = "PS-" + run;
        await serviceBus.SendAsync(PickSlipOutFlow.Registration.Topic, JsonSerializer.Serialize(new
        {
            specversion = "1.0",
            id = "pick-" + run,
            source = "/oms/demo",
            type = "com.wmsfunctions.oms.pick-slip.generated",
            tenant = Tenant,
            time = DateTimeOffset.UtcNow,
            datacontenttype = "application/json",
            data = new
            {
                pickSlipId = slipId,
                orderId = "ORD-" + run,
                version = 1,
                warehouse = "DC-EAST",
                reprint = false,
                carrier = "UPS",
                service = "GROUND",
                shipTo = new { name = "Demo Customer", address = new { line1 = "1 Demo Street", city = "Springfield", postalCode = "12345", country = "US" } },
                lines = new[] { new { lineNumber = 1, sku = "100234", quantity = 2, unitOfMeasure = "EA" } },
            },
        }), cancellationToken);
        Console.WriteLine($"  the OMS sent {slipId} (2 x 100234 from DC-EAST)");

        var topic = configuration["OMS_EVENTS_TOPIC"] ?? "wms-to-oms";
        var statuses = new List<string>();
        async Task WaitForAsync(string type)
        {
            var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
            while (!statuses.Contains(type) && DateTimeOffset.UtcNow < deadline)
            {
                foreach (var message in await serviceBus.ReceiveAllAsync(topic, cancellationToken))
                {
                    var cloudEvent = JsonDocument.Parse(message.Body).RootElement;
                    if (cloudEvent.GetProperty("subject").GetString() == slipId)
                    {
                        var eventType = cloudEvent.GetProperty("type").GetString()!;
                        statuses.Add(eventType);
                        Console.WriteLine($"  -> OMS: {eventType,-36} state {cloudEvent.GetProperty("data").GetProperty("state").GetString()}");
                    }
                }

                await Task.Delay(200, cancellationToken);
            }
        }

        await WaitForAsync("com.wmsfunctions.pickslip.sent");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/wms/{Tenant}/{Instance}/pick-confirmations")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                eventId = "ship-" + run,
                type = "shipped",
                occurredAt = DateTimeOffset.UtcNow,
                pickSlipId = slipId,
                lines = new[] { new { line = 1, quantity = 2, location = "EAST-A1" } },
                cartons = new[] { new { sscc = "106141411234567897", trackingNumber = "1ZDEMO" + run, carrier = "UPS", contents = new[] { new { line = 1, quantity = 2 } } } },
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await http.SendAsync(request, cancellationToken);
        Console.WriteLine($"  dc-east confirms the shipment (1 carton, SSCC and tracking) -> {(int)response.StatusCode}  {Shorten(await response.Content.ReadAsStringAsync(cancellationToken))}");
        await WaitForAsync("com.wmsfunctions.pickslip.shipped");
        return statuses.Contains("com.wmsfunctions.pickslip.shipped");
    }

    /// <summary>The Standard Webhooks headers a WMS sends with a body.</summary>
    private static (string, string)[] Sign(string secret, string webhookId, string body, DateTimeOffset now)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _ = StandardWebhooks.TryParseSecret(secret, out var key);
        return
        [
            (StandardWebhooks.IdHeader, webhookId),
            (StandardWebhooks.TimestampHeader, timestamp),
            (StandardWebhooks.SignatureHeader, StandardWebhooks.Sign(key, webhookId, timestamp, Encoding.UTF8.GetBytes(body))),
        ];
    }

    /// <summary>A bearer token as 3pl-north's identity provider would issue it (issuer and audience as in tenants.sample.json).</summary>
    private static string Token(string privateKeyPem, DateTimeOffset now)
    {
        using var rsa = RSA.Create();
        rsa.ImportFromPem(privateKeyPem);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://login.example.test/3pl-north/v2.0",
            Audience = "api://wmsfunctions/demo/3pl-north",
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = now.AddMinutes(10).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa.ExportParameters(true)) { KeyId = "3pl-north-1" }, SecurityAlgorithms.RsaSha256),
        });
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

        // Purchase orders normally come from the OMS's PO download; the demo's one is written the same way.
        var orders = await services.GetRequiredService<HubStorage>().TableAsync(HubTable.PurchaseOrders, cancellationToken);
        var partition = PurchaseOrderHeaderEntity.PartitionFor(Tenant, "PO-DEMO-1");
        await orders.UpsertEntityAsync(
            new PurchaseOrderHeaderEntity { PartitionKey = partition, Tenant = Tenant, PoNumber = "PO-DEMO-1", VendorId = "VEND-1", Warehouse = "DC-EAST", Version = 1, UpdatedAt = DateTimeOffset.UtcNow },
            TableUpdateMode.Replace, cancellationToken);
        await orders.UpsertEntityAsync(
            new PurchaseOrderLineEntity { PartitionKey = partition, RowKey = PurchaseOrderLineEntity.RowFor(1), LineNumber = 1, Sku = "100234", ExpectedQuantity = 10 },
            TableUpdateMode.Replace, cancellationToken);
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
