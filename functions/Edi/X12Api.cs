using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Handler.Webhooks;

namespace WmsFunctions.Handler.Edi;

/// <summary>The X12 webhook: a 3PL's interchanges (945, 944, 846, 947, and 997s for the hub's 940s and 943s).</summary>
public static class X12Api
{
    /// <summary>How OpenAPI names the body: X12 text (the schema says string; the format is X12 4010, docs/x12.md).</summary>
    [System.ComponentModel.Description("An X12 4010 interchange: ISA ... IEA, delimiters as its ISA declares them.")]
    internal sealed class X12Interchange;

    /// <summary>X12 text, at most 1 MiB; the 997 goes back in the same type.</summary>
    public static readonly WebhookMedia Media = new(X12InterchangeReceiver.ContentType, X12InterchangeReceiver.ContentType, X12InterchangeReceiver.MaxBodyBytes, "us-ascii", "utf-8");

    [EndpointSummary("X12 interchange from a 3PL")]
    [EndpointDescription(
        "One X12 4010 interchange (Content-Type application/edi-x12, at most 1 MiB) from a WMS instance whose Adapter is x12, " +
        "authenticated like every webhook. 945 ships a pick slip, 944 receives PO lines, 846 counts stock (overlay), 947 adjusts " +
        "stock with reason codes mapped by the instance; 997s acknowledge the hub's 940s and 943s. Each set is accepted or rejected " +
        "on its own: 200 with the 997 (application/edi-x12) saying which sets were rejected and where (AK3 segment position, AK4 " +
        "element). A broken envelope (ISA, IEA, control numbers, counts, truncation, wrong parties) is 400 invalid-interchange with " +
        "the position, and nothing is applied; a 997 for a group the hub never sent is 422 unknown-control-number. See docs/x12.md.")]
    [WebhookRequest(typeof(X12Interchange), ContentType = X12InterchangeReceiver.ContentType)]
    [ProducesResponseType(typeof(X12Interchange), StatusCodes.Status200OK, X12InterchangeReceiver.ContentType)]
    public static Task<IResult> PostInterchangeAsync(
        string tenant, string instance, HttpContext context, WebhookGate gate, X12InterchangeReceiver receiver) =>
        gate.RunAsync(context, tenant, instance, X12InterchangeReceiver.Flow, receiver.ReceiveAsync, Media);
}
