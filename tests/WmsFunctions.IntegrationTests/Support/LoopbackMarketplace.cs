using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>A shipment the marketplace received: order, carrier, class, tracking, DC and (item, quantity) pairs.</summary>
public sealed record ReceivedShipment(string OrderId, string? Carrier, string? Class, string? Tracking, string? Dc, IReadOnlyList<(string Item, long Quantity)> Items);

/// <summary>A stock update the marketplace received.</summary>
public sealed record ReceivedStockUpdate(string ProductId, string UpdateType, IReadOnlyList<(string Dc, long Quantity)> Updates);

/// <summary>
/// A marketplace on a real Kestrel server on 127.0.0.1 speaking a ChannelAdvisor-like REST/OData dialect:
/// GET /v1/Orders with $filter (UpdatedDateUtc ge, ProfileID eq (or-groups), ShippingStatus eq, PaymentStatus eq,
/// DistributionCenterID eq), $orderby UpdatedDateUtc, $top and @odata.nextLink ($skip); POST /v1/Orders({id})/Ship;
/// POST /v1/Products({id})/UpdateQuantity (Relative adds, Absolute sets, per DC); GET /v1/Products?$filter=Sku eq '...'.
/// Requests need the bearer token. <see cref="Throttle"/> answers the next requests 429 with Retry-After.
/// </summary>
public sealed partial class LoopbackMarketplace : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonObject> _orders = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<string>> _products = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Product, string Dc), long> _quantities = new();
    private readonly ConcurrentQueue<ReceivedShipment> _shipments = new();
    private readonly ConcurrentQueue<ReceivedStockUpdate> _stock = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<int> _throttle = new();
    private readonly Lock _gate = new();
    private (int Before, int Count, int RetryAfter)? _throttleLater;

    private LoopbackMarketplace(WebApplication app) => _app = app;

    public string Token { get; } = "mkt-" + Guid.NewGuid().ToString("N");

    public string BaseUrl => _app.Urls.Single();

    /// <summary>Every request as "METHOD path?query", in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    public IReadOnlyList<ReceivedShipment> Shipments => _shipments.ToList();

    public IReadOnlyList<ReceivedStockUpdate> StockUpdates => _stock.ToList();

    public int Throttled { get; private set; }

    /// <summary>Answer every shipment 400 (e.g. the order was cancelled on the marketplace).</summary>
    public bool RefuseShipments { get; set; }

    /// <summary>Answer every stock update 400 (e.g. the product is blocked on the marketplace).</summary>
    public bool RefuseStockUpdates { get; set; }

    public static async Task<LoopbackMarketplace> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var marketplace = new LoopbackMarketplace(app);
        app.Map("/v1/{**path}", marketplace.AnswerAsync);
        await app.StartAsync();
        return marketplace;
    }

    /// <summary>Adds or replaces an order (the marketplace's own update).</summary>
    public void PutOrder(JsonObject order) => _orders[order["ID"]!.ToString()] = order;

    public void AddProduct(string sku, string productId) => _products.AddOrUpdate(sku, [productId], (_, ids) => [.. ids, productId]);

    /// <summary>The next <paramref name="count"/> requests are answered 429 with Retry-After: <paramref name="retryAfterSeconds"/>.</summary>
    public void Throttle(int count, int retryAfterSeconds = 0)
    {
        for (var i = 0; i < count; i++)
        {
            _throttle.Enqueue(retryAfterSeconds);
        }
    }

    /// <summary>After <paramref name="requests"/> more requests, the next <paramref name="count"/> are answered 429 with Retry-After.</summary>
    public void ThrottleAfter(int requests, int count, int retryAfterSeconds)
    {
        lock (_gate)
        {
            _throttleLater = (requests, count, retryAfterSeconds);
        }
    }

    public long Quantity(string productId, string dc) => _quantities.GetValueOrDefault((productId, dc));

    public void SetQuantity(string productId, string dc, long quantity) => _quantities[(productId, dc)] = quantity;

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A ChannelAdvisor-like order: items as (id, sku, quantity) with optional bundle components.</summary>
    public static JsonObject Order(
        string id, DateTimeOffset created, DateTimeOffset updated, string payment = "Cleared", string shipping = "Unshipped", long profile = 1001,
        long flag = 0, string? dc = null, params JsonObject[] items) => new()
        {
            ["ID"] = long.Parse(id, CultureInfo.InvariantCulture),
            ["ProfileID"] = profile,
            ["SiteOrderID"] = "SITE-" + id,
            ["CreatedDateUtc"] = created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["UpdatedDateUtc"] = updated.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["PaymentStatus"] = payment,
            ["ShippingStatus"] = shipping,
            ["DistributionCenterID"] = dc is null ? null : long.Parse(dc, CultureInfo.InvariantCulture),
            ["FlagID"] = flag,
            ["FlagDescription"] = flag == 0 ? null : "Suspected fraud",
            ["ShippingFirstName"] = "Jane",
            ["ShippingLastName"] = "Doe",
            ["ShippingAddressLine1"] = "1 Main St",
            ["ShippingCity"] = "Springfield",
            ["ShippingPostalCode"] = "12345",
            ["ShippingCountry"] = "US",
            ["RequestedShippingCarrier"] = "UPS",
            ["RequestedShippingClass"] = "Ground",
            ["Items"] = new JsonArray(items.Select(i => (JsonNode)i).ToArray()),
        };

    public static JsonObject Item(long id, string sku, long quantity, params (string Sku, long Quantity)[] components) => new()
    {
        ["ID"] = id,
        ["Sku"] = sku,
        ["Quantity"] = quantity,
        ["UnitPrice"] = 9.99m,
        ["IsBundle"] = components.Length > 0,
        ["BundleComponents"] = new JsonArray(components.Select(c => (JsonNode)new JsonObject { ["Sku"] = c.Sku, ["Quantity"] = c.Quantity }).ToArray()),
    };

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        _requests.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            context.Response.StatusCode = 401;
            return;
        }

        lock (_gate)
        {
            if (_throttleLater is { } later)
            {
                if (later.Before == 0)
                {
                    Throttle(later.Count, later.RetryAfter);
                    _throttleLater = null;
                }
                else
                {
                    _throttleLater = later with { Before = later.Before - 1 };
                }
            }
        }

        if (_throttle.TryDequeue(out var retryAfter))
        {
            Throttled++;
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return;
        }

        var path = request.Path.Value!;
        var body = request.ContentLength is > 0 || request.Method == "POST"
            ? JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted)) as JsonObject
            : null;

        if (request.Method == "GET" && path == "/v1/Orders")
        {
            await context.Response.WriteAsJsonAsync(OrdersPage(request), context.RequestAborted);
        }
        else if (request.Method == "GET" && path == "/v1/Products")
        {
            var sku = SkuFilter().Match(request.Query["$filter"].ToString()) is { Success: true } m ? m.Groups[1].Value.Replace("''", "'", StringComparison.Ordinal) : "";
            var ids = _products.GetValueOrDefault(sku) ?? [];
            await context.Response.WriteAsJsonAsync(new JsonObject { ["value"] = new JsonArray(ids.Select(id => (JsonNode)new JsonObject { ["ID"] = long.Parse(id, CultureInfo.InvariantCulture), ["Sku"] = sku }).ToArray()) }, context.RequestAborted);
        }
        else if (request.Method == "POST" && ShipPath().IsMatch(path) && RefuseShipments)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = "Order is cancelled." } }, context.RequestAborted);
        }
        else if (request.Method == "POST" && ShipPath().Match(path) is { Success: true } ship)
        {
            var value = body!["Value"]!;
            _shipments.Enqueue(new ReceivedShipment(
                ship.Groups[1].Value, (string?)value["CarrierName"], (string?)value["ClassName"], (string?)value["TrackingNumber"], value["DistributionCenterID"]?.ToString(),
                value["Items"]!.AsArray().Select(i => (i!["OrderItemID"]!.ToString(), (long)i["Quantity"]!)).ToList()));
            context.Response.StatusCode = 204;
        }
        else if (request.Method == "POST" && QuantityPath().IsMatch(path) && RefuseStockUpdates)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = "Product is blocked." } }, context.RequestAborted);
        }
        else if (request.Method == "POST" && QuantityPath().Match(path) is { Success: true } product)
        {
            var value = body!["Value"]!;
            var type = (string)value["UpdateType"]!;
            var updates = value["Updates"]!.AsArray().Select(u => (u!["DistributionCenterID"]!.ToString(), (long)u["Quantity"]!)).ToList();
            lock (_gate)
            {
                foreach (var (dc, quantity) in updates)
                {
                    var key = (product.Groups[1].Value, dc);
                    _quantities[key] = type == "Relative" ? _quantities.GetValueOrDefault(key) + quantity : quantity;
                }
            }

            _stock.Enqueue(new ReceivedStockUpdate(product.Groups[1].Value, type, updates));
            context.Response.StatusCode = 204;
        }
        else
        {
            context.Response.StatusCode = 404;
        }
    }

    private JsonObject OrdersPage(HttpRequest request)
    {
        var filter = request.Query["$filter"].ToString();
        var top = int.Parse(request.Query["$top"].FirstOrDefault() ?? "100", CultureInfo.InvariantCulture);
        var skip = int.Parse(request.Query["$skip"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture);
        var matching = _orders.Values.Where(o => Matches(o, filter)).OrderBy(o => (string)o["UpdatedDateUtc"]!, StringComparer.Ordinal).ThenBy(o => (long)o["ID"]!).ToList();
        var page = new JsonObject
        {
            ["@odata.context"] = BaseUrl + "/v1/$metadata#Orders",
            ["value"] = new JsonArray(matching.Skip(skip).Take(top).Select(o => o.DeepClone()).ToArray()),
        };
        if (skip + top < matching.Count)
        {
            page["@odata.nextLink"] = $"{BaseUrl}/v1/Orders?$filter={Uri.EscapeDataString(filter)}&$top={top}&$skip={skip + top}";
        }

        return page;
    }

    /// <summary>The OData subset the hub sends: clauses joined by "and", ProfileID or-groups in parentheses.</summary>
    private static bool Matches(JsonObject order, string filter)
    {
        foreach (var clause in filter.Split(" and ", StringSplitOptions.TrimEntries))
        {
            var alternatives = clause.Trim('(', ')').Split(" or ", StringSplitOptions.TrimEntries);
            if (!alternatives.Any(a => Holds(order, a)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Holds(JsonObject order, string comparison)
    {
        var parts = comparison.Split(' ', 3);
        var (field, op, literal) = (parts[0], parts[1], parts[2].Trim('\''));
        var value = order[field]?.ToString();
        return (field, op) switch
        {
            ("UpdatedDateUtc", "ge") => DateTimeOffset.Parse(value!, CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(literal, CultureInfo.InvariantCulture),
            (_, "eq") => string.Equals(value, literal, StringComparison.Ordinal),
            _ => throw new NotSupportedException($"Filter '{comparison}' is not part of the dialect."),
        };
    }

    [GeneratedRegex(@"^Sku eq '((?:[^']|'')*)'$")]
    private static partial Regex SkuFilter();

    [GeneratedRegex(@"^/v1/Orders\(([^)]+)\)/Ship$")]
    private static partial Regex ShipPath();

    [GeneratedRegex(@"^/v1/Products\(([^)]+)\)/UpdateQuantity$")]
    private static partial Regex QuantityPath();
}
