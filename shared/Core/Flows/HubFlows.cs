using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.ReturnReceipts;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;

namespace WmsFunctions.Flows;

/// <summary>
/// Every flow of the hub, registered once. The function catalog gives each its Azure Function, the replayer replays
/// its failures and the configuration check knows its name, all from these lists: adding a flow is adding its folder
/// and one line here (docs/architecture.md, "Adding a flow").
/// </summary>
public static class HubFlows
{
    /// <summary>WMS -> OMS: one webhook each, <c>POST wms/{tenant}/{instance}/{route}</c>, through the inbox and the outbox.</summary>
    public static IReadOnlyList<InboundFlowDefinition> WmsToOms { get; } =
    [
        InventoryTransactionFlow.Registration,
        PurchaseOrderReceiptFlow.Registration,
        ReturnReceiptFlow.Registration,
        PickConfirmationFlow.Registration,
    ];

    /// <summary>OMS -> WMS: one Service Bus topic each, delivered to every WMS instance that receives the flow.</summary>
    public static IReadOnlyList<OutboundFlowDefinition> OmsToWms { get; } =
    [
        ItemDownloadFlow.Registration,
        VendorDownloadFlow.Registration,
        PurchaseOrderOutFlow.Registration,
        PickSlipOutFlow.Registration,
        OrderChangeOutFlow.Registration,
        ReturnAuthorizationOutFlow.Registration,
    ];

    public static IServiceCollection AddHubFlows(this IServiceCollection services)
    {
        foreach (var flow in WmsToOms)
        {
            services.AddInboundFlow(flow);
        }

        foreach (var flow in OmsToWms)
        {
            services.AddOutboundFlow(flow);
        }

        return services;
    }
}

/// <summary>
/// The closed set of documents the OMS -> WMS flows send, one method each. Every WMS dialect that writes documents its
/// own way implements it, so a new flow's document does not compile until each dialect has decided how to write it
/// (or that it cannot: the X12 dialect answers "not applicable" for documents no transaction set carries).
/// </summary>
public interface IWmsDocumentWriter<out TResult>
{
    TResult Item(WmsItem item);

    TResult Vendor(WmsVendor vendor);

    TResult PurchaseOrder(WmsPurchaseOrder purchaseOrder);

    TResult PickSlip(WmsPickSlip pickSlip);

    TResult OrderChange(WmsOrderChange orderChange);

    TResult ReturnAuthorization(WmsReturnAuthorization returnAuthorization);
}

public static class WmsDocumentWriters
{
    /// <summary>
    /// The one place a document meets its writer method. Documents live in their flows' folders and know no writer (a
    /// flow never depends on this registry), so this switch is held to the registered flows by a test instead.
    /// </summary>
    public static TResult Write<TResult>(this IWmsDocumentWriter<TResult> writer, WmsDocument document) => document switch
    {
        WmsItem item => writer.Item(item),
        WmsVendor vendor => writer.Vendor(vendor),
        WmsPurchaseOrder purchaseOrder => writer.PurchaseOrder(purchaseOrder),
        WmsPickSlip pickSlip => writer.PickSlip(pickSlip),
        WmsOrderChange orderChange => writer.OrderChange(orderChange),
        WmsReturnAuthorization returnAuthorization => writer.ReturnAuthorization(returnAuthorization),
        _ => throw new NotSupportedException($"{document.GetType().Name} is not one of the WMS documents (add it to IWmsDocumentWriter)."),
    };
}
