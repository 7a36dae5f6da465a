using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.PickSlips;

namespace WmsFunctions.Handler.PickSlips;

/// <summary>Service Bus-triggered (OMS_PICK_SLIPS_TOPIC / OMS_PICK_SLIPS_SUBSCRIPTION): generated and voided pick slips to the instance of their warehouse, then to the pick-slip orchestration.</summary>
public sealed class PickSlipOutFunction(PickSlipOutHandler handler) : IFunctionHandler
{
    public const string Name = "PickSlipOut";
    public const string TopicSetting = "OMS_PICK_SLIPS_TOPIC";
    public const string SubscriptionSetting = "OMS_PICK_SLIPS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
