using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Operations.Forecasting;

/// <summary>One row per tenant and figure (the alert kind, with its instance when it has one): the rolling window of <see cref="MetricSeries"/>.</summary>
public sealed class MetricSeriesEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>"unix-minute:value;..." oldest first (60 points take about 1.5 KB).</summary>
    public string Points { get; set; } = "";
}

/// <summary>A figure's stored window and the ETag it was read under (none when it has no row yet).</summary>
public sealed record StoredSeries(IReadOnlyList<SeriesPoint> Points, ETag? ETag);

/// <summary>
/// The per-minute series the alerts evaluator feeds (table AlertSeries): read, extended by one point, written back
/// under the ETag read, so two evaluators running at once never lose or interleave each other's points: the second
/// writer learns it lost and leaves that minute's decision to the first.
/// </summary>
public sealed class MetricSeriesStore(HubStorage storage)
{
    public async Task<StoredSeries> ReadAsync(string tenant, string metric, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.AlertSeries, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<MetricSeriesEntity>(TableKeys.Escape(tenant), TableKeys.Escape(metric), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return found.HasValue ? new StoredSeries(MetricSeries.Parse(found.Value!.Points), found.Value.ETag) : new StoredSeries([], null);
    }

    /// <summary>Writes <paramref name="points"/> if the row is still as <paramref name="read"/> found it; false when another writer came first.</summary>
    public async Task<bool> TryWriteAsync(string tenant, string metric, StoredSeries read, IReadOnlyList<SeriesPoint> points, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.AlertSeries, cancellationToken).ConfigureAwait(false);
        var row = new MetricSeriesEntity { PartitionKey = TableKeys.Escape(tenant), RowKey = TableKeys.Escape(metric), Points = MetricSeries.Serialize(points) };
        try
        {
            if (read.ETag is { } etag)
            {
                await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException raced) when (raced.Status is 409 or 412)
        {
            return false;
        }
    }
}
