using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>One stock row as the WMS reports it: its own SKU and location codes.</summary>
public sealed record WmsStockRow(string Sku, string Location, long OnHand);

/// <summary>One page of a WMS's stock listing; <see cref="AsOf"/> is the moment its figures were true.</summary>
public sealed record WmsStockPage(DateTimeOffset AsOf, IReadOnlyList<WmsStockRow> Items, string? NextCursor);

/// <summary>
/// The stock-listing half of a WMS dialect (the adapter seam of the reconciliation): how to ask for one page and how to
/// read the answer. An adapter without one cannot be reconciled, and its runs say so.
/// </summary>
public interface IWmsStockDialect
{
    string Adapter { get; }

    /// <summary>The request for one page of <paramref name="wmsWarehouse"/> (the WMS's facility code), relative to BaseUrl.</summary>
    WmsRequest PageRequest(string wmsWarehouse, string? cursor, int limit);

    /// <summary>Reads an answer; throws <see cref="WmsStockFormatException"/> when it does not follow the contract.</summary>
    WmsStockPage ReadPage(string? contentType, string body);
}

/// <summary>The WMS answered something that is not a stock page: retrying will not help.</summary>
public sealed class WmsStockFormatException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// hub-json: <c>GET {BaseUrl}/stock?warehouse={facility}&amp;limit={n}[&amp;cursor={c}]</c>, answered
/// <c>{"asOf": RFC 3339, "items": [{"sku","location","onHand"}], "nextCursor": string|null}</c>, items sorted by
/// <c>sku</c> (ordinal), several rows per SKU when it lies in several locations (documented in
/// functions/openapi/wms-outbound.json).
/// </summary>
public sealed class HubJsonStockDialect : IWmsStockDialect
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip, NumberHandling = JsonNumberHandling.Strict };

    public string Adapter => HubJsonAdapter.AdapterName;

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

/// <summary>
/// generic-xml: <c>GET {BaseUrl}/messages/inventory?warehouse=&amp;limit=[&amp;cursor=]</c>, answered
/// <c>&lt;Inventory asOf=".." next=".."&gt;&lt;Item sku=".." location=".." onHand=".."/&gt;...&lt;/Inventory&gt;</c>,
/// items sorted by sku, in the CW...Out style of the dialect.
/// </summary>
public sealed class GenericXmlStockDialect : IWmsStockDialect
{
    public string Adapter => GenericXmlAdapter.AdapterName;

    public WmsRequest PageRequest(string wmsWarehouse, string? cursor, int limit) =>
        new(HttpMethod.Get, HubJsonStockDialect.StockQuery(GenericXmlAdapter.Path + "/inventory", wmsWarehouse, cursor, limit), "application/xml", []);

    public WmsStockPage ReadPage(string? contentType, string body)
    {
        XElement root;
        try
        {
            root = XDocument.Parse(body).Root ?? throw new WmsStockFormatException("The inventory answer is empty.");
        }
        catch (XmlException error)
        {
            throw new WmsStockFormatException($"The inventory answer is not XML: {error.Message}", error);
        }

        if (root.Name.LocalName != "Inventory"
            || !DateTimeOffset.TryParse((string?)root.Attribute("asOf"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var asOf))
        {
            throw new WmsStockFormatException("The inventory answer must be <Inventory asOf=\"...\">.");
        }

        var rows = root.Elements("Item").Select(item => HubJsonStockDialect.Validated(
            (string?)item.Attribute("sku"),
            (string?)item.Attribute("location"),
            long.TryParse((string?)item.Attribute("onHand"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var onHand) ? onHand : null)).ToList();
        var next = (string?)root.Attribute("next");
        return new WmsStockPage(asOf, rows, string.IsNullOrEmpty(next) ? null : next);
    }
}

/// <summary>
/// Pulls one WMS facility's stock page by page through the instance's resilience pipeline and credentials (the same
/// <see cref="WmsClient"/> the outbound flows use: backoff, Retry-After on 429/503, circuit breaker, timeouts).
/// Only one page is held at a time.
/// </summary>
public sealed class WmsStockPull(WmsClient client, IEnumerable<IWmsStockDialect> dialects)
{
    private readonly Dictionary<string, IWmsStockDialect> _dialects = dialects.ToDictionary(d => d.Adapter, StringComparer.Ordinal);

    public IWmsStockDialect? DialectFor(string adapter) => _dialects.GetValueOrDefault(adapter);

    /// <summary>The pages of one facility; <paramref name="onPage"/> sees each page before its rows are handed out.</summary>
    public async IAsyncEnumerable<WmsStockRow> RowsAsync(
        OutboundInstance instance, IWmsStockDialect dialect, string wmsWarehouse, int pageSize, string runId, Action<WmsStockPage> onPage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        var page = 0;
        do
        {
            var request = dialect.PageRequest(wmsWarehouse, cursor, pageSize);
            var answer = await client.SendAsync(instance, request, $"{runId}/{wmsWarehouse}/{page}", cancellationToken).ConfigureAwait(false);
            if (!answer.Accepted)
            {
                throw new WmsStockFormatException($"The WMS refused the stock listing of '{wmsWarehouse}': HTTP {answer.Status} {WmsClient.Excerpt(answer.Body)}");
            }

            var stock = dialect.ReadPage(answer.ContentType, answer.Body);
            onPage(stock);
            foreach (var row in stock.Items)
            {
                yield return row;
            }

            if (stock.NextCursor is not null && stock.NextCursor == cursor)
            {
                throw new WmsStockFormatException($"The WMS sent the same cursor '{cursor}' again: the listing would never end.");
            }

            cursor = stock.NextCursor;
            page++;
        }
        while (cursor is not null);
    }
}
