using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// The failed-sync queue for operators: what failed and why (with its audit trail), replay one or several once the
/// cause is fixed, or close one as resolved or ignored. Behind the <see cref="OperatorGate"/>; every change needs a
/// reason and is audited with the operator. Bad input is RFC 9457 problem details and changes nothing.
/// </summary>
public static class FailedSyncsApi
{
    public const int MaxReplayBatch = 50;

    [EndpointSummary("Failed syncs, filtered and paged")]
    [EndpointDescription(
        "Query: instance, flow, reason, status (open (default), replaying, replayed, resolved, ignored), olderThanMinutes, newerThan " +
        "(RFC 3339), take (1-200, default 50), continuation (from the previous page). Open failures across instances are read through " +
        "an index by reason, flow or age (oldest first); with instance, that instance's failures in key order.")]
    [ProducesResponseType(typeof(FailedSyncListing), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> ListFailedSyncsAsync(string tenant, HttpContext context, FailedSyncStore store, TimeProvider time)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string? Code(string name)
        {
            var value = query[name].FirstOrDefault();
            if (value is not null && !Codes.IsValid(value))
            {
                errors[name] = [$"1 to {Codes.MaxLength} characters."];
            }

            return value;
        }

        var instance = Code("instance");
        var flow = Code("flow");
        var reason = Code("reason");
        var status = FailedSyncStatus.Open;
        if (query["status"].FirstOrDefault() is { } statusText)
        {
            if (FailedSyncStatuses.TryParse(statusText, out var named))
            {
                status = named;
            }
            else
            {
                errors["status"] = [$"One of {string.Join(", ", Enum.GetValues<FailedSyncStatus>().Select(s => s.Name()))}."];
            }
        }

        DateTimeOffset? olderThan = null;
        if (query["olderThanMinutes"].FirstOrDefault() is { } age)
        {
            if (int.TryParse(age, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes <= 525_600)
            {
                olderThan = time.GetUtcNow().AddMinutes(-minutes);
            }
            else
            {
                errors["olderThanMinutes"] = ["A whole number of minutes, 0 to 525600."];
            }
        }

        DateTimeOffset? newerThan = null;
        if (query["newerThan"].FirstOrDefault() is { } since)
        {
            if (DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
            {
                newerThan = from;
            }
            else
            {
                errors["newerThan"] = ["An RFC 3339 time with offset."];
            }
        }

        var take = OperatorQuery.Take(query, errors, fallback: 50, max: 200);

        var continuation = OperatorQuery.Continuation(query, errors, c => c.Length <= 2048);
        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        return await OperatorQuery.PageAsync(
            continuation,
            context,
            () => store.ListAsync(new FailedSyncListQuery(tenant, instance, flow, reason, status, olderThan, newerThan, take, continuation), context.RequestAborted),
            page => new FailedSyncListing(page.Items.Select(FailedSyncView.Of).ToArray(), page.Continuation)).ConfigureAwait(false);
    }

    [EndpointSummary("One failed sync with its audit trail")]
    [EndpointDescription("The failure (reason, detail, attempts, status and who changed it) and every audit entry with its correlation id or about its entity, oldest first.")]
    [ProducesResponseType(typeof(FailedSyncWithAudit), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> GetFailedSyncAsync(string tenant, string id, HttpContext context, FailedSyncStore store, AuditLog audit, TimeProvider time)
    {
        var failed = await store.GetAsync(tenant, id, context.RequestAborted).ConfigureAwait(false);
        if (failed is null)
        {
            return NotFound(tenant, id, context);
        }

        var to = time.GetUtcNow().AddDays(1);
        var from = failed.FirstSeenAt.AddDays(-30);
        var entries = new Dictionary<string, AuditEntity>(StringComparer.Ordinal);
        if (failed.CorrelationId is { Length: > 0 } correlation)
        {
            foreach (var entry in (await audit.QueryPageAsync(new AuditQuery(tenant, from, to, CorrelationId: correlation, Take: 500), context.RequestAborted).ConfigureAwait(false)).Entries)
            {
                entries[entry.RowKey] = entry;
            }
        }

        foreach (var entry in (await audit.QueryPageAsync(new AuditQuery(tenant, from, to, EntityType: failed.EntityType, EntityId: failed.EntityId, Take: 500), context.RequestAborted).ConfigureAwait(false)).Entries)
        {
            entries[entry.RowKey] = entry;
        }

        return TypedResults.Json(new FailedSyncWithAudit(
            FailedSyncView.Of(failed),
            entries.Values.OrderBy(e => e.At).ThenBy(e => e.RowKey, StringComparer.Ordinal).Select(AuditEntryView.Of).ToArray()));
    }

    [EndpointSummary("Replay one failed sync")]
    [EndpointDescription(
        "Runs the stored original message through its flow again, after the cause was fixed: OMS -> WMS through the same dispatcher and " +
        "adapter to the instance that failed; WMS -> OMS through the same inbound pipeline as the webhook. Never applies twice: a failed " +
        "sync already replayed, resolved or ignored is 409 failed-sync-not-open, one being replayed 409 replay-in-progress. Answered 200 " +
        "with outcome replayed, or failed-again (still open, with the new reason).")]
    [WebhookRequest(typeof(ReplayRequest))]
    [ProducesResponseType(typeof(ReplayOutcome), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status409Conflict, "application/problem+json")]
    [CallsPartner]
    public static async Task<IResult> ReplayAsync(string tenant, string id, HttpContext context, FailedSyncReplayer replayer)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<ReplayRequest>(context, allowEmpty: true).ConfigureAwait(false);
        if (problem is null && request?.Reason is { } given && !OperatorRequests.IsValidReason(given))
        {
            problem = OperatorRequests.ReasonProblem(required: false);
        }

        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var outcome = await replayer.ReplayAsync(tenant, id, who.Actor, request?.Reason, context.RequestAborted).ConfigureAwait(false);
        return outcome.Outcome switch
        {
            ReplayOutcome.NotFound => NotFound(tenant, id, context),
            ReplayOutcome.NotOpen => ProblemResults.For(new Problem("failed-sync-not-open", 409, "Not open", $"The failed sync is {outcome.Status}: nothing was replayed."), context),
            ReplayOutcome.InProgress => ProblemResults.For(new Problem("replay-in-progress", 409, "Replay in progress", "Another replay of this failed sync is running: nothing was replayed."), context),
            ReplayOutcome.NotReplayable => ProblemResults.For(new Problem("not-replayable", 409, "Not replayable", outcome.Summary), context),
            _ => TypedResults.Json(outcome),
        };
    }

    [EndpointSummary("Replay several failed syncs")]
    [EndpointDescription("Body: ids (1-50) and an optional reason. Each is replayed as by the single replay, one after the other; the answer lists each outcome (replayed, failed-again, not-found, not-open, in-progress, not-replayable).")]
    [WebhookRequest(typeof(ReplayManyRequest))]
    [ProducesResponseType(typeof(ReplayManyAnswer), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [CallsPartner]
    public static async Task<IResult> ReplayManyAsync(string tenant, HttpContext context, FailedSyncReplayer replayer)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<ReplayManyRequest>(context).ConfigureAwait(false);
        if (problem is null)
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (request!.Ids is not { Count: > 0 and <= MaxReplayBatch } ids || ids.Any(i => string.IsNullOrWhiteSpace(i) || i.Length > 1400))
            {
                errors["ids"] = [$"1 to {MaxReplayBatch} failed-sync ids."];
            }

            if (request.Reason is { } reason && !OperatorRequests.IsValidReason(reason))
            {
                errors["reason"] = [OperatorRequests.ReasonError(required: false)];
            }

            problem = errors.Count > 0 ? RequestProblems.InvalidRequest(errors) : null;
        }

        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var results = new List<ReplayOutcome>();
        foreach (var id in request!.Ids!.Distinct(StringComparer.Ordinal))
        {
            results.Add(await replayer.ReplayAsync(tenant, id, who.Actor, request.Reason, context.RequestAborted).ConfigureAwait(false));
        }

        return TypedResults.Json(new ReplayManyAnswer(results));
    }

    [EndpointSummary("Resolve a failed sync")]
    [EndpointDescription("Closes an open failed sync as fixed by other means. reason is required. 409 failed-sync-not-open when it is not open.")]
    [WebhookRequest(typeof(OperatorReasonRequest))]
    [ProducesResponseType(typeof(FailedSyncView), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> ResolveAsync(string tenant, string id, HttpContext context, FailedSyncStore store, AuditLog audit, TimeProvider time) =>
        CloseAsync(FailedSyncStatus.Resolved, tenant, id, context, store, audit, time);

    [EndpointSummary("Ignore a failed sync")]
    [EndpointDescription("Closes an open failed sync as deliberately not synchronised. reason is required. 409 failed-sync-not-open when it is not open.")]
    [WebhookRequest(typeof(OperatorReasonRequest))]
    [ProducesResponseType(typeof(FailedSyncView), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status409Conflict, "application/problem+json")]
    public static Task<IResult> IgnoreAsync(string tenant, string id, HttpContext context, FailedSyncStore store, AuditLog audit, TimeProvider time) =>
        CloseAsync(FailedSyncStatus.Ignored, tenant, id, context, store, audit, time);

    private static async Task<IResult> CloseAsync(
        FailedSyncStatus status, string tenant, string id, HttpContext context, FailedSyncStore store, AuditLog audit, TimeProvider time)
    {
        var who = context.AuthenticatedOperator();

        var (request, problem) = await OperatorRequests.ReadAsync<OperatorReasonRequest>(context).ConfigureAwait(false);
        if (problem is null && !OperatorRequests.IsValidReason(request?.Reason))
        {
            problem = OperatorRequests.ReasonProblem(required: true);
        }

        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var (closed, entity) = await store.CloseAsync(tenant, id, status, request!.Reason!, who.Actor, context.RequestAborted).ConfigureAwait(false);
        if (entity is null)
        {
            return NotFound(tenant, id, context);
        }

        if (!closed)
        {
            return ProblemResults.For(new Problem("failed-sync-not-open", 409, "Not open", $"The failed sync is {entity.Status}: nothing was changed."), context);
        }

        await audit.WriteAsync(
            new AuditEntry(tenant, time.GetUtcNow(), "operations", status.Name(), Instance: entity.Instance, EntityType: entity.EntityType,
                EntityId: entity.EntityId, EventId: entity.MessageId, CorrelationId: entity.CorrelationId, Reason: request.Reason,
                Summary: $"{entity.Flow} failed sync ({entity.ReasonCode}) {status.Name()}", Actor: who.Actor),
            $"{status}|{id}",
            context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(FailedSyncView.Of(entity));
    }

    private static IResult NotFound(string tenant, string id, HttpContext context) =>
        ProblemResults.For(new Problem("failed-sync-not-found", 404, "Failed sync not found", $"Tenant '{tenant}' has no failed sync '{(id.Length > 100 ? id[..100] : id)}'."), context);
}
