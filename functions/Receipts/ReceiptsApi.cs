using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Receipts;

namespace WmsFunctions.Handler.Receipts;

/// <summary>The PO receipt webhook: one purchase-order line received into one location.</summary>
public static class ReceiptsApi
{
    public static Task<IResult> PostReceiptAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, PurchaseOrderReceiptHandler handler) =>
        gate.RunAsync(context, tenant, instance, PurchaseOrderReceiptHandler.Flow, handler.HandleAsync);
}
