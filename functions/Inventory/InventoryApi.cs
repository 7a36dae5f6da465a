using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Inventory;

namespace WmsFunctions.Handler.Inventory;

/// <summary>The inventory-transaction webhook: adjustments, transfers and overlays (counts) from a WMS.</summary>
public static class InventoryApi
{
    public static Task<IResult> PostTransactionAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, InventoryTransactionHandler handler) =>
        gate.RunAsync(context, tenant, instance, InventoryTransactionHandler.Flow, handler.HandleAsync);
}
