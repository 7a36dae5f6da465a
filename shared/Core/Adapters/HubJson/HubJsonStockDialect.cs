using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.HubJson;

/// <summary>
/// hub-json: <c>GET {BaseUrl}/stock?warehouse={facility}&amp;limit={n}[&amp;cursor={c}]</c>, answered
/// <c>{"asOf": RFC 3339, "items": [{"sku","location","onHand"}], "nextCursor": string|null}</c>, items sorted by
/// <c>sku</c> (ordinal), several rows per SKU when it lies in several locations (documented in
/// functions/openapi/wms-outbound.json, whose <c>/stock</c> path and schemas are written here: <see cref="ContractPath"/>).
/// </summary>
public sealed class HubJsonStockDialect : IWmsStockDialect
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict };

    /// <summary>The listing, relative to the instance's BaseUrl.</summary>
    public const string ListingPath = "stock";

    public string Adapter => HubJsonDialect.DialectName;

    public WmsRequest PageRequest(string wmsWarehouse, string? cursor, int limit) =>
        new(HttpMethod.Get, StockQuery(ListingPath, wmsWarehouse, cursor, limit), "application/json", []);

    public WmsStockPage ReadPage(string? contentType, string body)
    {
        StockPageDto? page;
        try
        {
            page = JsonSerializer.Deserialize<StockPageDto>(body, Json);
        }
        catch (JsonException error)
        {
            throw new WmsStockFormatException($"The stock page is not valid JSON: {error.Message}", error);
        }

        if (page?.AsOf is not { } asOf || page.Items is null)
        {
            throw new WmsStockFormatException("A stock page needs asOf and items.");
        }

        var rows = new List<WmsStockRow>(page.Items.Count);
        foreach (var item in page.Items)
        {
            rows.Add(Validated(item.Sku, item.Location, item.OnHand));
        }

        return new WmsStockPage(asOf, rows, string.IsNullOrEmpty(page.NextCursor) ? null : page.NextCursor);
    }

    internal static string StockQuery(string path, string wmsWarehouse, string? cursor, int limit) =>
        $"{path}?warehouse={Uri.EscapeDataString(wmsWarehouse)}&limit={limit.ToString(CultureInfo.InvariantCulture)}"
        + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));

    internal static WmsStockRow Validated(string? sku, string? location, long? onHand) =>
        string.IsNullOrEmpty(sku) || string.IsNullOrEmpty(location) || onHand is null
            ? throw new WmsStockFormatException("Every stock row needs sku, location and onHand.")
            : new WmsStockRow(sku, location, onHand.Value);

    /// <summary>The listing's path item in the contract (<see cref="HubJsonContract"/>): what <see cref="PageRequest"/> asks and <see cref="ReadPage"/> reads.</summary>
    internal static JsonObject ContractPath() => new()
    {
        ["get"] = new JsonObject
        {
            ["operationId"] = "listStock",
            ["summary"] = "Stock listing for reconciliation: what the WMS holds of every SKU in one facility, page by page.",
            ["description"] =
                "The hub pulls it per facility (the instance's Outbound:Warehouses code of each OMS warehouse) and compares it per warehouse, " +
                "area (the instance's Locations) and SKU with its own snapshot, taking off the movements it booked for events that happened " +
                "after asOf. Items must be sorted by sku in ordinal (code unit) order, several items per SKU when it lies in several locations; " +
                "the hub stops a run whose listing goes backwards. Called through the instance's resilience pipeline and credentials, like " +
                "every document delivery.",
            ["parameters"] = new JsonArray(
                Query("warehouse", true, new JsonObject { ["type"] = "string" }, "The WMS's facility code."),
                Query(
                    "limit",
                    true,
                    new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 5000 },
                    "At most this many items (the instance's Reconciliation:PageSize); fewer is fine."),
                Query("cursor", false, new JsonObject { ["type"] = "string" }, "The nextCursor of the previous page; absent for the first page."),
                HubJsonContract.IdempotencyKey()),
            ["responses"] = new JsonObject
            {
                ["200"] = new JsonObject
                {
                    ["description"] = "One page.",
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = HubJsonContract.Reference("StockPage") },
                    },
                },
                ["429"] = new JsonObject
                {
                    ["description"] =
                        "Too many requests: the page is asked for again after Retry-After (up to the instance's MaxRetryAfter), else the run " +
                        "fails and the queue runs it again later.",
                    ["headers"] = HubJsonContract.RetryAfter(),
                },
                ["503"] = new JsonObject
                {
                    ["description"] = "Unavailable: retried after Retry-After, or with exponential backoff; 408 and other 5xx alike.",
                    ["headers"] = HubJsonContract.RetryAfter(),
                },
                ["4XX"] = new JsonObject { ["description"] = "Refused: the run fails and says why; it is not retried." },
            },
        },
    };

    /// <summary>
    /// The page's schemas. Written by hand rather than from the DTOs: those accept anything to say precisely what is
    /// wrong (<see cref="ReadPage"/>), the contract says what a WMS must send; extra properties are ignored.
    /// </summary>
    internal static IEnumerable<KeyValuePair<string, JsonNode>> ContractSchemas() =>
    [
        new("StockPage", new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = true,
            ["required"] = new JsonArray("asOf", "items"),
            ["properties"] = new JsonObject
            {
                ["asOf"] = new JsonObject
                {
                    ["type"] = "string",
                    ["format"] = "date-time",
                    ["description"] = "When the page's figures were true (the WMS's clock).",
                },
                ["items"] = new JsonObject { ["type"] = "array", ["items"] = HubJsonContract.Reference("StockItem") },
                ["nextCursor"] = new JsonObject
                {
                    ["type"] = "string",
                    ["nullable"] = true, // OpenAPI 3.0 spelling; a type list ["string", "null"] is 3.1 only
                    ["description"] = "Opaque; null or absent on the last page. Must change from page to page.",
                },
            },
        }),
        new("StockItem", new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = true,
            ["required"] = new JsonArray("sku", "location", "onHand"),
            ["properties"] = new JsonObject
            {
                ["sku"] = new JsonObject { ["type"] = "string", ["description"] = "The WMS's SKU (mapped back through the instance's SkuAliases)." },
                ["location"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "The WMS's location or area code (mapped through the instance's Locations; an unmapped one is reported).",
                },
                ["onHand"] = new JsonObject { ["type"] = "integer", ["format"] = "int64", ["description"] = "Units on hand there." },
            },
        }),
    ];

    private static JsonObject Query(string name, bool required, JsonObject schema, string description) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["required"] = required,
        ["schema"] = schema,
        ["description"] = description,
    };

    private sealed record StockPageDto(DateTimeOffset? AsOf, List<StockItemDto>? Items, string? NextCursor);

    private sealed record StockItemDto(string? Sku, string? Location, long? OnHand);
}
