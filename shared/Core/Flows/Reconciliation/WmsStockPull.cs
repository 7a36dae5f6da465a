using System.Runtime.CompilerServices;
using System.Xml;
using System.Xml.Linq;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Telemetry;

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
/// Pulls one WMS facility's stock page by page through the instance's resilience pipeline and credentials (the same
/// <see cref="WmsClient"/> the outbound flows use: backoff, Retry-After on 429/503, circuit breaker, timeouts).
/// Only one page is held at a time.
/// </summary>
public sealed class WmsStockPull(WmsClient client, IEnumerable<IWmsStockDialect> dialects)
{
    /// <summary>The partner-call metric's operation for a stock listing page.</summary>
    public const string StockOperation = "stock";

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
            var stock = await PageAsync(instance, dialect, wmsWarehouse, cursor, pageSize, $"{runId}/{wmsWarehouse}/{page}", cancellationToken).ConfigureAwait(false);
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

    /// <summary>One page, fetched and read in a span of its own (which ends before its rows are handed out).</summary>
    private async Task<WmsStockPage> PageAsync(
        OutboundInstance instance, IWmsStockDialect dialect, string wmsWarehouse, string? cursor, int pageSize, string key, CancellationToken cancellationToken)
    {
        using var span = HubTelemetry.Start("reconciliation page");
        span?.SetTag(HubTelemetry.Tags.Tenant, instance.Tenant);
        span?.SetTag(HubTelemetry.Tags.Instance, instance.Id);
        span?.SetTag("warehouse", wmsWarehouse);
        var request = dialect.PageRequest(wmsWarehouse, cursor, pageSize);
        var answer = await client.SendAsync(instance, request, key, StockOperation, cancellationToken).ConfigureAwait(false);
        if (!answer.Accepted)
        {
            var refused = new WmsStockFormatException($"The WMS refused the stock listing of '{wmsWarehouse}': HTTP {answer.Status} {WmsClient.Excerpt(answer.Body)}");
            span.Fail(refused);
            throw refused;
        }

        var stock = dialect.ReadPage(answer.ContentType, answer.Body);
        span?.SetTag("rows", stock.Items.Count);
        return stock;
    }
}
