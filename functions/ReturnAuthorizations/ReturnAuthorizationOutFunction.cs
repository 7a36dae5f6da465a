using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.ReturnAuthorizations;

namespace WmsFunctions.Handler.ReturnAuthorizations;

/// <summary>Service Bus-triggered (OMS_RETURN_AUTHORIZATIONS_TOPIC / OMS_RETURN_AUTHORIZATIONS_SUBSCRIPTION): created, changed and deleted return authorizations to the instance of their warehouse.</summary>
public sealed class ReturnAuthorizationOutFunction(ReturnAuthorizationOutHandler handler) : IFunctionHandler
{
    public const string Name = "ReturnAuthorizationOut";
    public const string TopicSetting = "OMS_RETURN_AUTHORIZATIONS_TOPIC";
    public const string SubscriptionSetting = "OMS_RETURN_AUTHORIZATIONS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
