using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Flows.ReturnReceipts;

namespace WmsFunctions.Handler.Returns;

/// <summary>The return receipt webhook: returned goods scanned back in, with their disposition.</summary>
public static class ReturnsApi
{
    [EndpointSummary("Return receipt")]
    [EndpointDescription(
        "Returned goods scanned back in under a return authorization, 1 to 100 lines. restock: back to sellable stock at the line's " +
        "location; damaged or quarantine: to the instance's location for that disposition (never sellable), or only reported when it " +
        "has none. The OMS gets every line's outcome (return.received) and refunds.")]
    [WebhookRequest(typeof(ReturnReceiptRequest))]
    [ProducesResponseType(typeof(ReturnReceiptAnswer), StatusCodes.Status202Accepted, "application/json")]
    public static Task<IResult> PostReturnReceiptAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, ReturnReceiptHandler handler) =>
        gate.RunAsync(context, tenant, instance, ReturnReceiptHandler.Flow, handler.HandleAsync);
}
