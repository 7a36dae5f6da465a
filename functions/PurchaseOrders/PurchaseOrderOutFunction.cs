using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.PurchaseOrders;

namespace WmsFunctions.Handler.PurchaseOrders;

/// <summary>Service Bus-triggered (OMS_PURCHASE_ORDERS_TOPIC / OMS_PURCHASE_ORDERS_SUBSCRIPTION): new, changed and cancelled purchase orders to the instance of their warehouse.</summary>
public sealed class PurchaseOrderOutFunction(PurchaseOrderOutHandler handler) : IFunctionHandler
{
    public const string Name = "PurchaseOrderOut";
    public const string TopicSetting = "OMS_PURCHASE_ORDERS_TOPIC";
    public const string SubscriptionSetting = "OMS_PURCHASE_ORDERS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
