using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Flows.Inventory;

namespace WmsFunctions.Handler.Inventory;

/// <summary>The inventory-transaction webhook: adjustments, transfers, counts, item-to-item transfers, returns to vendor and syncs from a WMS.</summary>
public static class InventoryApi
{
    [EndpointSummary("Inventory transaction")]
    [EndpointDescription(
        "One stock movement in the warehouse. type: adjust (A) by a signed quantity; transfer (T) to toLocation; overlay (O), the counted " +
        "quantity of one area as of occurredAt; item-transfer (G), stock of sku becoming toSku (at toLocation, default the same); " +
        "return-to-vendor (V), stock leaving with its RTV reference; sync (S), the WMS's total on hand of the SKU in the OMS location of " +
        "`location` as of occurredAt, applied as the difference from the instance's current total there. A movement from before the last " +
        "count of its area (or sync of its location) is 'superseded': already inside that count, it changes nothing.")]
    [WebhookRequest(typeof(InventoryTransactionRequest))]
    [ProducesResponseType(typeof(InventoryTransactionAnswer), StatusCodes.Status202Accepted, "application/json")]
    public static Task<IResult> PostTransactionAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, InventoryTransactionHandler handler) =>
        gate.RunAsync(context, tenant, instance, InventoryTransactionHandler.Flow, handler.HandleAsync);
}
