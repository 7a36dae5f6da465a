using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.Handler.Outbound;

/// <summary>What every OMS -> WMS function does with the host's Service Bus invocation.</summary>
internal static class OutboundInvocation
{
    /// <summary>The trigger binding's name in function.json.</summary>
    public const string Input = "message";

    /// <summary>The body (decoded as the host encoded it) and the broker properties the handler uses.</summary>
    public static OutboundDelivery Read(Invocation invocation) =>
        new(
            invocation.ReadString(Input),
            invocation.MetadataString("MessageId"),
            (int)Math.Clamp(invocation.MetadataInt64("DeliveryCount") ?? 1, 1, int.MaxValue),
            invocation.MetadataString("CorrelationId"));

    /// <summary>A completed message: the outcome per instance as log lines (no payload, no personal data).</summary>
    public static InvocationResult Answer(string function, DispatchSummary summary)
    {
        var result = new InvocationResult().Log($"{function}: {summary.Outcome}");
        foreach (var line in summary.Instances)
        {
            result.Log($"{function}: {line}");
        }

        return result;
    }

    public static ServiceBusTrigger Trigger(string topicSetting, string subscriptionSetting) =>
        new(Input, FunctionCatalog.ServiceBusConnection, TopicNameSetting: topicSetting, SubscriptionNameSetting: subscriptionSetting);
}
