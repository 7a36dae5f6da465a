using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// A marketplace order as the inbox stores it: which channel it came from, and the order as pulled or pushed.
/// <see cref="ReplayOf"/>: an operator's replay of a held order (the event id it was held under), which decides the
/// same version again; left out of the JSON otherwise, so a pulled order hashes as before.
/// </summary>
public sealed record ChannelOrderCommand(
    string Channel,
    MarketplaceOrder Order,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplayOf = null);

/// <summary>What one pull of one channel did.</summary>
public sealed record ChannelPullResult(string Tenant, string Channel, int Pages, int Orders, int New, DateTimeOffset Watermark, string? Stopped);

/// <summary>
/// Marketplace order intake. Each order version (order id + UpdatedDateUtc) becomes one inbound event of flow
/// <see cref="ChannelOrderFlow.FlowName"/> for the instance "channel:{id}": the inbox's atomic insert de-duplicates the
/// overlap between pulls and any redelivery, the outbox hands the accepted order to the OMS, and nothing is
/// acknowledged before it is durable. The watermark (per tenant and channel) only moves forward, and only after
/// every order of the page is in the inbox.
/// </summary>
public sealed partial class ChannelOrderIntake(
    HubStorage storage,
    ChannelDirectory channels,
    MarketplaceAdapters adapters,
    EventPipeline pipeline,
    TimeProvider time,
    ILogger<ChannelOrderIntake> logger)
{
    /// <summary>Pulls every configured channel of every tenant, one after the other.</summary>
    public async Task<IReadOnlyList<ChannelPullResult>> PullAllAsync(CancellationToken cancellationToken)
    {
        var results = new List<ChannelPullResult>();
        foreach (var channel in channels.All)
        {
            results.Add(await PullAsync(channel, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    public async Task<ChannelPullResult> PullAsync(Channel channel, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var stored = await table.GetEntityIfExistsAsync<ChannelWatermarkEntity>(
            ChannelKeys.Partition(channel.Tenant), ChannelKeys.Watermark(channel.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
        var watermark = stored.HasValue ? stored.Value!.Watermark : time.GetUtcNow() - channel.Options.Orders.FirstPullLookback;
        var since = watermark - channel.Options.Orders.Overlap;
        var adapter = adapters.For(channel);

        string? next = null;
        var (pages, orders, created) = (0, 0, 0);
        string? stopped = null;
        do
        {
            MarketplaceOrderPage page;
            try
            {
                page = await adapter.PullOrdersAsync(channel, since, next, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is MarketplaceUnavailableException or MarketplaceRefusedException)
            {
                // What was handed on so far stays handed on (the watermark says so); the next run goes on from there.
                stopped = failure.Message;
                LogPullStopped(logger, channel.Key, pages, failure.Message);
                break;
            }

            foreach (var order in page.Orders)
            {
                var accepted = await AcceptAsync(channel, order, cancellationToken).ConfigureAwait(false);
                created += accepted.Replayed || accepted.Problem is not null ? 0 : 1;
            }

            pages++;
            orders += page.Orders.Count;
            if (page.Orders.Count > 0 && page.Orders.Max(o => o.UpdatedAt) is var newest && newest > watermark)
            {
                watermark = newest;
                await SaveWatermarkAsync(table, channel, watermark, cancellationToken).ConfigureAwait(false);
            }

            next = page.NextLink;
        }
        while (next is not null && pages < channel.Options.Orders.MaxPages);

        return new ChannelPullResult(channel.Tenant, channel.Id, pages, orders, created, watermark, stopped);
    }

    /// <summary>Puts one order version into the inbox and applies it (pulled or pushed); a version seen before is answered as then.</summary>
    public Task<InboundResult> AcceptAsync(Channel channel, MarketplaceOrder order, CancellationToken cancellationToken) =>
        AcceptAsync(channel, new ChannelOrderCommand(channel.Id, order), $"{order.Id}@{order.UpdatedAt.UtcTicks}", cancellationToken);

    /// <summary>
    /// An operator's replay of a held order version (after the cause was fixed: stock arrived, a bundle configured):
    /// through the inbox like a pulled order, under the event id <c>{held event id}|replay-{n}</c>, so a replay that
    /// died is decided again by the next, and each replay is de-duplicated on its own; the flow decides the version
    /// again (an accepted one is answered as accepted, its CloudEvent keeps its id).
    /// </summary>
    public Task<InboundResult> RedecideAsync(Channel channel, MarketplaceOrder order, string heldEventId, int replay, CancellationToken cancellationToken) =>
        AcceptAsync(
            channel,
            new ChannelOrderCommand(channel.Id, order, heldEventId),
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{heldEventId}|replay-{replay}"),
            cancellationToken);

    private async Task<InboundResult> AcceptAsync(Channel channel, ChannelOrderCommand command, string eventId, CancellationToken cancellationToken)
    {
        var order = command.Order;
        var result = await pipeline.AcceptAsync(
            new InboundEvent(
                channel.Tenant,
                channel.InstanceName,
                ChannelOrderFlow.FlowName,
                eventId,
                ContractJson.Hash(command),
                JsonSerializer.Serialize(command, ContractJson.Options),
                $"{channel.Tenant}/channels/{channel.Id}/orders/{eventId}"),
            cancellationToken).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            // The same order version with other content: the first one stands; say so.
            LogOrderVersionReused(logger, channel.Key, order.Id, problem.Detail ?? problem.Title);
        }

        return result;
    }

    private async Task SaveWatermarkAsync(TableClient table, Channel channel, DateTimeOffset watermark, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await table.GetEntityIfExistsAsync<ChannelWatermarkEntity>(
                ChannelKeys.Partition(channel.Tenant), ChannelKeys.Watermark(channel.Id), cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!current.HasValue)
                {
                    await table.AddEntityAsync(
                        new ChannelWatermarkEntity
                        {
                            PartitionKey = ChannelKeys.Partition(channel.Tenant), RowKey = ChannelKeys.Watermark(channel.Id), Watermark = watermark, PulledAt = time.GetUtcNow(),
                        },
                        cancellationToken).ConfigureAwait(false);
                    return;
                }

                var row = current.Value!;
                if (row.Watermark >= watermark)
                {
                    return; // never backwards (a concurrent pull got further)
                }

                row.Watermark = watermark;
                row.PulledAt = time.GetUtcNow();
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException conflict) when (conflict.Status is 409 or 412)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order pull of channel {Channel} stopped after {Pages} pages: {Reason}")]
    private static partial void LogPullStopped(ILogger logger, string channel, int pages, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel} sent order {OrderId} again under the same update time with other content: {Detail}")]
    private static partial void LogOrderVersionReused(ILogger logger, string channel, string orderId, string detail);
}
