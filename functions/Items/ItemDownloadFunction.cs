using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.Items;

namespace WmsFunctions.Handler.Items;

/// <summary>Service Bus-triggered (OMS_ITEMS_TOPIC / OMS_ITEMS_SUBSCRIPTION): new and changed items to every WMS instance that stocks them.</summary>
public sealed class ItemDownloadFunction(ItemDownloadHandler handler) : IFunctionHandler
{
    public const string Name = "ItemDownload";
    public const string TopicSetting = "OMS_ITEMS_TOPIC";
    public const string SubscriptionSetting = "OMS_ITEMS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
