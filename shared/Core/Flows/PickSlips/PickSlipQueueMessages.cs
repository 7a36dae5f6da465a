using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>The pick-slip hand-off queue (PICKSLIP_EVENTS_QUEUE) as its function and its poison watcher read it.</summary>
public sealed class PickSlipHandOffMessages(IOptions<OutboundDeliveryOptions> options, PickSlipDeadlineDirectory deadlines, TenantDirectory tenants) : IQueuedMessages
{
    public const string FlowName = "pick-slip-hand-off";

    public string QueueSetting => OutboundDeliveryOptions.PickSlipEventsQueueSetting;

    public string QueueName => options.Value.PickSlipEventsQueue;

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.OmsToWms;

    /// <summary>
    /// Malformed (not JSON, a field missing, an unknown kind or delivery), or naming a tenant or instance that is not
    /// configured (or has no deadlines): it can never succeed, whatever the retries.
    /// </summary>
    public QueuedMessage Read(string body) => Read(body, out _);

    public QueuedMessage Read(string body, out PickSlipHandedOff? handOff)
    {
        handOff = null;
        PickSlipHandedOff? parsed;
        try
        {
            parsed = PickSlipHandedOff.Parse(body);
        }
        catch (System.Text.Json.JsonException error)
        {
            return QueuedMessage.MalformedMessage($"The pick-slip hand-off is not readable: {FailedSyncStore.Excerpt(error.Message, 300)}");
        }

        if (parsed is null)
        {
            return QueuedMessage.MalformedMessage("The pick-slip hand-off is empty.");
        }

        if (Missing(parsed) is { } missing)
        {
            return QueuedMessage.MalformedMessage($"The pick-slip hand-off has no valid '{missing}'.");
        }

        var message = QueuedMessage.About(tenants, parsed.Tenant, parsed.Instance, "pick-slip", parsed.PickSlipId, parsed.CorrelationId ?? parsed.HandOffId);
        if (message.CanSucceed && deadlines.For(parsed.Tenant, parsed.Instance, parsed.Service ?? PickSlipHandOffConsumer.DefaultServiceLevel) is null)
        {
            message = message with
            {
                Refusal = QueuedMessage.UnknownInstance,
                RefusalDetail = $"Instance '{parsed.Instance}' of tenant '{parsed.Tenant}' has no pick-slip deadlines for service level '{parsed.Service ?? PickSlipHandOffConsumer.DefaultServiceLevel}'.",
            };
        }

        handOff = message.CanSucceed ? parsed : null;
        return message;
    }

    private static string? Missing(PickSlipHandedOff h) =>
        string.IsNullOrWhiteSpace(h.HandOffId) ? "handOffId"
        : string.IsNullOrWhiteSpace(h.Tenant) ? "tenant"
        : string.IsNullOrWhiteSpace(h.Instance) ? "instance"
        : string.IsNullOrWhiteSpace(h.PickSlipId) ? "pickSlipId"
        : string.IsNullOrWhiteSpace(h.OrderId) ? "orderId"
        : h.Kind is not ("generated" or "reprint" or "voided") ? "kind"
        : h.Delivery is not ("sent" or "refused" or "failed") ? "delivery"
        : h.Lines is null || h.Lines.Any(l => l is null || string.IsNullOrWhiteSpace(l.Sku)) ? "lines"
        : null;
}

/// <summary>The escalation queue (PICKSLIP_ESCALATION_QUEUE): one "did this slip miss this deadline" check.</summary>
public sealed class PickSlipEscalationMessages(IOptions<PickSlipOptions> options, TenantDirectory tenants) : IQueuedMessages
{
    public string QueueSetting => PickSlipOptions.EscalationQueueSetting;

    public string QueueName => options.Value.EscalationQueue;

    public const string FlowName = "pick-slip-escalation";

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.OmsToWms;

    public QueuedMessage Read(string body) =>
        PickSlipDeadlineWatch.ReadCheck(body) is { } check
            ? QueuedMessage.About(tenants, check.Tenant, null, "pick-slip", check.PickSlipId)
            : QueuedMessage.MalformedMessage("The escalation message does not name a pick slip and deadline.");
}
