using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Handler.Outbound;

/// <summary>
/// The Service Bus function of every OMS -> WMS flow (one per registered flow, on the flow's topic and the hub's
/// subscription): the host's message goes through the flow's dispatcher run, and the outcome per instance comes back
/// as log lines (no payload, no personal data).
/// </summary>
public sealed class OmsToWmsFunction(IOutboundFlow flow) : IInvokedFunction
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string Input = "message";

    /// <summary>The app setting naming the subscription every OMS -> WMS function reads on its topic.</summary>
    public const string SubscriptionSetting = "OMS_SUBSCRIPTION";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var summary = await flow.RunAsync(Read(invocation), cancellationToken).ConfigureAwait(false);
        var function = flow.Definition.Function;
        var result = new InvocationResult().Log($"{function}: {summary}");
        foreach (var line in summary.InstanceLines)
        {
            result.Log($"{function}: {line}");
        }

        return result;
    }

    /// <summary>
    /// The body (decoded as the host encoded it) and the broker properties the handler uses; an instance found
    /// unavailable is deferred to the retry queue rather than left to Service Bus's immediate redeliveries.
    /// </summary>
    public static OutboundDelivery Read(Invocation invocation) =>
        new(
            invocation.ReadString(Input),
            invocation.MetadataString("MessageId"),
            (int)Math.Clamp(invocation.MetadataInt64("DeliveryCount") ?? 1, 1, int.MaxValue),
            invocation.MetadataString("CorrelationId"),
            DeferWhenUnavailable: true);

    /// <summary>The function of one flow: its Service Bus trigger on the flow's topic, run by this class with that flow.</summary>
    public static FunctionDefinition For(OutboundFlowDefinition flow) =>
        new(
            flow.Function,
            new ServiceBusTrigger(Input, FunctionCatalog.ServiceBusConnection, TopicName: flow.Topic, SubscriptionNameSetting: SubscriptionSetting),
            [],
            null,
            null,
            services => new OmsToWmsFunction((IOutboundFlow)services.GetRequiredService(flow.FlowType)))
        {
            Failures = new FailureFlow(flow.Name, WmsFunctions.Pipeline.FailedSyncs.FailedSyncDirection.OmsToWms),
        };
}
