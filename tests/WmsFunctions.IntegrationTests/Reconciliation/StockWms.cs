using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WmsFunctions.IntegrationTests.Reconciliation;

/// <summary>One stock row a WMS holds: in which facility, under its own SKU and location codes.</summary>
public sealed record HeldStock(string Facility, string Sku, string Location, long OnHand);

/// <summary>
/// A WMS on a real Kestrel server on 127.0.0.1 that lists its stock by the hub-json contract
/// (<c>GET /wms/v1/stock?warehouse=&amp;limit=&amp;cursor=</c>, sorted by SKU, an opaque cursor, <see cref="AsOf"/>), checks
/// the API key, and can answer chosen stock requests with an error (e.g. 429 with Retry-After). The same listing is
/// served in the generic-xml dialect (<c>GET /wms/v1/messages/inventory</c>, <c>&lt;Inventory asOf next&gt;&lt;Item/&gt;</c>).
/// It also plays an OMS stock endpoint (<c>GET /oms/stock?warehouse=&amp;sku=</c>) for the third figure.
/// </summary>
public sealed class StockWms : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();
    private int _stockRequests;

    private StockWms(WebApplication app) => _app = app;

    public string ApiKey { get; } = "stock-key-" + Guid.NewGuid().ToString("N");

    public string BaseUrl => _app.Urls.Single() + "/wms/v1";

    public string OmsUrl => _app.Urls.Single() + "/oms";

    public List<HeldStock> Stock { get; set; } = [];

    public DateTimeOffset AsOf { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>By the 1-based number of the stock request: the status to answer instead, with a Retry-After in seconds.</summary>
    public ConcurrentDictionary<int, (int Status, int? RetryAfterSeconds)> Faults { get; } = new();

    /// <summary>The OMS's figures by "warehouse/sku".</summary>
    public ConcurrentDictionary<string, long> OmsFigures { get; } = new(StringComparer.Ordinal);

    /// <summary>Every request as "METHOD path?query", in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToList();

    public static async Task<StockWms> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var wms = new StockWms(app);
        app.MapGet("/wms/v1/stock", context => wms.ListAsync(context, xml: false));
        app.MapGet("/wms/v1/messages/inventory", context => wms.ListAsync(context, xml: true));
        app.MapGet("/oms/stock", wms.OmsAsync);
        await app.StartAsync();
        return wms;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task ListAsync(HttpContext context, bool xml)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        var number = Interlocked.Increment(ref _stockRequests);
        if (context.Request.Headers["X-Api-Key"] != ApiKey)
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (Faults.TryGetValue(number, out var fault))
        {
            context.Response.StatusCode = fault.Status;
            if (fault.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return;
        }

        var facility = context.Request.Query["warehouse"].ToString();
        var limit = int.Parse(context.Request.Query["limit"].ToString(), CultureInfo.InvariantCulture);
        var start = context.Request.Query["cursor"].FirstOrDefault() is { } cursor ? int.Parse(cursor[1..], CultureInfo.InvariantCulture) : 0;
        var rows = Stock.Where(s => s.Facility == facility).OrderBy(s => s.Sku, StringComparer.Ordinal).ThenBy(s => s.Location, StringComparer.Ordinal).ToList();
        var page = rows.Skip(start).Take(limit).ToList();
        var next = start + limit < rows.Count ? "c" + (start + limit).ToString(CultureInfo.InvariantCulture) : null;
        if (xml)
        {
            var inventory = new XElement(
                "Inventory",
                new XAttribute("asOf", AsOf.ToString("O", CultureInfo.InvariantCulture)),
                next is null ? null : new XAttribute("next", next),
                page.Select(s => new XElement("Item", new XAttribute("sku", s.Sku), new XAttribute("location", s.Location), new XAttribute("onHand", s.OnHand))));
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(inventory.ToString(SaveOptions.DisableFormatting), context.RequestAborted);
            return;
        }

        await context.Response.WriteAsJsonAsync(
            new { asOf = AsOf, items = page.Select(s => new { sku = s.Sku, location = s.Location, onHand = s.OnHand }), nextCursor = next }, context.RequestAborted);
    }

    private async Task OmsAsync(HttpContext context)
    {
        _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
        if (context.Request.Headers["X-Api-Key"] != ApiKey)
        {
            context.Response.StatusCode = 401;
            return;
        }

        if (!OmsFigures.TryGetValue($"{context.Request.Query["warehouse"]}/{context.Request.Query["sku"]}", out var onHand))
        {
            context.Response.StatusCode = 404;
            return;
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new { onHand }), context.RequestAborted);
    }
}
