using WmsFunctions.Flows;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Handler.Channels;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Edi;
using WmsFunctions.Handler.Operations;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Handler.Outbox;
using WmsFunctions.Handler.PickSlips;
using WmsFunctions.Handler.Reconciliation;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Operations;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Handler;

/// <summary>
/// Every function of the app, declared once. The handler maps its routes from this list, and the function.json
/// files of the deploy package are written from it (<c>WmsFunctions.Handler --write-function-metadata DIR</c>),
/// so the host's view and the handler's view cannot drift apart.
/// </summary>
public static class FunctionCatalog
{
    /// <summary>host.json <c>extensions.http.routePrefix</c>: forwarded requests keep it in their path.</summary>
    public const string RoutePrefix = "api";

    /// <summary>The Service Bus connection setting (<c>ServiceBus__fullyQualifiedNamespace</c> and friends in Azure).</summary>
    public const string ServiceBusConnection = "ServiceBus";

    /// <summary>The topic every OMS-bound CloudEvent goes to.</summary>
    public const string OmsEventsTopicSetting = "OMS_EVENTS_TOPIC";

    /// <summary>The topic alerts for people go to (overdue slips, and later failures and discrepancies).</summary>
    public const string AlertsTopicSetting = "ALERTS_TOPIC";

    /// <summary>
    /// Every function: the list below, and for each function that reads a queue its failure watcher (FailureWatchers:
    /// one on each storage queue's poison queue, one on each Service Bus subscription's dead-letter subqueue).
    /// </summary>
    public static IReadOnlyList<FunctionDefinition> All { get; } = WithFailureWatchers(
    [
        // WMS -> OMS webhooks (forwarded HTTP), one per registered flow, and the X12 dialect's: authenticate, validate, map,
        // apply, answer.
        .. HubFlows.WmsToOms.Select(WmsWebhooks.For),
        FunctionDefinition.Webhook(
            "X12Interchanges",
            new HttpTrigger("wms/{tenant}/{instance}/x12", "POST"),
            X12Api.PostInterchangeAsync),

        // Moves every accepted inbound event on to the OMS (the outbox relay).
        FunctionDefinition.Invoked<OutboxRelayFunction>(
            "OutboxRelay",
            new QueueTrigger(OutboxRelayFunction.Input, StorageOptions.OutboxQueueSetting, StorageOptions.ConnectionName),
            new ServiceBusOutput(OutboxRelayFunction.Output, ServiceBusConnection, TopicNameSetting: OmsEventsTopicSetting)),

        // The pick-slip orchestration: slips handed off by pick slip out start (or void) their state machine.
        FunctionDefinition.Invoked<PickSlipHandOffFunction>(
            "PickSlipHandOff",
            new QueueTrigger(PickSlipHandOffFunction.Input, PickSlipHandOffFunction.QueueSetting, StorageOptions.ConnectionName),
            new ServiceBusOutput(PickSlipHandOffFunction.ToOms, ServiceBusConnection, TopicNameSetting: OmsEventsTopicSetting)),

        // The pick-slip orchestration's clock: find overdue slips, escalate each once.
        FunctionDefinition.Invoked<PickSlipDeadlineScanFunction>(
            "PickSlipDeadlineScan",
            new TimerTrigger(PickSlipDeadlineScanFunction.Input, "PICKSLIP_DEADLINE_SCHEDULE")),
        FunctionDefinition.Invoked<PickSlipEscalationFunction>(
            "PickSlipEscalation",
            new QueueTrigger(PickSlipEscalationFunction.Input, PickSlipOptions.EscalationQueueSetting, StorageOptions.ConnectionName),
            new ServiceBusOutput(PickSlipEscalationFunction.ToOms, ServiceBusConnection, TopicNameSetting: OmsEventsTopicSetting),
            new ServiceBusOutput(PickSlipEscalationFunction.Alerts, ServiceBusConnection, TopicNameSetting: AlertsTopicSetting)),

        // Operators: one slip with its history; slips by state and age.
        FunctionDefinition.Operator("PickSlipStatus", new HttpTrigger("ops/{tenant}/pick-slips/{pickSlipId}", "GET"), PickSlipsApi.GetAsync),
        FunctionDefinition.Operator("PickSlipList", new HttpTrigger("ops/{tenant}/pick-slips", "GET"), PickSlipsApi.ListAsync),

        // Operations (issue 6): failed syncs (list, view with audit trail, replay, resolve, ignore, dead letters fed back),
        // manual overrides, the audit log; readiness; the alerts evaluator.
        FunctionDefinition.Operator("FailedSyncList", new HttpTrigger("ops/{tenant}/failed-syncs", "GET"), FailedSyncsApi.ListFailedSyncsAsync),
        FunctionDefinition.Operator("FailedSyncView", new HttpTrigger("ops/{tenant}/failed-syncs/{id}", "GET"), FailedSyncsApi.GetFailedSyncAsync),
        FunctionDefinition.Operator("FailedSyncReplay", new HttpTrigger("ops/{tenant}/failed-syncs/{id}/replay", "POST"), FailedSyncsApi.ReplayAsync),
        FunctionDefinition.Operator("FailedSyncReplayMany", new HttpTrigger("ops/{tenant}/failed-syncs/replay", "POST"), FailedSyncsApi.ReplayManyAsync),
        FunctionDefinition.Operator("FailedSyncResolve", new HttpTrigger("ops/{tenant}/failed-syncs/{id}/resolve", "POST"), FailedSyncsApi.ResolveAsync),
        FunctionDefinition.Operator("FailedSyncIgnore", new HttpTrigger("ops/{tenant}/failed-syncs/{id}/ignore", "POST"), FailedSyncsApi.IgnoreAsync),
        // Bulk recovery: the request creates a job; the queue function works through it in slices at the job's rate.
        FunctionDefinition.Operator("FailedSyncJobStart", new HttpTrigger("ops/{tenant}/failed-syncs/jobs", "POST"), FailedSyncJobsApi.StartAsync),
        FunctionDefinition.Operator("FailedSyncJobView", new HttpTrigger("ops/{tenant}/failed-syncs/jobs/{jobId}", "GET"), FailedSyncJobsApi.GetAsync),
        FunctionDefinition.Operator("FailedSyncJobItems", new HttpTrigger("ops/{tenant}/failed-syncs/jobs/{jobId}/items", "GET"), FailedSyncJobsApi.ItemsAsync),
        FunctionDefinition.Invoked<FailedSyncJobFunction>(
            "FailedSyncJobs",
            new QueueTrigger(FailedSyncJobFunction.Input, FailedSyncJobOptions.QueueSetting, StorageOptions.ConnectionName)),
        FunctionDefinition.Operator("DeadLetterFeedback", new HttpTrigger("ops/{tenant}/dead-letters", "POST"), DeadLettersApi.FeedDeadLetterAsync),
        FunctionDefinition.Operator("StockOverride", new HttpTrigger("ops/{tenant}/stock-overrides", "POST"), OverridesApi.OverrideStockAsync),
        FunctionDefinition.Operator("PickSlipOverride", new HttpTrigger("ops/{tenant}/pick-slips/{pickSlipId}/override", "POST"), OverridesApi.OverridePickSlipAsync),
        FunctionDefinition.Operator("AuditQuery", new HttpTrigger("ops/{tenant}/audit", "GET"), AuditApi.QueryAuditAsync),
        FunctionDefinition.Anonymous("Health", new HttpTrigger("health", "GET"), HealthApi.GetAsync),
        FunctionDefinition.Invoked<AlertEvaluationFunction>(
            "AlertEvaluation",
            new TimerTrigger(AlertEvaluationFunction.Input, AlertOptions.ScheduleSetting),
            new ServiceBusOutput(AlertEvaluationFunction.Alerts, ServiceBusConnection, TopicNameSetting: AlertsTopicSetting)),
        // Reconciliation: the timer queues one run per instance; each run is its own queue invocation; operators start and read runs.
        FunctionDefinition.Invoked<ReconciliationScheduleFunction>(
            "ReconciliationSchedule",
            new TimerTrigger(ReconciliationScheduleFunction.Input, ReconciliationRunOptions.ScheduleSetting)),
        FunctionDefinition.Invoked<ReconciliationRunFunction>(
            "ReconciliationRun",
            new QueueTrigger(ReconciliationRunFunction.Input, ReconciliationRunOptions.QueueSetting, StorageOptions.ConnectionName)),
        FunctionDefinition.Operator("ReconciliationStart", new HttpTrigger("ops/{tenant}/reconciliation/runs", "POST"), ReconciliationApi.StartAsync),
        FunctionDefinition.Operator("ReconciliationRuns", new HttpTrigger("ops/{tenant}/reconciliation/runs", "GET"), ReconciliationApi.ListAsync),
        FunctionDefinition.Operator("ReconciliationReport", new HttpTrigger("ops/{tenant}/reconciliation/runs/{runId}", "GET"), ReconciliationApi.GetAsync),
        // Channels (marketplaces): order pull, availability per SKU and channel (throttled), the channels' reading of
        // what the hub tells the OMS (shipments and stock back to the marketplaces), the operators' report.
        FunctionDefinition.Invoked<ChannelOrderPullFunction>(
            "ChannelOrderPull",
            new TimerTrigger(ChannelOrderPullFunction.Input, ChannelOrderPullFunction.ScheduleSetting)),
        FunctionDefinition.Invoked<ChannelStockFunction>(
            "ChannelStock",
            new QueueTrigger(ChannelStockFunction.Input, global::WmsFunctions.Flows.Channels.ChannelStockOptions.StockQueueSetting, StorageOptions.ConnectionName),
            new ServiceBusOutput(ChannelStockFunction.Output, ServiceBusConnection, TopicNameSetting: ChannelStockFunction.TopicSetting)),
        FunctionDefinition.Invoked<ChannelFeedFunction>(
            "ChannelFeed",
            new ServiceBusTrigger(ChannelFeedFunction.Input, ServiceBusConnection, TopicNameSetting: OmsEventsTopicSetting, SubscriptionNameSetting: ChannelFeedFunction.SubscriptionSetting))
            with { Failures = new FailureFlow(global::WmsFunctions.Flows.Channels.ChannelFeedConsumer.DeadLetterFlow, global::WmsFunctions.Pipeline.FailedSyncs.FailedSyncDirection.HubToMarketplace) },
        FunctionDefinition.MarketplaceWebhook(
            "ChannelOrdersPush",
            new HttpTrigger("channels/{tenant}/{channel}/orders", "POST"),
            ChannelOrdersWebhook.PostAsync),
        FunctionDefinition.Operator("ChannelsReport", new HttpTrigger("ops/{tenant}/channels/report", "GET"), ChannelsApi.ReportAsync),

        // OMS -> WMS, one function per registered flow (Service Bus topic of the flow, the hub's subscription): validate,
        // route, map per instance, deliver, record.
        .. HubFlows.OmsToWms.Select(OmsToWmsFunction.For),
        // OMS -> WMS deliveries deferred while their WMS instance was unavailable: tried again, that instance only.
        FunctionDefinition.Invoked<WmsDeliveryRetryFunction>(
            "WmsDeliveryRetry",
            new QueueTrigger(WmsDeliveryRetryFunction.Input, global::WmsFunctions.Pipeline.Delivery.WmsDeliveryRetryOptions.QueueSetting, StorageOptions.ConnectionName)),
    ]);

    private static FunctionDefinition[] WithFailureWatchers(FunctionDefinition[] functions) =>
        [.. functions, .. functions.SelectMany(FailureWatchers.For)];
}
