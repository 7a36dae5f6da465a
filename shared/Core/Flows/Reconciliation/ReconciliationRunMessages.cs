using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>The reconciliation queue (RECONCILIATION_QUEUE): one instance's run.</summary>
public sealed class ReconciliationRunMessages(IOptions<ReconciliationRunOptions> options, TenantDirectory tenants) : IQueuedMessages
{
    public string QueueSetting => ReconciliationRunOptions.QueueSetting;

    public string QueueName => options.Value.Queue;

    public const string FlowName = "reconciliation-run";

    public string Flow => FlowName;

    public string Direction => FailedSyncDirection.WmsToOms;

    public QueuedMessage Read(string body) =>
        ReconciliationRequest.Parse(body) is { } request
            ? QueuedMessage.About(tenants, request.Tenant, request.Instance, "reconciliation-run", request.RunId)
            : QueuedMessage.MalformedMessage("The reconciliation message does not name a tenant, instance and run id.");
}
