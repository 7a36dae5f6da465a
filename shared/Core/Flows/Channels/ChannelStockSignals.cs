using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Channels;

/// <summary>The channel stock queue (CHANNELS_STOCK_QUEUE): a SKU whose availability is to be published.</summary>
public sealed class ChannelStockSignals(IOptions<ChannelStockOptions> options, TenantDirectory tenants) : IQueuedMessages
{
    public string QueueSetting => ChannelStockOptions.StockQueueSetting;

    public string QueueName => options.Value.StockQueue;

    /// <summary>Not ChannelProducts.StockFlow: that one is a marketplace refusing a stock update, replayed to the marketplace.</summary>
    public const string FlowName = "channel-stock-signal";

    public string Flow => FlowName;

    public string Direction => Pipeline.FailedSyncs.FailedSyncDirection.HubToMarketplace;

    public QueuedMessage Read(string body) =>
        StockSignal.Parse(body) is { } signal
            ? QueuedMessage.About(tenants, signal.Tenant, null, "sku", signal.Sku)
            : QueuedMessage.MalformedMessage("The stock signal does not name a tenant and SKU.");
}
