using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Operations;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Bulk recovery for operators: replay, resolve or ignore every open failed sync of the tenant that matches a filter,
/// with a dry run first. The request only creates the job (and its first queue message); the queue function
/// <c>FailedSyncJobs</c> does the work in slices at the job's rate, so no HTTP request runs long. Behind the
/// <see cref="OperatorGate"/>; bad input is RFC 9457 problem details and changes nothing.
/// </summary>
public static partial class FailedSyncJobsApi
{
    [EndpointSummary("Replay, resolve or ignore failed syncs by filter")]
    [EndpointDescription(
        "Body: action (replay, resolve, ignore); filter: flow, reasonCode, instance, firstSeenFrom/firstSeenTo, lastSeenFrom/lastSeenTo (RFC 3339, " +
        "from inclusive, to exclusive); reason (the operator's: required to resolve or ignore); ratePerSecond (items per second, default 5, at most 50); " +
        "dryRun (true: answer 200 with the count of open failed syncs that match, up to 10,000, and the first 10 ids; nothing changes); " +
        "idempotencyKey (names the job; without it the request itself does). Otherwise 202 with the job (Location: the job), worked through by a queue " +
        "function; the same request (or key) again answers 200 with the same job, and a key reused for another request is 422 idempotency-key-reused. " +
        "Each item is replayed or closed as by the single-item calls, so items another job or person took meanwhile are skipped, never done twice.")]
    [WebhookRequest(typeof(FailedSyncJobRequestBody))]
    [ProducesResponseType(typeof(FailedSyncDryRunView), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(FailedSyncJobView), StatusCodes.Status202Accepted, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public static async Task<IResult> StartAsync(string tenant, HttpContext context, FailedSyncJobs jobs)
    {
        var who = context.AuthenticatedOperator();
        var (body, problem) = await OperatorRequests.ReadAsync<FailedSyncJobRequestBody>(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return ProblemResults.For(problem, context);
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body!.Action is not { } action || !FailedSyncJobActions.All.Contains(action))
        {
            errors["action"] = [$"Required: one of {string.Join(", ", FailedSyncJobActions.All)}."];
        }

        foreach (var (field, value) in new[] { ("flow", body.Flow), ("reasonCode", body.ReasonCode), ("instance", body.Instance) })
        {
            if (value is not null && !Codes.IsValid(value))
            {
                errors[field] = [$"1 to {Codes.MaxLength} characters."];
            }
        }

        if (body.FirstSeenFrom >= body.FirstSeenTo)
        {
            errors["firstSeenTo"] = ["Later than firstSeenFrom."];
        }

        if (body.LastSeenFrom >= body.LastSeenTo)
        {
            errors["lastSeenTo"] = ["Later than lastSeenFrom."];
        }

        var required = body.Action is FailedSyncJobActions.Resolve or FailedSyncJobActions.Ignore;
        if ((required || body.Reason is not null) && !OperatorRequests.IsValidReason(body.Reason))
        {
            errors["reason"] = [OperatorRequests.ReasonError(required)];
        }

        var max = jobs.Options.MaxRatePerSecond;
        if (body.RatePerSecond is { } rate && (rate < 1 || rate > max))
        {
            errors["ratePerSecond"] = [$"1 to {max} items per second."];
        }

        if (body.IdempotencyKey is { } key && !KeyPattern().IsMatch(key))
        {
            errors["idempotencyKey"] = ["1 to 64 letters, digits, '-', '_' or '.'."];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidRequest(errors, context);
        }

        var filter = new FailedSyncFilter(body.Flow, body.ReasonCode, body.Instance, body.FirstSeenFrom, body.FirstSeenTo, body.LastSeenFrom, body.LastSeenTo);
        if (body.DryRun == true)
        {
            var found = await jobs.DryRunAsync(tenant, filter, context.RequestAborted).ConfigureAwait(false);
            return TypedResults.Json(new FailedSyncDryRunView(body.Action!, found.Matched, found.MoreThanCounted, found.Sample));
        }

        var request = new FailedSyncJobRequest(body.Action!, filter, body.Reason, body.RatePerSecond ?? jobs.Options.DefaultRatePerSecond, body.IdempotencyKey);
        var (job, created) = await jobs.StartAsync(tenant, request, who.Actor, context.RequestAborted).ConfigureAwait(false);
        if (job is null)
        {
            return ProblemResults.For(new Problem("idempotency-key-reused", 422, "Idempotency key reused",
                $"Job '{body.IdempotencyKey}' was started with another request; nothing was started."), context);
        }

        context.Response.Headers.Location = $"/{FunctionCatalog.RoutePrefix}/ops/{tenant}/failed-syncs/jobs/{job.JobId}";
        return TypedResults.Json(FailedSyncJobView.Of(job), statusCode: created ? StatusCodes.Status202Accepted : StatusCodes.Status200OK);
    }

    [EndpointSummary("A bulk job's progress")]
    [EndpointDescription("Status (matching, running, completed), matched so far, done, and of those succeeded, failed again and skipped.")]
    [ProducesResponseType(typeof(FailedSyncJobView), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> GetAsync(string tenant, string jobId, HttpContext context, FailedSyncJobs jobs)
    {
        var job = KeyPattern().IsMatch(jobId) ? await jobs.GetAsync(tenant, jobId, context.RequestAborted).ConfigureAwait(false) : null;
        return job is null ? NotFound(tenant, jobId, context) : TypedResults.Json(FailedSyncJobView.Of(job));
    }

    [EndpointSummary("A bulk job's items, paged")]
    [EndpointDescription("Each matched failed sync with its outcome: pending, replayed, failed-again, resolved, ignored, or why it was skipped (not-open, in-progress, not-found, not-replayable, no-longer-matches). Query: take (1-200, default 50), continuation.")]
    [ProducesResponseType(typeof(FailedSyncJobItemListing), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> ItemsAsync(string tenant, string jobId, HttpContext context, FailedSyncJobs jobs)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var take = OperatorQuery.Take(context.Request.Query, errors, fallback: 50, max: 200);
        var continuation = OperatorQuery.Continuation(context.Request.Query, errors, c => c.Length <= 2048);
        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        if (!KeyPattern().IsMatch(jobId) || await jobs.GetAsync(tenant, jobId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return NotFound(tenant, jobId, context);
        }

        return await OperatorQuery.PageAsync(
            continuation,
            context,
            () => jobs.ItemsAsync(tenant, jobId, take, continuation, context.RequestAborted),
            page => new FailedSyncJobItemListing(page.Items.Select(FailedSyncJobItemView.Of).ToArray(), page.Continuation)).ConfigureAwait(false);
    }

    private static IResult NotFound(string tenant, string jobId, HttpContext context) =>
        ProblemResults.For(new Problem("failed-sync-job-not-found", 404, "Job not found", $"Tenant '{tenant}' has no bulk job '{(jobId.Length > 64 ? jobId[..64] : jobId)}'."), context);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyPattern();
}
