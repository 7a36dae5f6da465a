using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Adapters.HubJson;

/// <summary>
/// hub-json: <c>GET {BaseUrl}/stock?warehouse={facility}&amp;limit={n}[&amp;cursor={c}]</c>, answered
/// <c>{"asOf": RFC 3339, "items": [{"sku","location","onHand"}], "nextCursor": string|null}</c>, items sorted by
/// <c>sku</c> (ordinal), several rows per SKU when it lies in several locations (documented in
/// functions/openapi/wms-outbound.json).
/// </summary>
public sealed class HubJsonStockDialect : IWmsStockDialect
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict };

    public string Adapter => HubJsonDialect.DialectName;

    public WmsRequest PageRequest(string wmsWarehouse, string? cursor, int limit) =>
        new(HttpMethod.Get, StockQuery("stock", wmsWarehouse, cursor, limit), "application/json", []);

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

    private sealed record StockPageDto(DateTimeOffset? AsOf, List<StockItemDto>? Items, string? NextCursor);

    private sealed record StockItemDto(string? Sku, string? Location, long? OnHand);
}
