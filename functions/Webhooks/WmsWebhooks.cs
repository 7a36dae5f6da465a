using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Pipeline.Events;

namespace WmsFunctions.Handler.Webhooks;

/// <summary>
/// The webhook of every registered WMS -> OMS flow, <c>POST wms/{tenant}/{instance}/{route}</c>: the gate authenticates
/// the instance and reads the body, the flow receives it. Its OpenAPI description comes from the flow's contract.
/// </summary>
internal static class WmsWebhooks
{
    public static FunctionDefinition For(InboundFlowDefinition flow) =>
        FunctionDefinition.Webhook(
            flow.Function,
            new HttpTrigger($"wms/{{tenant}}/{{instance}}/{flow.Route}", "POST"),
            (string tenant, string instance, HttpContext context, WebhookGate gate, EventPipeline pipeline) =>
                gate.RunAsync(context, tenant, instance, flow.Name, (request, cancellationToken) =>
                    pipeline.ReceiveAsync((IInboundFlow)context.RequestServices.GetRequiredService(flow.FlowType), request, cancellationToken)),
            Describe(flow.Contract));

    private static object[] Describe(WebhookContract contract) =>
    [
        new EndpointSummaryAttribute(contract.Summary),
        new EndpointDescriptionAttribute(contract.Description),
        new WebhookRequestAttribute(contract.Request),
        new ProducesResponseTypeAttribute(contract.Answer, StatusCodes.Status202Accepted, "application/json"),
        .. contract.ExtraRefusals.Select(status => new ProducesResponseTypeAttribute(typeof(ProblemDetails), status, "application/problem+json")),
    ];
}
