using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>Orders and fulfilment of one channel in a period.</summary>
public sealed record ChannelReportRow(
    string Channel,
    string OrderSource,
    int Orders,
    int Accepted,
    int Held,
    IReadOnlyDictionary<string, int> HeldByReason,
    int ShippedOrders,
    int Lines,
    int ShippedLines,
    double? AverageHoursToFirstShipment);

public sealed record ChannelReportResult(string Tenant, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ChannelReportRow> Channels);

/// <summary>Marketplace orders created in [from, to) by channel and order source, from the stored orders of one tenant.</summary>
public sealed class ChannelReport(HubStorage storage)
{
    public async Task<ChannelReportResult> BuildAsync(string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var partition = ChannelKeys.Partition(tenant);
        var orders = new List<ChannelOrderEntity>();
        await foreach (var order in table.QueryAsync<ChannelOrderEntity>(
            o => o.PartitionKey == partition && o.RowKey.CompareTo(ChannelKeys.OrderPrefix) >= 0 && o.RowKey.CompareTo(TableKeys.PrefixEnd(ChannelKeys.OrderPrefix)) < 0
                 && o.CreatedAt >= from && o.CreatedAt < to,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            orders.Add(order);
        }

        var rows = orders
            .GroupBy(o => (o.Channel, o.OrderSource))
            .OrderBy(g => g.Key.Channel, StringComparer.Ordinal)
            .Select(g =>
            {
                var shipped = g.Where(o => o.FirstShippedAt is not null).ToList();
                return new ChannelReportRow(
                    g.Key.Channel,
                    g.Key.OrderSource,
                    g.Count(),
                    g.Count(o => o.Status == ChannelOrderStatus.Accepted),
                    g.Count(o => o.Status == ChannelOrderStatus.Held),
                    g.Where(o => o.Status == ChannelOrderStatus.Held).GroupBy(o => o.HoldReason ?? "").ToDictionary(h => h.Key, h => h.Count(), StringComparer.Ordinal),
                    shipped.Count,
                    g.Sum(o => o.ReadLines().Count),
                    g.Sum(o => o.ShippedLines),
                    shipped.Count == 0 ? null : Math.Round(shipped.Average(o => (o.FirstShippedAt!.Value - o.CreatedAt).TotalHours), 2));
            })
            .ToList();
        return new ChannelReportResult(tenant, from, to, rows);
    }
}
