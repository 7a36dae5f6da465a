using Azure;
using Azure.Data.Tables;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Retries;

/// <summary>
/// A storage queue the hub owns and a queue-triggered function reads. Its owner (the layer that writes its messages)
/// registers one of these, so the poison watcher of the queue knows the queue's name, which flow a captured message
/// belongs to, and how to read a message for its tenant and whether it can ever succeed. A test holds every queue
/// trigger of the function catalog to a registered queue.
/// </summary>
public interface IQueuedMessages
{
    /// <summary>The app setting that names the queue (the queue trigger's <c>%SETTING%</c>).</summary>
    string QueueSetting { get; }

    /// <summary>The queue's name, as the producers and the trigger resolve it.</summary>
    string QueueName { get; }

    /// <summary>The flow a failed sync of this queue is filed under (e.g. outbox-relay).</summary>
    string Flow { get; }

    /// <summary>Failed-sync direction of its messages.</summary>
    string Direction { get; }

    /// <summary>Reads one message for the failed-sync record, and says whether it can ever succeed.</summary>
    QueuedMessage Read(string body);
}

/// <summary>
/// What a queue message is about (tenant, instance, entity, correlation id) and, in <see cref="Refusal"/>, why it can
/// never succeed (malformed-message, unknown-tenant, unknown-instance): such a message goes to a person at once,
/// instead of round the retry schedule.
/// </summary>
public sealed record QueuedMessage(
    string Tenant,
    string Instance,
    string EntityType,
    string EntityId,
    string? CorrelationId = null,
    string? Refusal = null,
    string? RefusalDetail = null)
{
    public const string Malformed = "malformed-message";
    public const string UnknownTenant = "unknown-tenant";
    public const string UnknownInstance = "unknown-instance";

    public bool CanSucceed => Refusal is null;

    /// <summary>A message that is not what its queue carries.</summary>
    public static QueuedMessage MalformedMessage(string detail) =>
        new(FailedSyncStore.UnknownTenant, FailedSyncStore.Unrouted, "message", "", null, Malformed, detail);

    /// <summary>
    /// A readable message about <paramref name="tenant"/>/<paramref name="instance"/> (instance null: a tenant-wide
    /// message): refused when the tenant (or the instance) is not configured, filed under the unknown-tenant marker.
    /// </summary>
    public static QueuedMessage About(
        TenantDirectory tenants, string tenant, string? instance, string entityType, string entityId, string? correlationId = null)
    {
        if (!tenants.All.Any(i => i.Tenant == tenant))
        {
            return new(FailedSyncStore.UnknownTenant, FailedSyncStore.Unrouted, entityType, entityId, correlationId, UnknownTenant,
                $"Tenant '{FailedSyncStore.Excerpt(tenant, 100)}' is not configured.");
        }

        if (instance is not null && !tenants.TryGet(tenant, instance, out _))
        {
            return new(tenant, FailedSyncStore.Unrouted, entityType, entityId, correlationId, UnknownInstance,
                $"Tenant '{tenant}' has no WMS instance '{FailedSyncStore.Excerpt(instance, 100)}'.");
        }

        return new(tenant, instance ?? FailedSyncStore.Unrouted, entityType, entityId, correlationId);
    }
}

/// <summary>
/// The marker of one poisoned message's handling (table QueueRetries): partition = the source queue, row = the
/// poison message's id and its generation. Written once (an atomic insert) by the watcher that re-enqueued it, so
/// a redelivered poison message finds it and enqueues no second copy.
/// </summary>
public sealed class QueueRetryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int Generation { get; set; }

    /// <summary>The copy put back on the source queue, and when it becomes visible.</summary>
    public string CopyMessageId { get; set; } = "";

    public string CopyPopReceipt { get; set; } = "";

    public DateTimeOffset DueAt { get; set; }

    public string Tenant { get; set; } = "";

    public static string RowFor(string poisonMessageId, int generation) =>
        Platform.Storage.TableKeys.Join(Platform.Storage.TableKeys.Escape(poisonMessageId), generation.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
