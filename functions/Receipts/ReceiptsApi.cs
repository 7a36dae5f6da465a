using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Flows.PurchaseOrderReceipts;

namespace WmsFunctions.Handler.Receipts;

/// <summary>The PO receipt webhook: one purchase-order line received into one location.</summary>
public static class ReceiptsApi
{
    [EndpointSummary("Purchase order receipt")]
    [EndpointDescription(
        "Receipt of one PO line into one location (several locations are several receipts). Good units go to sellable stock at the " +
        "location; damaged units count as received and go to the instance's damaged location, or are only reported when it has none. " +
        "Each receipt is counted once into the line's total: line.lineStatus is partial, complete, over-received or cancelled. An " +
        "over-receipt or a receipt on a cancelled line or PO is accepted with status 'flagged' and named in flags. Refused: a PO or line " +
        "the hub does not know or another SKU than the line's (422), a PO expected at a location of another instance (403).")]
    [WebhookRequest(typeof(PurchaseOrderReceiptRequest))]
    [ProducesResponseType(typeof(PurchaseOrderReceiptAnswer), StatusCodes.Status202Accepted, "application/json")]
    public static Task<IResult> PostReceiptAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, PurchaseOrderReceiptHandler handler) =>
        gate.RunAsync(context, tenant, instance, PurchaseOrderReceiptHandler.Flow, handler.HandleAsync);
}
