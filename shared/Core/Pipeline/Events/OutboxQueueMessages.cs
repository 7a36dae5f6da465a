using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Events;

/// <summary>The outbox queue (OUTBOX_QUEUE) as its poison watcher reads it: a reference to an accepted event's inbox row.</summary>
public sealed class OutboxQueueMessages(HubStorage storage, TenantDirectory tenants) : IQueuedMessages
{
    public string QueueSetting => StorageOptions.OutboxQueueSetting;

    public string QueueName => storage.OutboxQueueName;

    public const string FlowName = "outbox-relay";

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.WmsToOms;

    public QueuedMessage Read(string body) =>
        OutboxMessages.Deserialize(body) is { } reference
            ? QueuedMessage.About(tenants, reference.Tenant, reference.Instance, "event", $"{reference.Flow}|{reference.EventId}")
            : QueuedMessage.MalformedMessage("The outbox message does not name an inbox row (tenant, instance, flow, eventId).");
}
