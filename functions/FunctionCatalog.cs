using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Inventory;
using WmsFunctions.Handler.Outbox;
using WmsFunctions.Handler.Receipts;
using WmsFunctions.Handler.Returns;
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

        // Moves every accepted inbound event on to the OMS (the outbox relay).
        FunctionDefinition.Invoked<OutboxRelayFunction>(
            "OutboxRelay",
            new QueueTrigger(OutboxRelayFunction.Input, StorageOptions.OutboxQueueSetting, StorageOptions.ConnectionName),
            new ServiceBusOutput(OutboxRelayFunction.Output, ServiceBusConnection, TopicNameSetting: OmsEventsTopicSetting)),
    ];
}
