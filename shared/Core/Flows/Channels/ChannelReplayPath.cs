using System.Text.Json;
using Azure.Data.Tables;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// Replays the channels' failed syncs, each through the path its original took:
/// - <c>channel-orders</c> (a held order): the stored order version through the inbox again (<see cref="ChannelOrderIntake.RedecideAsync"/>),
///   decided again by <see cref="ChannelOrderFlow"/>; accepted, it goes to the OMS through the outbox like any order;
/// - <c>channel-stock</c>: a product lookup is looked up again (and, on an Absolute channel, the SKU's figure set now);
///   a refused Absolute update is set again with the figure computed now (the stored one is stale); a refused Relative
///   update sends the stored adjustments once (a marker per replayed event and SKU, as the feed keeps per event);
/// - <c>channel-shipments</c>: the stored shipment is reported again.
/// An order changed on the marketplace after the OMS accepted it is not replayable: the hub never changes an order
/// behind the OMS's back (change it in the OMS, then resolve the failure).
/// </summary>
public sealed class ChannelReplayPath(
    ChannelDirectory channels,
    ChannelOrderIntake intake,
    ChannelStockPublisher publisher,
    ChannelProducts products,
    MarketplaceAdapters adapters,
    HubStorage storage) : IFailedSyncReplayPath
{
    public const string ChangedAfterAcceptance = "order-changed-after-acceptance";

    public IReadOnlyCollection<string> Flows { get; } = [ChannelOrderFlow.FlowName, ChannelProducts.StockFlow, ChannelProducts.ShipmentsFlow];

    public string? WhyNotReplayable(FailedSyncEntity failed) =>
        ChannelOf(failed) is null ? $"'{failed.Instance}' is not a configured channel (any more): there is no marketplace to replay it with."
        : failed.Flow == ChannelOrderFlow.FlowName && failed.ReasonCode == ChangedAfterAcceptance
            ? "The order was changed on the marketplace after the OMS accepted it; the hub does not change an accepted order: change it in the OMS."
        : null;

    public async Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        var channel = ChannelOf(failed)!;
        try
        {
            return failed.Flow switch
            {
                ChannelOrderFlow.FlowName => await RedecideAsync(channel, failed, body, cancellationToken).ConfigureAwait(false),
                ChannelProducts.ShipmentsFlow => await ReportShipmentAsync(channel, body, cancellationToken).ConfigureAwait(false),
                _ => await PushStockAsync(channel, failed, body, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (MarketplaceUnavailableException unavailable)
        {
            return ReplayAttempt.Failed("marketplace-unavailable", unavailable.Message, "The marketplace could not be reached: " + unavailable.Message);
        }
    }

    private Channel? ChannelOf(FailedSyncEntity failed) =>
        failed.Instance.StartsWith("channel:", StringComparison.Ordinal) && channels.TryGet(failed.Tenant, failed.Instance["channel:".Length..], out var channel) ? channel : null;

    private async Task<ReplayAttempt> RedecideAsync(Channel channel, FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        var command = JsonSerializer.Deserialize<ChannelOrderCommand>(body, ContractJson.Options)
            ?? throw new InvalidOperationException($"Failed sync of order {failed.EntityId} holds no order.");
        var result = await intake.RedecideAsync(channel, command.Order, failed.MessageId, failed.Replays, cancellationToken).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            return ReplayAttempt.Failed(problem.Type, problem.Detail, $"refused again: {problem.Type}: {problem.Detail}");
        }

        var answer = JsonSerializer.Deserialize<ChannelOrderAnswer>(result.Body ?? "{}", ContractJson.Options)!;
        return answer.Outcome is "held" or "flagged"
            ? ReplayAttempt.Failed(answer.HoldReason, answer.Detail, $"order {answer.OrderId} {answer.Outcome} again: {answer.HoldReason}")
            : ReplayAttempt.Done($"order {answer.OrderId} decided again: {answer.Outcome}");
    }

    private async Task<ReplayAttempt> ReportShipmentAsync(Channel channel, string body, CancellationToken cancellationToken)
    {
        var shipment = JsonSerializer.Deserialize<MarketplaceShipment>(body, ChannelJson.Options)
            ?? throw new InvalidOperationException("The failed sync holds no shipment.");
        try
        {
            await adapters.For(channel).ReportShipmentAsync(channel, shipment, cancellationToken).ConfigureAwait(false);
            return ReplayAttempt.Done($"shipment of order {shipment.OrderId} reported to {channel.Id}");
        }
        catch (MarketplaceRefusedException refused)
        {
            return ReplayAttempt.Failed("marketplace-refused", refused.Message, "refused again: " + refused.Message);
        }
    }

    private async Task<ReplayAttempt> PushStockAsync(Channel channel, FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        var sku = failed.EntityId;
        if (failed.MessageId == ChannelProducts.LookupMessage && channel.Options.StockUpdates == StockUpdateType.Relative)
        {
            // The lookup alone: Relative channels get the SKU's later movements once it resolves.
            return await products.ResolveAsync(channel, sku, failed.CorrelationId ?? failed.MessageId, cancellationToken).ConfigureAwait(false) is { } found
                ? ReplayAttempt.Done($"SKU {sku} is product {found} on {channel.Id}: its next movements are sent")
                : ReplayAttempt.Failed(null, null, $"SKU {sku}: the product lookup failed again");
        }

        if (failed.MessageId is ChannelProducts.LookupMessage or ChannelStockPublisher.AbsoluteMessage)
        {
            var (sent, refusal) = await publisher.SetAbsoluteAsync(channel, sku, cancellationToken).ConfigureAwait(false);
            return sent ? ReplayAttempt.Done($"SKU {sku}: the channel's available-to-sell set on {channel.Id}")
                : refusal is null ? ReplayAttempt.Failed(null, null, $"SKU {sku}: the product lookup failed again")
                : ReplayAttempt.Failed("marketplace-refused", refusal, "refused again: " + refusal);
        }

        // A refused Relative update: the stored adjustments, once.
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var marker = ChannelKeys.Pushed(channel.Id, $"{failed.MessageId}|{sku}|replayed");
        if ((await table.GetEntityIfExistsAsync<TableEntity>(ChannelKeys.Partition(channel.Tenant), marker, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
        {
            return ReplayAttempt.Done($"SKU {sku}: the adjustments of {failed.MessageId} were sent by an earlier replay");
        }

        var updates = JsonSerializer.Deserialize<List<DcQuantity>>(body, ChannelJson.Options) ?? [];
        var productId = await products.ResolveAsync(channel, sku, failed.CorrelationId ?? failed.MessageId, cancellationToken).ConfigureAwait(false);
        if (productId is null)
        {
            return ReplayAttempt.Failed(null, null, $"SKU {sku}: the product lookup failed");
        }

        try
        {
            await adapters.For(channel).UpdateStockAsync(channel, productId, StockUpdateType.Relative, updates, cancellationToken).ConfigureAwait(false);
        }
        catch (MarketplaceRefusedException refused)
        {
            return ReplayAttempt.Failed("marketplace-refused", refused.Message, "refused again: " + refused.Message);
        }

        await table.UpsertEntityAsync(new TableEntity(ChannelKeys.Partition(channel.Tenant), marker), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return ReplayAttempt.Done($"SKU {sku}: {string.Join(", ", updates.Select(u => $"{u.DistributionCenter}:{u.Quantity:+#;-#;0}"))} sent to {channel.Id}");
    }
}
