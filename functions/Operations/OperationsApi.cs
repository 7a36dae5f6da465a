using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Handler.Http;
using WmsFunctions.Handler.Webhooks;
using WmsFunctions.Flows.Items;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Json;
using WmsFunctions.Operations;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// The operations API: what failed and why (failed syncs with their audit trail), replay, resolve or ignore, feed a
/// dead letter back, override stock or a pick slip, and query the audit log. Every call is authenticated for the
/// tenant in its route by the <see cref="OperatorGate"/> in front of it; every change needs a reason and is audited with the operator.
/// Bad input is RFC 9457 problem details and changes nothing.
/// </summary>
public static class OperationsApi
{
    public const int MaxDeadLetterBytes = 1024 * 1024;
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
            status = FailedSyncStatus.All.FirstOrDefault(s => s.Equals(statusText, StringComparison.OrdinalIgnoreCase)) ?? "";
            if (status.Length == 0)
            {
                errors["status"] = [$"One of {string.Join(", ", FailedSyncStatus.All.Select(s => s.ToLowerInvariant()))}."];
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

        var continuation = query["continuation"].FirstOrDefault();
        if (continuation is { Length: > 2048 })
        {
            errors["continuation"] = ["Not a continuation this API gave out."];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        FailedSyncPage page;
        try
        {
            page = await store.ListAsync(new FailedSyncListQuery(tenant, instance, flow, reason, status, olderThan, newerThan, take, continuation), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException bad) when (bad.Status == 400 && continuation is not null)
        {
            return ProblemResults.InvalidQuery(new Dictionary<string, string[]> { ["continuation"] = ["Not a continuation this API gave out."] }, context);
        }

        return TypedResults.Json(new FailedSyncListing(page.Items.Select(FailedSyncView.Of).ToArray(), page.Continuation));
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

    [EndpointSummary("Query the audit log")]
    [EndpointDescription(
        "Query: from, to (RFC 3339; default the last 24 hours; at most 366 days apart), and at most one of correlationId, entityId (with " +
        "entityType), instance as the key (each read from its own index, oldest first), take (1-500, default 100), continuation.")]
    [ProducesResponseType(typeof(AuditListing), StatusCodes.Status200OK, "application/json")]
    [ProducesResponseType(typeof(ProblemDetails), StatusCodes.Status403Forbidden, "application/problem+json")]
    public static async Task<IResult> QueryAuditAsync(string tenant, HttpContext context, AuditLog audit, TimeProvider time)
    {
        var query = context.Request.Query;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var now = time.GetUtcNow();
        DateTimeOffset Time(string name, DateTimeOffset fallback)
        {
            if (query[name].FirstOrDefault() is not { } text)
            {
                return fallback;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                return at;
            }

            errors[name] = ["An RFC 3339 time with offset."];
            return fallback;
        }

        var from = Time("from", now.AddDays(-1));
        var to = Time("to", now.AddMinutes(1));
        if (!errors.ContainsKey("from") && !errors.ContainsKey("to") && (to <= from || to - from > TimeSpan.FromDays(366)))
        {
            errors["to"] = ["After from, at most 366 days later."];
        }

        string? Code(string name)
        {
            var value = query[name].FirstOrDefault();
            if (value is not null && (value.Length is 0 or > 256 || value.Any(char.IsControl)))
            {
                errors[name] = ["1 to 256 characters."];
            }

            return value;
        }

        var correlationId = Code("correlationId");
        var entityType = Code("entityType");
        var entityId = Code("entityId");
        var instance = Code("instance");
        if (entityType is not null && entityId is null)
        {
            errors["entityId"] = ["Required with entityType."];
        }

        var take = OperatorQuery.Take(query, errors, fallback: 100, max: 500);

        var continuation = query["continuation"].FirstOrDefault();
        if (!AuditLog.TryReadContinuation(continuation))
        {
            errors["continuation"] = ["Not a continuation this API gave out."];
        }

        if (errors.Count > 0)
        {
            return ProblemResults.InvalidQuery(errors, context);
        }

        AuditPage page;
        try
        {
            page = await audit.QueryPageAsync(new AuditQuery(tenant, from, to, correlationId, entityType, entityId, instance, take, continuation), context.RequestAborted).ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException bad) when (bad.Status == 400 && continuation is not null)
        {
            return ProblemResults.InvalidQuery(new Dictionary<string, string[]> { ["continuation"] = ["Not a continuation this API gave out."] }, context);
        }

        return TypedResults.Json(new AuditListing(page.Entries.Select(AuditEntryView.Of).ToArray(), page.Continuation));
    }

    private static async Task<IResult> CloseAsync(
        string status, string tenant, string id, HttpContext context, FailedSyncStore store, AuditLog audit, TimeProvider time)
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
            new AuditEntry(tenant, time.GetUtcNow(), "operations", status.ToLowerInvariant(), Instance: entity.Instance, EntityType: entity.EntityType,
                EntityId: entity.EntityId, EventId: entity.MessageId, CorrelationId: entity.CorrelationId, Reason: request.Reason,
                Summary: $"{entity.Flow} failed sync ({entity.ReasonCode}) {status.ToLowerInvariant()}", Actor: who.Actor),
            $"{status}|{id}",
            context.RequestAborted).ConfigureAwait(false);
        return TypedResults.Json(FailedSyncView.Of(entity));
    }

    private const int OutboundBodyLimit = 512 * 1024;

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

    private static IResult NotFound(string tenant, string id, HttpContext context) =>
        ProblemResults.For(new Problem("failed-sync-not-found", 404, "Failed sync not found", $"Tenant '{tenant}' has no failed sync '{(id.Length > 100 ? id[..100] : id)}'."), context);
}

/// <summary>A failed sync as operators see it; <see cref="Id"/> names it in the other calls.</summary>
public sealed record FailedSyncView(
    string Id, string Tenant, string Instance, string Direction, string Flow, string EntityType, string EntityId, string MessageId,
    string ReasonCode, string Detail, string? CorrelationId, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int Attempts,
    string Status, string? StatusReason, string? StatusBy, DateTimeOffset? StatusAt, int Replays)
{
    public static FailedSyncView Of(FailedSyncEntity e) => new(
        FailedSyncStore.IdOf(e), e.Tenant, e.Instance, e.Direction, e.Flow, e.EntityType, e.EntityId, e.MessageId, e.ReasonCode, e.Detail,
        e.CorrelationId, e.FirstSeenAt, e.LastSeenAt, e.Attempts, e.Status.ToLowerInvariant(), e.StatusReason, e.StatusBy, e.StatusAt, e.Replays);
}

public sealed record FailedSyncListing(IReadOnlyList<FailedSyncView> Items, string? Continuation);

public sealed record FailedSyncWithAudit(FailedSyncView FailedSync, IReadOnlyList<AuditEntryView> Audit);

public sealed record AuditEntryView(
    DateTimeOffset At, string Flow, string Outcome, string? Instance, string? EntityType, string? EntityId, string? EventId,
    string? CorrelationId, string? Reason, string? Summary, string? Actor, int? Attempt)
{
    public static AuditEntryView Of(AuditEntity e) =>
        new(e.At, e.Flow, e.Outcome, e.Instance, e.EntityType, e.EntityId, e.EventId, e.CorrelationId, e.Reason, e.Summary, e.Actor, e.Attempt);
}

public sealed record AuditListing(IReadOnlyList<AuditEntryView> Entries, string? Continuation);

public sealed record ReplayManyAnswer(IReadOnlyList<ReplayOutcome> Results);

/// <summary>Why the operator does it (required to resolve or ignore; optional for a replay).</summary>
public sealed record OperatorReasonRequest([property: Required] string? Reason);

/// <summary>Optional: why the operator replays (goes to the audit entry).</summary>
public sealed record ReplayRequest(string? Reason);

public sealed record ReplayManyRequest([property: Required] IReadOnlyList<string>? Ids, string? Reason);

public sealed record DeadLetterRequest(
    [property: Required] string? Flow,
    [property: Required] string? Body,
    string? Instance,
    string? EntityType,
    string? EntityId,
    string? MessageId,
    [property: Required] string? Reason);

public sealed record StockOverrideRequest(
    string? OverrideId,
    [property: Required] string? Instance,
    [property: Required] string? Location,
    [property: Required] string? Sku,
    [property: Required] long? Quantity,
    [property: Required] string? Reason);

public sealed record PickSlipOverrideRequest(
    [property: Required] string? Action,
    bool? Unreserve,
    [property: Required] string? Reason,
    string? OverrideId);
