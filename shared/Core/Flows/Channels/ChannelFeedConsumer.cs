using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Flows.Channels;

/// <summary>What one OMS-bound event meant for the channels.</summary>
public sealed record ChannelFeedResult(int SkusSignalled, int Shipments, int StockPushes, string Summary);

/// <summary>
/// The channels' side of everything the hub tells the OMS (its own subscription on the OMS events topic, so no flow
/// has to know about channels):
/// - stock movements (inventory transactions, PO receipts, returns) signal the SKUs for availability and, for
///   channels taking Relative updates, are sent as adjustments per product and distribution centre: the movements
///   of the warehouses mapped to one DC are summed, so a move between warehouses of one DC sends nothing and a move
///   between warehouses of different DCs sends a matching pair (-n, +n) in one request;
/// - pick-slip status events of marketplace orders: the order's own reservation gives way to the slip's, and the
///   shipped (or, if so configured, packed) quantities are reported to the marketplace per order line, only what
///   is new, with carrier, class and tracking, so lines not shipped stay open.
/// Replays are harmless: pushes leave a marker per event, shipments are reported from cumulative quantities.
/// </summary>
public sealed partial class ChannelFeedConsumer(
    HubStorage storage,
    ChannelDirectory channels,
    MarketplaceAdapters adapters,
    ChannelProducts products,
    ChannelStockPublisher publisher,
    StockReservations reservations,
    FailedSyncStore failedSyncs,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<ChannelFeedConsumer> logger)
{
    /// <summary>The flow a dead letter of the channels' feed subscription is filed under.</summary>
    public const string DeadLetterFlow = "channel-feed";

    private const string PickSlipEventPrefix = OmsEvent.TypePrefix + "pickslip.";

    /// <summary>A shipment decided this long ago and still unsent was left by a failed invocation: any invocation sends it.</summary>
    private static readonly TimeSpan LeftOverAfter = TimeSpan.FromMinutes(1);

    public async Task<ChannelFeedResult> HandleAsync(OmsEvent ev, CancellationToken cancellationToken)
    {
        if (channels.OfTenant(ev.Tenant).Count == 0)
        {
            return new ChannelFeedResult(0, 0, 0, "tenant sells on no channel");
        }

        if (ev.Type.StartsWith(PickSlipEventPrefix, StringComparison.Ordinal))
        {
            var slip = ev.Data.Deserialize<PickSlipStatusEvent>(ChannelJson.Options)
                ?? throw new JsonException("A pick-slip event without data.");
            var shipments = await OnPickSlipAsync(ev, slip, cancellationToken).ConfigureAwait(false);
            var skus = slip.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToList();
            await publisher.NotifyAsync(ev.Tenant, skus, ev.Time, cancellationToken).ConfigureAwait(false);
            return new ChannelFeedResult(skus.Count, shipments, 0, $"pick slip {slip.PickSlipId} {slip.State}: {shipments} shipments reported");
        }

        if (ev.Data.ValueKind == JsonValueKind.Object && ev.Data.TryGetProperty("movements", out var raw) && raw.ValueKind == JsonValueKind.Array)
        {
            var movements = raw.Deserialize<List<MovementView>>(ChannelJson.Options) ?? [];
            var pushes = await PushRelativeAsync(ev, movements.Where(m => m.Applied && m.Quantity != 0).ToList(), cancellationToken).ConfigureAwait(false);
            var skus = movements.Select(m => m.Sku).Distinct(StringComparer.Ordinal).ToList();
            await publisher.NotifyAsync(ev.Tenant, skus, ev.Time, cancellationToken).ConfigureAwait(false);
            return new ChannelFeedResult(skus.Count, 0, pushes, $"{movements.Count} movements: {pushes} relative pushes");
        }

        return new ChannelFeedResult(0, 0, 0, "nothing for the channels");
    }

    private async Task<int> PushRelativeAsync(OmsEvent ev, IReadOnlyList<MovementView> movements, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var pushes = 0;
        foreach (var channel in channels.OfTenant(ev.Tenant).Where(c => c.Options.StockUpdates == StockUpdateType.Relative))
        {
            foreach (var bySku in movements.GroupBy(m => m.Sku, StringComparer.Ordinal))
            {
                var updates = bySku
                    .Select(m => (Dc: channel.Options.DcOf(m.Warehouse), m.Quantity))
                    .Where(m => m.Dc is not null)
                    .GroupBy(m => m.Dc!, StringComparer.Ordinal)
                    .Select(g => new DcQuantity(g.Key, g.Sum(m => m.Quantity)))
                    .Where(u => u.Quantity != 0)
                    .OrderBy(u => u.Quantity) // the decrease first: a pair never shows the units twice
                    .ToList();
                if (updates.Count == 0)
                {
                    continue; // nothing in this channel's DCs, or a move inside one DC
                }

                var marker = ChannelKeys.Pushed(channel.Id, ev.Id + "|" + bySku.Key);
                if ((await table.GetEntityIfExistsAsync<TableEntity>(ChannelKeys.Partition(ev.Tenant), marker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
                {
                    continue; // pushed when this event came before
                }

                var productId = await products.ResolveAsync(channel, bySku.Key, ev.Id, cancellationToken).ConfigureAwait(false);
                if (productId is null)
                {
                    continue; // flagged by the lookup
                }

                try
                {
                    await adapters.For(channel).UpdateStockAsync(channel, productId, StockUpdateType.Relative, updates, cancellationToken).ConfigureAwait(false);
                    metrics.ChannelPublished(ev.Tenant, channel.Id, time.GetUtcNow() - ev.Time); // from the movement to the marketplace
                }
                catch (MarketplaceRefusedException refused)
                {
                    await failedSyncs.RecordAsync(
                        new FailedSync(ev.Tenant, channel.InstanceName, FailedSyncDirection.HubToMarketplace, ChannelProducts.StockFlow, "sku", bySku.Key, ev.Id,
                            "marketplace-refused", refused.Message, ev.CorrelationId, JsonSerializer.Serialize(updates, ChannelJson.Options)),
                        cancellationToken).ConfigureAwait(false);
                }

                await table.UpsertEntityAsync(new TableEntity(ChannelKeys.Partition(ev.Tenant), marker), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                pushes++;
            }
        }

        return pushes;
    }

    private async Task<int> OnPickSlipAsync(OmsEvent ev, PickSlipStatusEvent slip, CancellationToken cancellationToken)
    {
        var channel = channels.OfTenant(ev.Tenant).FirstOrDefault(c => slip.OrderId.StartsWith(c.Id + "-", StringComparison.Ordinal));
        if (channel is null)
        {
            return 0; // not a marketplace order
        }

        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<ChannelOrderEntity>(
                ChannelKeys.Partition(ev.Tenant), ChannelKeys.Order(channel.Id, slip.OrderId[(channel.Id.Length + 1)..]), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value!.Status != ChannelOrderStatus.Accepted)
            {
                return 0;
            }

            var order = found.Value;
            try
            {
                return await ApplySlipAsync(table, channel, order, ev, slip, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412 && attempt < 10)
            {
            }
        }
    }

    private async Task<int> ApplySlipAsync(TableClient table, Channel channel, ChannelOrderEntity order, OmsEvent ev, PickSlipStatusEvent slip, CancellationToken cancellationToken)
    {
        // The slip holds the stock now: the order's own hold gives way, or the units would be held twice.
        if (!order.SlipReserved && slip.State != PickSlipState.Voided.Name())
        {
            foreach (var byWarehouse in ChannelOrderFlow.Placement(order).GroupBy(p => p.Value, StringComparer.Ordinal))
            {
                await reservations.SetReservationsAsync(
                    channel.Tenant, byWarehouse.Key, ChannelOrderFlow.ReservationSource, order.OmsOrderId,
                    byWarehouse.ToDictionary(p => p.Key, _ => 0L, StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            }

            order.SlipReserved = true;
        }

        var reportsAt = channel.Options.ShipmentsAt == ShipmentReportPoint.Packing && slip.State == PickSlipState.Packed.Name()
            ? slip.Lines.ToDictionary(l => l.Line, l => l.Shipped + l.Open) // packed: everything not voided or backordered is in cartons
            : slip.Lines.ToDictionary(l => l.Line, l => l.Shipped);
        var shipped = order.ReadShipped();
        var thisSlip = shipped.TryGetValue(slip.PickSlipId, out var known) ? known : shipped[slip.PickSlipId] = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var bySku in slip.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal))
        {
            var quantity = bySku.Sum(l => reportsAt[l.Line]);
            thisSlip[bySku.Key] = Math.Max(thisSlip.GetValueOrDefault(bySku.Key), quantity); // never backwards
        }

        // Cumulative units per SKU over the order's slips, handed out to the order lines in order.
        var remaining = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (sku, quantity) in shipped.Values.SelectMany(s => s))
        {
            remaining[sku] = remaining.GetValueOrDefault(sku) + quantity;
        }

        var lines = order.ReadLines().ToList();
        var newly = new List<(ChannelOrderLine Line, long Quantity)>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var parts = line.Components.Count > 0 ? line.Components : [new BundleComponent(line.Sku, 1)];
            var shippable = Math.Min(line.Quantity, parts.Min(c => remaining.GetValueOrDefault(c.Sku) / c.Quantity));
            foreach (var part in parts)
            {
                remaining[part.Sku] = remaining.GetValueOrDefault(part.Sku) - (shippable * part.Quantity);
            }

            if (shippable > line.Reported)
            {
                newly.Add((line, shippable - line.Reported));
                lines[i] = line with { Reported = shippable };
            }
        }

        var decided = newly.GroupBy(n => CartonFor(slip, n.Line))
            .Select(group => new MarketplaceShipment(order.OrderId, ev.Time, group.Key?.Carrier, group.Key?.Service, group.Key?.TrackingNumber, order.DistributionCenter,
                group.Select(n => new ShippedItem(n.Line.ItemId, n.Quantity)).ToList()))
            .ToList();
        var mine = decided.Select((d, i) => new OutstandingShipment($"{ev.Id}#{i}", time.GetUtcNow(), d)).ToList();
        var outstanding = ReadOutstanding(order);
        outstanding.AddRange(mine);

        order.ShippedBySlip = JsonSerializer.Serialize(shipped, ChannelJson.Options);
        order.Lines = JsonSerializer.Serialize(lines, ChannelJson.Options);
        order.ShippedLines = lines.Count(l => l.Reported > 0);
        order.Outstanding = JsonSerializer.Serialize(outstanding, ChannelJson.Options);
        if (decided.Count > 0)
        {
            order.FirstShippedAt ??= ev.Time;
        }

        // Decide (commit the quantities as reported, with the shipments to send), then send, then clear. This
        // invocation sends what it decided, and what an earlier one decided but left unsent for over a minute
        // (it died, or the marketplace failed it): never what a concurrent invocation is sending right now.
        var committed = await table.UpdateEntityAsync(order, order.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        order.ETag = committed.Headers.ETag ?? ETag.All;
        var now = time.GetUtcNow();
        var toSend = outstanding.Where(o => mine.Any(m => m.Id == o.Id) || o.DecidedAt < now - LeftOverAfter).ToList();
        foreach (var shipment in toSend)
        {
            try
            {
                await adapters.For(channel).ReportShipmentAsync(channel, shipment.Shipment, cancellationToken).ConfigureAwait(false);
            }
            catch (MarketplaceRefusedException refused)
            {
                // Retrying will not change a refusal: a person looks at it, with the shipment to send again.
                await failedSyncs.RecordAsync(
                    new FailedSync(channel.Tenant, channel.InstanceName, FailedSyncDirection.HubToMarketplace, ChannelProducts.ShipmentsFlow, "order", order.OrderId, shipment.Id,
                        "marketplace-refused", refused.Message, ev.CorrelationId, JsonSerializer.Serialize(shipment.Shipment, ChannelJson.Options)),
                    cancellationToken).ConfigureAwait(false);
            }
        }

        if (toSend.Count > 0)
        {
            LogReported(logger, channel.Key, order.OrderId, toSend.Count);
            await ClearOutstandingAsync(table, order, toSend.Select(o => o.Id).ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        }

        return toSend.Count;
    }

    private static List<OutstandingShipment> ReadOutstanding(ChannelOrderEntity order) =>
        JsonSerializer.Deserialize<List<OutstandingShipment>>(order.Outstanding, ChannelJson.Options) ?? [];

    private static async Task ClearOutstandingAsync(TableClient table, ChannelOrderEntity order, HashSet<string> sent, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            order.Outstanding = JsonSerializer.Serialize(ReadOutstanding(order).Where(o => !sent.Contains(o.Id)).ToList(), ChannelJson.Options);
            try
            {
                await table.UpdateEntityAsync(order, order.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412)
            {
                order = (await table.GetEntityAsync<ChannelOrderEntity>(order.PartitionKey, order.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
        }
    }

    /// <summary>The carton of this event that carries the line's SKU (or a component of it), for carrier, class and tracking.</summary>
    private static PickSlipCarton? CartonFor(PickSlipStatusEvent slip, ChannelOrderLine line)
    {
        var skus = line.Components.Count > 0 ? line.Components.Select(c => c.Sku).ToHashSet(StringComparer.Ordinal) : [line.Sku];
        var slipLines = slip.Lines.Where(l => skus.Contains(l.Sku)).Select(l => l.Line).ToHashSet();
        return slip.Cartons.LastOrDefault(c => c.Contents.Any(x => slipLines.Contains(x.Line)));
    }

    /// <summary>A shipment decided for the marketplace, not yet confirmed sent.</summary>
    private sealed record OutstandingShipment(string Id, DateTimeOffset DecidedAt, MarketplaceShipment Shipment);

    [LoggerMessage(Level = LogLevel.Information, Message = "Channel {Channel}: {Shipments} shipments of order {OrderId} reported")]
    private static partial void LogReported(ILogger logger, string channel, string orderId, int shipments);
}
