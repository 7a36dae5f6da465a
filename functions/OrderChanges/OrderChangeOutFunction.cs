using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.OrderChanges;

namespace WmsFunctions.Handler.OrderChanges;

/// <summary>Service Bus-triggered (OMS_ORDER_CHANGES_TOPIC / OMS_ORDER_CHANGES_SUBSCRIPTION): modified and cancelled orders to the instance of their warehouse.</summary>
public sealed class OrderChangeOutFunction(OrderChangeOutHandler handler) : IFunctionHandler
{
    public const string Name = "OrderChangeOut";
    public const string TopicSetting = "OMS_ORDER_CHANGES_TOPIC";
    public const string SubscriptionSetting = "OMS_ORDER_CHANGES_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
