using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Manual overrides by operators: set a SKU's stock in one area, or mark a pick slip shipped or voided. Each is
/// applied through the same ledger or state machine as a WMS's own event, with the operator as its source.
/// </summary>
public static class OverridesApi
{
    [EndpointSummary("Override stock")]
    [EndpointDescription(
        "Sets the on-hand of one SKU (the OMS SKU) in one area (a WMS location code of the instance) as of now: a count through the stock " +
        "ledger, published to the OMS as inventory.counted with the operator as source, audited with the operator and reason. overrideId " +
        "(optional) makes a retry harmless: the same id again is answered as the first time.")]
    [WebhookRequest(typeof(StockOverrideRequest))]
    [ProducesResponseType(typeof(OverrideAnswer), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<IResult> OverrideStockAsync(string tenant, HttpContext context, OperatorOverrides overrides)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<StockOverrideRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (field, value, required) in new[] { ("overrideId", request!.OverrideId, false), ("instance", request.Instance, true), ("location", request.Location, true), ("sku", request.Sku, true) })
        {
            if ((value is not null || required) && !Codes.IsValid(value))
            {
                errors[field] = [$"{(required ? "Required: " : "")}1 to {Codes.MaxLength} characters."];
            }
        }

        if (request.Quantity is not (>= 0 and <= 10_000_000))
        {
            errors["quantity"] = ["Required: the counted quantity, 0 to 10000000."];
        }

        if (!OperatorRequests.IsValidReason(request.Reason))
        {
            errors["reason"] = [OperatorRequests.ReasonError(required: true)];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidRequest(errors, context);
        }

        var result = await overrides.SetStockAsync(
            tenant,
            new StockOverride(request.OverrideId ?? "ovr-" + Guid.NewGuid().ToString("N"), request.Instance!, request.Location!, request.Sku!, request.Quantity!.Value, request.Reason!),
            who.Actor, context.TraceIdentifier, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, context);
    }

    [EndpointSummary("Override a pick slip: mark it shipped or voided")]
    [EndpointDescription(
        "action shipped (every open line, no cartons; stock is not moved: set it with a stock override if needed) or voided (unreserve: " +
        "release the OMS's reservation, default true). Applied through the slip's state machine with source operator:{actor}: what it would " +
        "not apply (a slip already shipped, voided or closed; shipped after a void) is 409 illegal-transition and changes nothing. The OMS " +
        "hears the new status. reason required; overrideId optional (a retry with the same id is answered as the first time).")]
    [WebhookRequest(typeof(PickSlipOverrideRequest))]
    [ProducesResponseType(typeof(OverrideAnswer), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> OverridePickSlipAsync(string tenant, string pickSlipId, HttpContext context, OperatorOverrides overrides)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<PickSlipOverrideRequest>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request!.Action is not ("shipped" or "voided"))
        {
            errors["action"] = ["Required: shipped or voided."];
        }

        if (request.OverrideId is not null && !Codes.IsValid(request.OverrideId))
        {
            errors["overrideId"] = [$"1 to {Codes.MaxLength} characters."];
        }

        if (request.Unreserve is not null && request.Action == "shipped")
        {
            errors["unreserve"] = ["Only a void releases or keeps the reservation."];
        }

        if (!OperatorRequests.IsValidReason(request.Reason))
        {
            errors["reason"] = [OperatorRequests.ReasonError(required: true)];
        }

        if (!Codes.IsValid(pickSlipId))
        {
            errors["pickSlipId"] = [$"1 to {Codes.MaxLength} characters."];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidRequest(errors, context);
        }

        var result = await overrides.OverridePickSlipAsync(
            tenant,
            new PickSlipOverride(request.OverrideId ?? "ovr-" + Guid.NewGuid().ToString("N"), pickSlipId, request.Action!, request.Unreserve ?? true, request.Reason!),
            who.Actor, context.TraceIdentifier, context.RequestAborted).ConfigureAwait(false);
        return Answer(result, context);
    }

    private static IResult Answer(InboundResult result, HttpContext context)
    {
        if (result.Problem is { } problem)
        {
            return ProblemResults.For(problem, context);
        }

        if (result.Replayed)
        {
            context.Response.Headers[WebhookGate.ReplayedHeader] = "true";
        }

        return Results.Text(result.Body ?? "{}", "application/json", statusCode: StatusCodes.Status200OK);
    }
}
