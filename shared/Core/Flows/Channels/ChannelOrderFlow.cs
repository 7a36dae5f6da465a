using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>The OMS-bound data of <c>channel.order.accepted</c>: the order as the warehouse should ship it, bundles split.</summary>
public sealed record ChannelOrderAccepted(
    string OrderId,
    string Channel,
    string OrderSource,
    string MarketplaceOrderId,
    string? SiteOrderId,
    long? ProfileId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? PaymentStatus,
    string DistributionCenter,
    MarketplaceAddress? ShipTo,
    string? Carrier,
    string? ShippingClass,
    IReadOnlyList<ChannelOrderAcceptedLine> Lines);

/// <summary>One line to pick: a plain item, or one component of a bundle (<see cref="BundleSku"/>).</summary>
public sealed record ChannelOrderAcceptedLine(int Line, string ItemId, string Sku, long Quantity, decimal? UnitPrice, string Warehouse, string? BundleSku);

/// <summary>The answer stored on the inbox row (and for the push webhook).</summary>
public sealed record ChannelOrderAnswer(string OrderId, string Channel, string Outcome, string? HoldReason, string? Detail);

/// <summary>
/// Decides one marketplace order version: bundles split into their components; a fraud flag, a payment not cleared
/// or a backorder (the channel's available-to-sell in the order's distribution centre cannot cover a SKU) holds it
/// (stored, listed, flagged in the failed-sync queue, not sent to the OMS); otherwise its units are reserved and it
/// goes to the OMS as <c>channel.order.accepted</c>. A held order is decided again when a newer version arrives
/// (e.g. the payment cleared). An accepted order changed later is not changed silently: the change is flagged for a
/// person. An older version than the one decided changes nothing. Running again for the same version gives the
/// same result (the decision is stored with the version).
/// </summary>
public sealed class ChannelOrderFlow(
    HubStorage storage,
    ChannelDirectory channels,
    AvailabilityCalculator calculator,
    StockReservations reservations,
    ChannelStockPublisher publisher,
    FailedSyncStore failedSyncs,
    TimeProvider time) : IInboxFlow
{
    public const string FlowName = "channel-orders";

    /// <summary>The source name of marketplace-order holds in the stock reservations.</summary>
    public const string ReservationSource = "channel-order";

    /// <summary>How often an order is decided again when stock moves under it before giving up (the delivery is retried).</summary>
    private const int MaxDecisions = 8;

    public string Name => FlowName;

    public async Task<InboundOutcome> ApplyAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<ChannelOrderCommand>(record.Command, ContractJson.Options)
            ?? throw new InvalidOperationException($"Inbox row for event '{record.EventId}' holds no command.");
        if (!channels.TryGet(record.Tenant, command.Channel, out var channel))
        {
            throw new InvalidOperationException($"Channel {record.Tenant}/{command.Channel} is no longer configured.");
        }

        var order = command.Order;
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<ChannelOrderEntity>(
            ChannelKeys.Partition(channel.Tenant), ChannelKeys.Order(channel.Id, order.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        var existing = found.HasValue ? found.Value : null;

        if (existing is not null && existing.UpdatedAt > order.UpdatedAt)
        {
            return Outcome(channel, order, "stale", null, $"an older version than the one decided at {existing.UpdatedAt:O}", null);
        }

        if (existing is not null && existing.UpdatedAt == order.UpdatedAt && !(command.ReplayOf is not null && existing.Status == ChannelOrderStatus.Held))
        {
            // This version was decided before (the flow runs again after a crash, or concurrently with the relay).
            return existing.Status == ChannelOrderStatus.Accepted
                ? Outcome(channel, order, "accepted", null, null, AcceptedEvent(channel, order, existing))
                : Outcome(channel, order, "held", existing.HoldReason, existing.HoldDetail, null);
        }

        var lines = SplitBundles(channel, order, out var bundleProblem);
        if (existing is { Status: ChannelOrderStatus.Accepted })
        {
            var changed = !ChannelOrderEntity.UnitsBySku(lines).OrderBy(p => p.Key).SequenceEqual(ChannelOrderEntity.UnitsBySku(existing.ReadLines()).OrderBy(p => p.Key));
            existing.UpdatedAt = order.UpdatedAt;
            await table.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            if (!changed)
            {
                return Outcome(channel, order, "unchanged", null, null, null);
            }

            const string reason = "order-changed-after-acceptance";
            var detail = $"Order {order.Id} changed on {channel.Id} after it went to the OMS; the change is not applied.";
            await FlagAsync(channel, command, reason, detail, record, cancellationToken).ConfigureAwait(false);
            return Outcome(channel, order, "flagged", reason, detail, null);
        }

        // New, or held before: decide now. A decision that died half-way left this order's own hold: drop it first,
        // so the order is not counted against itself.
        var dc = order.DistributionCenter is { } assigned && channel.Options.DistributionCenters.ContainsKey(assigned)
            ? assigned
            : channel.Options.DefaultDistributionCenter ?? channel.Options.DistributionCenters.Keys.First();
        var omsOrderId = channel.OmsOrderId(order.Id);
        string? holdReason, holdDetail;
        Dictionary<string, string>? placement;
        for (var attempt = 1; ; attempt++)
        {
            await ReleaseAsync(channel, dc, omsOrderId, lines, cancellationToken).ConfigureAwait(false);
            Dictionary<string, Placed>? placed;
            (holdReason, holdDetail, placed) = await DecideAsync(channel, order, dc, lines, bundleProblem, cancellationToken).ConfigureAwait(false);
            placement = placed?.ToDictionary(p => p.Key, p => p.Value.Warehouse, StringComparer.Ordinal);
            if (holdReason is not null || await TryReserveAsync(channel, omsOrderId, lines, placed!, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            // Stock moved, or another order took units, between reading availability and reserving: decide again.
            if (attempt == MaxDecisions)
            {
                throw new InvalidOperationException(
                    $"Order {order.Id} from {channel.Id}: availability kept changing under {MaxDecisions} decisions; the delivery is retried.");
            }

            // A short real pause (not the injected clock: a test's fake clock would never end it), jittered so racers spread.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 * attempt)), cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var row = existing ?? new ChannelOrderEntity
        {
            PartitionKey = ChannelKeys.Partition(channel.Tenant),
            RowKey = ChannelKeys.Order(channel.Id, order.Id),
        };
        row.Channel = channel.Id;
        row.OrderId = order.Id;
        row.OmsOrderId = omsOrderId;
        row.OrderSource = channel.OrderSource;
        row.CreatedAt = order.CreatedAt;
        row.UpdatedAt = order.UpdatedAt;
        row.DecidedAt = now;
        row.DistributionCenter = dc;
        row.Lines = JsonSerializer.Serialize(lines, ChannelJson.Options);

        if (holdReason is not null)
        {
            row.Status = ChannelOrderStatus.Held;
            row.HoldReason = holdReason;
            row.HoldDetail = holdDetail;
            row.Warehouse = "";
            await table.SaveAsync(row, existing is not null, cancellationToken).ConfigureAwait(false);
            await FlagAsync(channel, command, holdReason, holdDetail!, record, cancellationToken).ConfigureAwait(false);
            return Outcome(channel, order, "held", holdReason, holdDetail, null);
        }

        row.Status = ChannelOrderStatus.Accepted;
        row.HoldReason = null;
        row.HoldDetail = null;
        row.AcceptedAt = now;
        row.Warehouse = JsonSerializer.Serialize(placement, ChannelJson.Options);
        await table.SaveAsync(row, existing is not null, cancellationToken).ConfigureAwait(false);
        await publisher.NotifyAsync(channel.Tenant, placement!.Keys, now, cancellationToken).ConfigureAwait(false);
        return Outcome(channel, order, "accepted", null, null, AcceptedEvent(channel, order, row));
    }

    /// <summary>Where each SKU of an order is reserved ("Warehouse" of an accepted order: SKU -> warehouse).</summary>
    public static Dictionary<string, string> Placement(ChannelOrderEntity row) =>
        row.Status == ChannelOrderStatus.Accepted && row.Warehouse.StartsWith('{')
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(row.Warehouse, ChannelJson.Options)!
            : [];

    /// <summary>Bundles become their components: from the marketplace's bundle data, else from the tenant's configuration.</summary>
    public IReadOnlyList<ChannelOrderLine> SplitBundles(Channel channel, MarketplaceOrder order, out string? problem)
    {
        problem = null;
        var bundles = channels.Settings(channel.Tenant).Bundles;
        var lines = new List<ChannelOrderLine>();
        foreach (var item in order.Items)
        {
            IReadOnlyList<BundleComponent> components = item.Components.Count > 0
                ? item.Components
                : bundles.TryGetValue(item.Sku, out var configured) ? configured.Select(c => new BundleComponent(c.Key, c.Value)).ToList() : [];
            if (item.IsBundle && components.Count == 0)
            {
                problem = $"Bundle {item.Sku} has no components, neither from the marketplace nor configured.";
            }

            lines.Add(new ChannelOrderLine(item.Id, item.Sku, item.Quantity, components, 0));
        }

        return lines;
    }

    /// <summary>
    /// Reserves the order's units where they were placed, each under the ETag of the snapshot its availability was
    /// read from, so two orders racing for the last units cannot both pass (<see cref="StockReservations.TryReserveAsync"/>).
    /// </summary>
    private async Task<bool> TryReserveAsync(
        Channel channel, string omsOrderId, IReadOnlyList<ChannelOrderLine> lines, Dictionary<string, Placed> placed, CancellationToken cancellationToken)
    {
        var units = ChannelOrderEntity.UnitsBySku(lines).ToDictionary(StringComparer.Ordinal);
        foreach (var byWarehouse in placed.GroupBy(p => p.Value.Warehouse, StringComparer.Ordinal))
        {
            var reserved = await reservations.TryReserveAsync(
                channel.Tenant,
                byWarehouse.Key,
                ReservationSource,
                omsOrderId,
                byWarehouse.ToDictionary(p => p.Key, p => units[p.Key], StringComparer.Ordinal),
                byWarehouse.ToDictionary(p => p.Key, p => p.Value.SnapshotETag, StringComparer.Ordinal),
                cancellationToken).ConfigureAwait(false);
            if (!reserved)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<(string? Reason, string? Detail, Dictionary<string, Placed>? Placement)> DecideAsync(
        Channel channel, MarketplaceOrder order, string dc, IReadOnlyList<ChannelOrderLine> lines, string? bundleProblem, CancellationToken cancellationToken)
    {
        if (order.Flagged)
        {
            return ("fraud-hold", $"The marketplace flagged order {order.Id}: {order.FlagReason}.", null);
        }

        if (order.PaymentStatus is { } payment && !channel.Options.Orders.AcceptedPaymentStatuses.Contains(payment, StringComparer.OrdinalIgnoreCase))
        {
            return ("payment-hold", $"Payment of order {order.Id} is {payment}.", null);
        }

        if (bundleProblem is not null || lines.Count == 0 || lines.Any(l => l.Quantity < 1))
        {
            return ("order-not-shippable", bundleProblem ?? $"Order {order.Id} has no lines, or a line without quantity.", null);
        }

        var placement = new Dictionary<string, Placed>(StringComparer.Ordinal);
        var short_ = new List<string>();
        foreach (var (sku, units) in ChannelOrderEntity.UnitsBySku(lines))
        {
            var availability = await calculator.ComputeAsync(channel.Tenant, sku, cancellationToken).ConfigureAwait(false);
            var warehouse = channel.Options.DistributionCenters[dc]
                .FirstOrDefault(w => availability.ByWarehouse.GetValueOrDefault((channel.Id, w)) >= units && availability.SnapshotETags.ContainsKey(w));
            if (warehouse is null)
            {
                short_.Add($"{sku}: {units} ordered, {availability.For(channel.Id, dc)} available to sell in {dc}");
            }
            else
            {
                placement[sku] = new Placed(warehouse, availability.SnapshotETags[warehouse]);
            }
        }

        return short_.Count > 0 ? ("backorder", "Not enough available to sell: " + string.Join("; ", short_) + ".", null) : (null, null, placement);
    }

    private async Task ReleaseAsync(Channel channel, string dc, string omsOrderId, IReadOnlyList<ChannelOrderLine> lines, CancellationToken cancellationToken)
    {
        var none = ChannelOrderEntity.UnitsBySku(lines).ToDictionary(u => u.Key, _ => 0L, StringComparer.Ordinal);
        foreach (var warehouse in channel.Options.DistributionCenters[dc])
        {
            await reservations.SetReservationsAsync(channel.Tenant, warehouse, ReservationSource, omsOrderId, none, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Flags the order for a person; a replay that holds it again counts another attempt of the same failed sync.</summary>
    private async Task FlagAsync(Channel channel, ChannelOrderCommand command, string reason, string detail, InboxEntity record, CancellationToken cancellationToken) =>
        await failedSyncs.RecordAsync(
            new FailedSync(channel.Tenant, channel.InstanceName, FailedSyncDirection.MarketplaceToOms, FlowName, "order", command.Order.Id, command.ReplayOf ?? record.EventId,
                reason, detail, record.CorrelationId, command.ReplayOf is null ? record.Command : JsonSerializer.Serialize(command with { ReplayOf = null }, ContractJson.Options)),
            cancellationToken).ConfigureAwait(false);

    private static string AcceptedEvent(Channel channel, MarketplaceOrder order, ChannelOrderEntity row)
    {
        var placement = Placement(row);
        var number = 0;
        var lines = row.ReadLines().SelectMany(l => l.Components.Count > 0
            ? l.Components.Select(c => new ChannelOrderAcceptedLine(++number, l.ItemId, c.Sku, c.Quantity * l.Quantity, null, placement.GetValueOrDefault(c.Sku, ""), l.Sku))
            : [new ChannelOrderAcceptedLine(++number, l.ItemId, l.Sku, l.Quantity, order.Items.First(i => i.Id == l.ItemId).UnitPrice, placement.GetValueOrDefault(l.Sku, ""), null)])
            .ToList();
        var id = $"{channel.Tenant}/channels/{channel.Id}/orders/{order.Id}/{order.UpdatedAt.UtcTicks}";
        return OmsEvent.Create(
            id,
            $"/tenants/{channel.Tenant}/channels/{channel.Id}",
            "channel.order.accepted",
            row.OmsOrderId,
            row.AcceptedAt ?? row.DecidedAt,
            channel.Tenant,
            id,
            new ChannelOrderAccepted(
                row.OmsOrderId, channel.Id, channel.OrderSource, order.Id, order.SiteOrderId, order.ProfileId, order.CreatedAt, order.UpdatedAt,
                order.PaymentStatus, row.DistributionCenter, order.ShipTo, order.RequestedCarrier, order.RequestedClass, lines));
    }

    /// <summary>Where one SKU of an order is to be reserved, and the snapshot ETag its availability was read from.</summary>
    private sealed record Placed(string Warehouse, ETag SnapshotETag);

    private static InboundOutcome Outcome(Channel channel, MarketplaceOrder order, string outcome, string? reason, string? detail, string? omsEvent) =>
        new(
            outcome,
            202,
            JsonSerializer.Serialize(new ChannelOrderAnswer(order.Id, channel.Id, outcome, reason, detail), ContractJson.Options),
            omsEvent,
            $"order {order.Id} from {channel.Id}: {outcome}{(reason is null ? "" : $" ({reason})")}");
}
