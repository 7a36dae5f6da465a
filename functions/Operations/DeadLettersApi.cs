using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Dead letters fed back by operators: a message taken from a dead-letter queue becomes a failed sync of its flow,
/// to replay through <see cref="FailedSyncsApi"/> once the cause is fixed.
/// </summary>
public static class DeadLettersApi
{
    /// <summary>A dead letter's body is carried inside the request, so the request may be larger than other operator bodies.</summary>
    public const int MaxDeadLetterBytes = 1024 * 1024;

    private const int OutboundBodyLimit = 512 * 1024;

    [EndpointSummary("Feed a dead-lettered message back")]
    [EndpointDescription(
        "Records a message taken from a dead-letter queue as a failed sync (reason dead-lettered) of its original flow, to replay once the " +
        "cause is fixed. body: the dead letter's body as it was (a CloudEvent for OMS -> WMS flows, the event for WMS -> OMS flows); flow " +
        "(items, vendors, purchase-orders, pick-slips, order-changes, return-authorizations, inventory, po-receipts, returns, pick); instance " +
        "(required for WMS -> OMS flows; for OMS -> WMS optional: without it the replay routes it again); entityType, entityId and messageId " +
        "(default: the body's id); reason (where it came from, required). The same message fed twice is one failed sync.")]
    [WebhookRequest(typeof(DeadLetterRequest))]
    [ProducesResponseType(typeof(FailedSyncView), StatusCodes.Status201Created, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> FeedDeadLetterAsync(
        string tenant, HttpContext context, FailedSyncStore store, FailedSyncReplayer replayer, TenantDirectory tenants, AuditLog audit, TimeProvider time)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<DeadLetterRequest>(context, MaxDeadLetterBytes).ConfigureAwait(false);
        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var direction = request!.Flow is { } f ? replayer.DirectionOf(f) : null;
        if (direction is null)
        {
            errors["flow"] = [$"Required: one of {string.Join(", ", replayer.Flows)}."];
        }

        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > OutboundBodyLimit)
        {
            errors["body"] = [$"Required: the dead letter's body, at most {OutboundBodyLimit} characters."];
        }

        var messageId = request.MessageId ?? PeekId(request.Body);
        foreach (var (field, value) in new[] { ("instance", request.Instance), ("entityType", request.EntityType), ("entityId", request.EntityId), ("messageId", messageId) })
        {
            if (value is not null && !Codes.IsValid(value))
            {
                errors[field] = [$"1 to {Codes.MaxLength} characters."];
            }
        }

        if (messageId is null && !errors.ContainsKey("body"))
        {
            errors["messageId"] = ["Required when the body has no id or eventId."];
        }

        if (direction == FailedSyncDirection.WmsToOms && (request.Instance is null || !tenants.TryGet(tenant, request.Instance, out _)))
        {
            errors["instance"] = ["Required for a WMS -> OMS flow: a WMS instance of the tenant."];
        }
        else if (request.Instance is { } named && !tenants.TryGet(tenant, named, out _))
        {
            errors["instance"] = [$"Tenant '{tenant}' has no WMS instance '{named}'."];
        }

        if (!OperatorRequests.IsValidReason(request.Reason))
        {
            errors["reason"] = [OperatorRequests.ReasonError(required: true)];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidRequest(errors, context);
        }

        var correlationId = context.TraceIdentifier;
        var recorded = await store.RecordAsync(
            new FailedSync(tenant, request.Instance ?? FailedSyncStore.Unrouted, direction!, request.Flow!, request.EntityType ?? "message",
                request.EntityId ?? messageId!, messageId!, AlertEvaluator.DeadLettered, $"fed back by {who.Actor}: {request.Reason}", correlationId, request.Body!),
            context.RequestAborted).ConfigureAwait(false);
        await audit.WriteAsync(
            new AuditEntry(tenant, time.GetUtcNow(), "operations", "dead-letter-fed-back", Instance: recorded.Instance, EntityType: recorded.EntityType,
                EntityId: recorded.EntityId, EventId: messageId, CorrelationId: recorded.CorrelationId, Reason: request.Reason,
                Summary: $"{recorded.Flow} message recorded as a failed sync to replay", Actor: who.Actor),
            $"dead-letter|{recorded.RowKey}|{recorded.Attempts}",
            context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(FailedSyncView.Of(recorded), statusCode: StatusCodes.Status201Created);
    }

    private static string? PeekId(string? body)
    {
        if (body is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            foreach (var name in new[] { "id", "eventId" })
            {
                if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && document.RootElement.TryGetProperty(name, out var id) && id.ValueKind == System.Text.Json.JsonValueKind.String)
                {
                    return id.GetString();
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // a body that is not JSON has no id of its own
        }

        return null;
    }
}
