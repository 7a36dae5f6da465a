using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Operations;

/// <summary>The bulk-job queue (FAILED_SYNC_JOBS_QUEUE) as its poison watcher reads it: one slice of a job.</summary>
public sealed class FailedSyncJobMessages(IOptions<FailedSyncJobOptions> options, TenantDirectory tenants) : IQueuedMessages
{
    public const string FlowName = "failed-sync-job";

    public string QueueSetting => FailedSyncJobOptions.QueueSetting;

    public string QueueName => options.Value.Queue;

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.WmsToOms;

    public QueuedMessage Read(string body) =>
        FailedSyncJobMessage.Parse(body) is { } message
            ? QueuedMessage.About(tenants, message.Tenant, null, "failed-sync-job", message.JobId)
            : QueuedMessage.MalformedMessage("The bulk-job message does not name a tenant and a job id.");
}
