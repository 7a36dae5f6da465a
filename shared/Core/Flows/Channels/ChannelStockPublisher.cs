using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Flows.Channels;

/// <summary>
/// A queue message: the SKU's stock or reservations changed, or its publication window ended (flush).
/// <see cref="ChangedAt"/> is when the change happened (the stock event's time), kept by the flush of a deferred change,
/// so the publication lag counts from the change, not from the window's end. Older messages have none.
/// </summary>
public sealed record StockSignal(
    string Tenant,
    string Sku,
    bool Flush = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ChangedAt = null)
{
    public static StockSignal? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<StockSignal>(text, ChannelJson.Options) is { Tenant.Length: > 0, Sku.Length: > 0 } signal ? signal : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The data of the channels-bound CloudEvent <c>channel.availability.changed</c>.</summary>
public sealed record AvailabilityChanged(string Sku, long Sequence, DateTimeOffset ComputedAt, IReadOnlyList<WarehouseAvailability> Warehouses, IReadOnlyList<ChannelAvailability> Channels);

/// <summary>
/// Publishes a SKU's available-to-sell to the channels when its stock or reservations change, throttled per SKU:
/// at most one publication per <see cref="ChannelStockOptions.PublishWindow"/>, always of the figure computed at
/// publication time (the latest). A change inside a window marks the SKU pending and schedules one flush message
/// for the window's end (queued before the mark is written, so a mark never exists without its flush); the flush
/// publishes the then-latest figure. Nothing is lost, a busy SKU costs one publication per window.
/// Each publication is a CloudEvent on the channels topic and, for channels taking Absolute updates, the channel's
/// figure per distribution centre set on the marketplace; each figure set counts towards that channel's publication lag.
/// </summary>
public sealed partial class ChannelStockPublisher(
    HubStorage storage,
    AvailabilityCalculator calculator,
    ChannelDirectory channels,
    MarketplaceAdapters adapters,
    ChannelProducts products,
    FailedSyncStore failedSyncs,
    IOptions<ChannelStockOptions> settings,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<ChannelStockPublisher> logger)
{
    private const int MaxConflictRetries = 10;

    /// <summary>Queues a "changed" signal per SKU (the hook every flow that moves stock or reservations calls), with when it changed.</summary>
    public async Task NotifyAsync(string tenant, IEnumerable<string> skus, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        if (channels.OfTenant(tenant).Count == 0)
        {
            return; // a tenant without channels publishes nothing
        }

        var queue = await storage.QueueAsync(settings.Value.StockQueue, cancellationToken).ConfigureAwait(false);
        foreach (var sku in skus.Distinct(StringComparer.Ordinal))
        {
            await queue.SendMessageAsync(JsonSerializer.Serialize(new StockSignal(tenant, sku, ChangedAt: changedAt), ChannelJson.Options), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Handles one signal; returns the CloudEvents to publish now (none while the SKU's window is open).</summary>
    public async Task<IReadOnlyList<string>> HandleAsync(StockSignal signal, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Channels, cancellationToken).ConfigureAwait(false);
        var window = settings.Value.PublishWindow;
        for (var attempt = 1; ; attempt++)
        {
            var found = await table.GetEntityIfExistsAsync<ChannelAvailabilityEntity>(
                ChannelKeys.Partition(signal.Tenant), ChannelKeys.Availability(signal.Sku), cancellationToken: cancellationToken).ConfigureAwait(false);
            var row = found.HasValue ? found.Value! : new ChannelAvailabilityEntity
            {
                PartitionKey = ChannelKeys.Partition(signal.Tenant),
                RowKey = ChannelKeys.Availability(signal.Sku),
                Sku = signal.Sku,
            };
            var now = time.GetUtcNow();
            if (signal.Flush && !row.Pending)
            {
                return []; // published since: the latest figure is out
            }

            try
            {
                if (row.LastPublishedAt is { } last && now < last + window)
                {
                    var windowEnd = last + window;
                    if (row.Pending && row.FlushAt == windowEnd && !signal.Flush)
                    {
                        return []; // already waiting for this window's end
                    }

                    await ScheduleFlushAsync(signal, windowEnd - now, cancellationToken).ConfigureAwait(false);
                    row.Pending = true;
                    row.FlushAt = windowEnd;
                    await table.SaveAsync(row, found.HasValue, cancellationToken).ConfigureAwait(false);
                    LogDeferred(logger, signal.Tenant, signal.Sku, windowEnd);
                    return [];
                }

                var availability = await calculator.ComputeAsync(signal.Tenant, signal.Sku, cancellationToken).ConfigureAwait(false);
                await PushAbsoluteAsync(signal.Tenant, availability, signal.ChangedAt, cancellationToken).ConfigureAwait(false);
                row.Sequence++;
                row.LastPublishedAt = now;
                row.Pending = false;
                row.FlushAt = null;
                var data = new AvailabilityChanged(signal.Sku, row.Sequence, now, availability.Warehouses, availability.Channels);
                row.Published = JsonSerializer.Serialize(data.Channels, ChannelJson.Options);
                await table.SaveAsync(row, found.HasValue, cancellationToken).ConfigureAwait(false);
                var id = $"{signal.Tenant}/channels/availability/{signal.Sku}/{row.Sequence}";
                return [OmsEvent.Create(id, $"/tenants/{signal.Tenant}/channels", "channel.availability.changed", signal.Sku, now, signal.Tenant, id, data)];
            }
            catch (RequestFailedException conflict) when (conflict.Status is 409 or 412 && attempt < MaxConflictRetries)
            {
                // Another signal of the same SKU moved the row: decide again on what it wrote.
            }
        }
    }

    private async Task ScheduleFlushAsync(StockSignal signal, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(settings.Value.StockQueue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(
            JsonSerializer.Serialize(signal with { Flush = true }, ChannelJson.Options),
            visibilityTimeout: delay < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : delay,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private async Task PushAbsoluteAsync(string tenant, SkuAvailability availability, DateTimeOffset? changedAt, CancellationToken cancellationToken)
    {
        foreach (var channel in channels.OfTenant(tenant).Where(c => c.Options.StockUpdates == StockUpdateType.Absolute))
        {
            var (sent, refusal, updates) = await PushAbsoluteToAsync(channel, availability, cancellationToken).ConfigureAwait(false);
            if (sent && changedAt is { } changed)
            {
                metrics.ChannelPublished(tenant, channel.Id, time.GetUtcNow() - changed);
            }

            if (!sent && refusal is not null)
            {
                await failedSyncs.RecordAsync(
                    new FailedSync(tenant, channel.InstanceName, FailedSyncDirection.HubToMarketplace, ChannelProducts.StockFlow, "sku", availability.Sku, AbsoluteMessage,
                        "marketplace-refused", refusal, Correlation(tenant, availability.Sku), JsonSerializer.Serialize(updates, ChannelJson.Options)),
                    cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The failed sync of an Absolute update the marketplace refused (one per SKU and channel; its message id).</summary>
    public const string AbsoluteMessage = "absolute-stock";

    /// <summary>
    /// An operator's replay of a SKU's Absolute stock on one channel: the figure computed now (the stored one is
    /// stale by then), set on the marketplace as every publication does. False with the refusal when it is refused
    /// again; false without one when the product lookup failed again (flagged by the lookup).
    /// </summary>
    public async Task<(bool Sent, string? Refusal)> SetAbsoluteAsync(Channel channel, string sku, CancellationToken cancellationToken)
    {
        var availability = await calculator.ComputeAsync(channel.Tenant, sku, cancellationToken).ConfigureAwait(false);
        var (sent, refusal, _) = await PushAbsoluteToAsync(channel, availability, cancellationToken).ConfigureAwait(false);
        return (sent, refusal);
    }

    private async Task<(bool Sent, string? Refusal, IReadOnlyList<DcQuantity> Updates)> PushAbsoluteToAsync(
        Channel channel, SkuAvailability availability, CancellationToken cancellationToken)
    {
        var productId = await products.ResolveAsync(channel, availability.Sku, Correlation(channel.Tenant, availability.Sku), cancellationToken).ConfigureAwait(false);
        if (productId is null)
        {
            return (false, null, []); // flagged by the lookup
        }

        var figures = availability.Channels.Single(c => c.Channel == channel.Id).ByDistributionCenter;
        var updates = channel.Options.DistributionCenters.Keys.Select(dc => new DcQuantity(dc, figures.GetValueOrDefault(dc))).ToList();
        try
        {
            await adapters.For(channel).UpdateStockAsync(channel, productId, StockUpdateType.Absolute, updates, cancellationToken).ConfigureAwait(false);
            return (true, null, updates);
        }
        catch (MarketplaceRefusedException refused)
        {
            return (false, refused.Message, updates);
        }
    }

    private static string Correlation(string tenant, string sku) => $"{tenant}/channels/availability/{sku}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Availability of {Tenant}/{Sku} changed inside its window; published at {WindowEnd}")]
    private static partial void LogDeferred(ILogger logger, string tenant, string sku, DateTimeOffset windowEnd);
}
