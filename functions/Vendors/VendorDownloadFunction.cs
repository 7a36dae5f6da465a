using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Flows.Vendors;

namespace WmsFunctions.Handler.Vendors;

/// <summary>Service Bus-triggered (OMS_VENDORS_TOPIC / OMS_VENDORS_SUBSCRIPTION): new and changed vendors to every WMS instance that receives vendors.</summary>
public sealed class VendorDownloadFunction(VendorDownloadHandler handler) : IFunctionHandler
{
    public const string Name = "VendorDownload";
    public const string TopicSetting = "OMS_VENDORS_TOPIC";
    public const string SubscriptionSetting = "OMS_VENDORS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken) =>
        OutboundInvocation.Answer(Name, await handler.HandleAsync(OutboundInvocation.Read(invocation), cancellationToken).ConfigureAwait(false));
}
