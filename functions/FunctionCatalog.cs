using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Inventory;
using WmsFunctions.Handler.Items;
using WmsFunctions.Handler.OrderChanges;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.Handler.Outbox;
using WmsFunctions.Handler.PickSlips;
using WmsFunctions.Handler.PurchaseOrders;
using WmsFunctions.Handler.Receipts;
using WmsFunctions.Handler.Reconciliation;
using WmsFunctions.Handler.ReturnAuthorizations;
using WmsFunctions.Handler.Returns;
using WmsFunctions.Handler.Vendors;
using WmsFunctions.PickSlips;
using WmsFunctions.Reconciliation;
using WmsFunctions.Storage;

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

    public static IReadOnlyList<FunctionDefinition> All { get; } =
    [
        // WMS -> OMS webhooks (forwarded HTTP): authenticate, validate, map, apply, answer.
        FunctionDefinition.Webhook(
            "InventoryTransactions",
            new HttpTrigger("wms/{tenant}/{instance}/inventory-transactions", "POST"),
            InventoryApi.PostTransactionAsync),
        FunctionDefinition.Webhook(
            "PurchaseOrderReceipts",
            new HttpTrigger("wms/{tenant}/{instance}/po-receipts", "POST"),
            ReceiptsApi.PostReceiptAsync),
        FunctionDefinition.Webhook(
            "ReturnReceipts",
            new HttpTrigger("wms/{tenant}/{instance}/return-receipts", "POST"),
            ReturnsApi.PostReturnReceiptAsync),

        FunctionDefinition.Webhook(
            "PickConfirmations",
            new HttpTrigger("wms/{tenant}/{instance}/pick-confirmations", "POST"),
            PickSlipsApi.PostConfirmationAsync),

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

        // Reconciliation: the timer queues one run per instance; each run is its own queue invocation; operators start and read runs.
        FunctionDefinition.Invoked<ReconciliationScheduleFunction>(
            "ReconciliationSchedule",
            new TimerTrigger(ReconciliationScheduleFunction.Input, ReconciliationSettings.ScheduleSetting)),
        FunctionDefinition.Invoked<ReconciliationRunFunction>(
            "ReconciliationRun",
            new QueueTrigger(ReconciliationRunFunction.Input, ReconciliationSettings.QueueSetting, StorageOptions.ConnectionName)),
        FunctionDefinition.Operator("ReconciliationStart", new HttpTrigger("ops/{tenant}/reconciliation/runs", "POST"), ReconciliationApi.StartAsync),
        FunctionDefinition.Operator("ReconciliationRuns", new HttpTrigger("ops/{tenant}/reconciliation/runs", "GET"), ReconciliationApi.ListAsync),
        FunctionDefinition.Operator("ReconciliationReport", new HttpTrigger("ops/{tenant}/reconciliation/runs/{runId}", "GET"), ReconciliationApi.GetAsync),
        // OMS -> WMS (Service Bus topic subscriptions): validate, route, map per instance, deliver, record.
        FunctionDefinition.Invoked<ItemDownloadFunction>(
            ItemDownloadFunction.Name,
            OutboundInvocation.Trigger(ItemDownloadFunction.TopicSetting, ItemDownloadFunction.SubscriptionSetting)),
        FunctionDefinition.Invoked<VendorDownloadFunction>(
            VendorDownloadFunction.Name,
            OutboundInvocation.Trigger(VendorDownloadFunction.TopicSetting, VendorDownloadFunction.SubscriptionSetting)),
        FunctionDefinition.Invoked<PurchaseOrderOutFunction>(
            PurchaseOrderOutFunction.Name,
            OutboundInvocation.Trigger(PurchaseOrderOutFunction.TopicSetting, PurchaseOrderOutFunction.SubscriptionSetting)),
        FunctionDefinition.Invoked<PickSlipOutFunction>(
            PickSlipOutFunction.Name,
            OutboundInvocation.Trigger(PickSlipOutFunction.TopicSetting, PickSlipOutFunction.SubscriptionSetting)),
        FunctionDefinition.Invoked<OrderChangeOutFunction>(
            OrderChangeOutFunction.Name,
            OutboundInvocation.Trigger(OrderChangeOutFunction.TopicSetting, OrderChangeOutFunction.SubscriptionSetting)),
        FunctionDefinition.Invoked<ReturnAuthorizationOutFunction>(
            ReturnAuthorizationOutFunction.Name,
            OutboundInvocation.Trigger(ReturnAuthorizationOutFunction.TopicSetting, ReturnAuthorizationOutFunction.SubscriptionSetting)),
    ];
}
