using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Returns;

namespace WmsFunctions.Handler.Returns;

/// <summary>The return receipt webhook: returned goods scanned back in, with their disposition.</summary>
public static class ReturnsApi
{
    public static Task<IResult> PostReturnReceiptAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, ReturnReceiptHandler handler) =>
        gate.RunAsync(context, tenant, instance, ReturnReceiptHandler.Flow, handler.HandleAsync);
}
