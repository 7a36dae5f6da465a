using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Storage.Queues;

namespace WmsFunctions.LocalHost;

/// <summary>One document a stand-in WMS received.</summary>
public sealed record WmsReceived(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("path")] string Path,
    [property: JsonPropertyName("contentType")] string? ContentType,
    [property: JsonPropertyName("body")] string Body);

/// <summary>One row of a stand-in's stock listing.</summary>
public sealed record StockListingRow(string Sku, string Location, long OnHand);

/// <summary>
/// What a stand-in WMS holds, for the reconciliation's stock listing: rows of (tenant, instance, facility) sorted by
/// SKU, from <c>start</c>, at most <c>limit</c>; <c>More</c> when rows follow. A function, so a benchmark can list
/// 100,000 SKUs without holding them.
/// </summary>
public delegate (IReadOnlyList<StockListingRow> Rows, bool More) StockListing(string tenant, string instance, string facility, int start, int limit);

/// <summary>
/// The WMS instances of a local run (./run.sh), on http://127.0.0.1:{port}/wms/{instance}/...: each checks the API
/// key the hub must send (the value of the setting WMS_{INSTANCE}_KEY, e.g. WMS_DEMO_DC_EAST_KEY), answers 200
/// and keeps what it received on the Azurite queue "wms-received", where the demo reads it.
/// </summary>
public sealed class WmsStandIn(QueueServiceClient queues, int port, Func<string, string?> settings)
{
    /// <summary>Answers <c>GET .../stock?warehouse=&amp;limit=&amp;cursor=</c> (the hub-json listing); none: an empty listing.</summary>
    public StockListing? Stock { get; init; }

    public const string PortSetting = "LOCAL_WMS_PORT";
    public const int DefaultPort = 7072;
    public const string ReceivedQueue = "wms-received";

    public static string KeySetting(string tenant, string instance) =>
        $"WMS_{tenant}_{instance}_KEY".Replace('-', '_').ToUpperInvariant();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/wms/");
        listener.Start();
        var queue = queues.GetQueueClient(ReceivedQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"[wms] stand-in WMS instances on http://127.0.0.1:{port}/wms/{{tenant}}/{{instance}}/");
        using var stop = cancellationToken.Register(listener.Stop);
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await AnswerAsync(context, queue, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(HttpListenerContext context, QueueClient queue, CancellationToken cancellationToken)
    {
        using var response = context.Response;
        // /wms/{tenant}/{instance}/{path...}
        var parts = context.Request.Url!.AbsolutePath.Split('/', 5, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 4)
        {
            response.StatusCode = 404;
            return;
        }

        var (tenant, instance, path) = (parts[1], parts[2], "/" + parts[3]);
        var expected = settings(KeySetting(tenant, instance));
        if (string.IsNullOrEmpty(expected) || context.Request.Headers["X-Api-Key"] != expected)
        {
            Console.WriteLine($"[wms] {tenant}/{instance} {context.Request.HttpMethod} {path}: 401 (wrong or missing API key)");
            response.StatusCode = 401;
            return;
        }

        if (context.Request.HttpMethod == "GET" && path == "/stock")
        {
            await ListStockAsync(context, tenant, instance, cancellationToken).ConfigureAwait(false);
            return;
        }

        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        var received = new WmsReceived($"{tenant}/{instance}", context.Request.HttpMethod, path, context.Request.ContentType, body);
        await queue.SendMessageAsync(JsonSerializer.Serialize(received), cancellationToken: cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"[wms] {tenant}/{instance} {context.Request.HttpMethod} {path}: 200 ({body.Length} characters, {context.Request.ContentType})");
        response.StatusCode = 200;
        response.ContentType = "application/json";
        await response.OutputStream.WriteAsync("""{"status":"accepted"}"""u8.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    private async Task ListStockAsync(HttpListenerContext context, string tenant, string instance, CancellationToken cancellationToken)
    {
        var query = context.Request.QueryString;
        var facility = query["warehouse"] ?? "";
        var limit = int.TryParse(query["limit"], System.Globalization.CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 5000) : 500;
        var start = query["cursor"] is { Length: > 1 } cursor && int.TryParse(cursor[1..], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
        var (rows, more) = Stock?.Invoke(tenant, instance, facility, start, limit) ?? ([], false);
        var page = new
        {
            asOf = DateTimeOffset.UtcNow,
            items = rows.Select(r => new { sku = r.Sku, location = r.Location, onHand = r.OnHand }),
            nextCursor = more ? "c" + (start + rows.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.OutputStream, page, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
