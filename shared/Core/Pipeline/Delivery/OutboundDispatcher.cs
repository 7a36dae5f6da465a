using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>Settings of the OMS -> WMS delivery that are not per tenant.</summary>
public sealed class OutboundDeliveryOptions
{
    public const string PickSlipEventsQueueSetting = "PICKSLIP_EVENTS_QUEUE";

    /// <summary>Storage queue of the pick-slip hand-off (<see cref="PickSlips.PickSlipHandedOff"/>).</summary>
    public string PickSlipEventsQueue { get; set; } = "pickslip-events";
}

/// <summary>What became of one message as a whole.</summary>
public enum DispatchOutcome
{
    /// <summary>Routed, and every instance's delivery settled (whatever its outcome).</summary>
    Done,

    /// <summary>No instance receives the flow for the document's warehouses.</summary>
    Unrouted,

    /// <summary>Malformed, invalid or for an unknown tenant: a failed sync, nothing sent (<see cref="DispatchSummary.RejectedFor"/>).</summary>
    Rejected,
}

/// <summary>What became of one message for one instance.</summary>
public enum InstanceDelivery
{
    Delivered,

    /// <summary>A newer version went to the instance already: nothing sent.</summary>
    Stale,

    /// <summary>This version was handled already: nothing sent twice.</summary>
    Duplicate,

    /// <summary>The WMS refused it for good; a failed sync holds its answer.</summary>
    Refused,

    /// <summary>It cannot be delivered to the instance (a code without mapping, refused credentials); a failed sync says why.</summary>
    Failed,

    /// <summary>The WMS could not be reached: the host delivers the message again.</summary>
    Unavailable,

    /// <summary>The WMS could not be reached: the delivery to the instance waits on the retry queue (<see cref="WmsDeliveryRetries"/>).</summary>
    Deferred,
}

/// <summary>How one message went, per instance.</summary>
public sealed record DispatchSummary(DispatchOutcome Outcome, IReadOnlyList<(string Instance, InstanceDelivery Delivery)> Instances, string? RejectedFor = null)
{
    /// <summary>Every instance's delivery settled with nothing left to do (delivered now, before, or superseded).</summary>
    public bool Settled => Outcome == DispatchOutcome.Done && Instances.All(i => i.Delivery is InstanceDelivery.Delivered or InstanceDelivery.Stale or InstanceDelivery.Duplicate);

    /// <summary>For the function's log lines: "done", "unrouted" or "rejected: reason", then "instance: outcome" per instance.</summary>
    public override string ToString() => Outcome switch
    {
        DispatchOutcome.Rejected => "rejected: " + RejectedFor,
        _ => Outcome.ToString().ToLowerInvariant(),
    };

    public IEnumerable<string> InstanceLines => Instances.Select(i => $"{i.Instance}: {i.Delivery.ToString().ToLowerInvariant()}");
}

/// <summary>
/// Runs every OMS -> WMS flow the same way:
/// 1. read the CloudEvent and the flow's data; anything malformed or invalid is a failed sync, and the message
///    is completed (it will not get better);
/// 2. keep the hub's own copy (items, purchase orders) through the flow;
/// 3. route it to the instances that receive the flow for its warehouses;
/// 4. per instance: claim the version (older than what the instance has: ignored; delivered already: ignored),
///    map the codes (a missing mapping is a failed sync), send through the instance's pipeline, record the
///    outcome (refusal: failed sync with the WMS's answer), hand it on, audit every attempt and outcome;
/// 5. if any instance could not be reached: for a Service Bus delivery, defer the delivery to each such instance to
///    the retry queue (<see cref="WmsDeliveryRetries"/>) and complete the message; otherwise (the retry queue's own
///    delivery, a delivery that cannot be deferred) throw, and the host tries again (instances already served skip
///    it as a duplicate).
/// </summary>
public sealed partial class OutboundDispatcher(
    OutboundDirectory directory,
    DeliveryStore deliveries,
    WmsDialects dialects,
    WmsClient client,
    FailedSyncStore failedSyncs,
    WmsDeliveryRetries retries,
    AuditLog audit,
    TimeProvider time,
    ILogger<OutboundDispatcher> logger)
{
    public async Task<DispatchSummary> DispatchAsync<TData>(OutboundFlow<TData> flow, OutboundDelivery delivery, CancellationToken cancellationToken)
        where TData : class
    {
        var started = time.GetTimestamp();
        if (!OmsMessage.TryParse(delivery.Body, out var message, out var envelopeError))
        {
            var (tenant, id) = OmsMessage.Peek(delivery.Body);
            return await RejectAsync(flow, delivery, tenant, id ?? delivery.MessageId, null, "malformed-message", envelopeError!, started, cancellationToken).ConfigureAwait(false);
        }

        if (!directory.KnowsTenant(message.Tenant))
        {
            return await RejectAsync(flow, delivery, null, message.Id, message.CorrelationId, "unknown-tenant", $"Tenant '{message.Tenant}' is not configured.", started, cancellationToken).ConfigureAwait(false);
        }

        var type = message.Type.StartsWith(OmsMessage.TypePrefix, StringComparison.Ordinal) ? message.Type[OmsMessage.TypePrefix.Length..] : null;
        if (type is null || !flow.Definition.Types.Contains(type))
        {
            var expected = string.Join(", ", flow.Definition.Types.Select(t => OmsMessage.TypePrefix + t));
            return await RejectAsync(flow, delivery, message.Tenant, message.Id, message.CorrelationId, "unsupported-type", $"Type '{message.Type}' is not one of {expected}.", started, cancellationToken).ConfigureAwait(false);
        }

        if (!ContractJson.TryParse<TData>(Encoding.UTF8.GetBytes(message.Data.GetRawText()), out var data, out var malformed))
        {
            return malformed!.Errors is { } fields // a field's validation error found while reading (a time without its offset)
                ? await RejectAsync(flow, delivery, message.Tenant, message.Id, message.CorrelationId, "invalid-message", Describe(fields), started, cancellationToken).ConfigureAwait(false)
                : await RejectAsync(flow, delivery, message.Tenant, message.Id, message.CorrelationId, "malformed-message", "data: " + malformed.Detail, started, cancellationToken).ConfigureAwait(false);
        }

        var errors = flow.Validate(type, data);
        if (errors.Count > 0)
        {
            return await RejectAsync(flow, delivery, message.Tenant, message.Id, message.CorrelationId, "invalid-message", Describe(errors), started, cancellationToken).ConfigureAwait(false);
        }

        var entity = flow.Describe(type, data);
        await flow.KeepAsync(message, entity, data, cancellationToken).ConfigureAwait(false);

        var instances = directory.Route(message.Tenant, flow.Definition.Name, entity.Warehouses);
        if (delivery.OnlyInstance is { } only)
        {
            instances = instances.Where(i => string.Equals(i.Id, only, StringComparison.Ordinal)).ToList();
        }

        var context = new Context<TData>(flow, delivery, message, entity, data, message.CorrelationId ?? delivery.CorrelationId ?? message.Id);
        using var scope = LogFields.Begin(logger, message.Tenant, flow: flow.Definition.Name, eventId: message.Id, correlationId: context.CorrelationId);
        if (instances.Count == 0)
        {
            await AuditAsync(context, null, "unrouted", null, "no WMS instance receives this flow for its warehouses", started, null, cancellationToken).ConfigureAwait(false);
            return new DispatchSummary(DispatchOutcome.Unrouted, []);
        }

        var results = await Task.WhenAll(instances.Select(instance => DeliverAsync(context, instance, cancellationToken))).ConfigureAwait(false);
        var lines = instances.Zip(results, (i, r) => (i.Id, r)).ToList();
        var unavailable = lines.Where(p => p.r == InstanceDelivery.Unavailable).Select(p => p.Id).ToList();
        if (unavailable.Count > 0 && delivery.DeferWhenUnavailable)
        {
            // Durably on the retry queue before the message completes: a failure here fails the invocation, and Service
            // Bus delivers the message again (the instances served meanwhile skip it as a duplicate).
            foreach (var instance in unavailable)
            {
                await retries.DeferAsync(flow.Definition.Name, delivery, message, instance, cancellationToken).ConfigureAwait(false);
            }

            lines = [.. lines.Select(p => p.r == InstanceDelivery.Unavailable ? (p.Id, InstanceDelivery.Deferred) : p)];
        }
        else if (unavailable.Count > 0)
        {
            throw new WmsUnavailableException(
                $"{flow.Definition.Name} {entity.Id} v{entity.Version}: WMS instance(s) {string.Join(", ", unavailable)} unavailable; the host delivers the message again.",
                delivery.DeliveryCount,
                null);
        }

        return new DispatchSummary(DispatchOutcome.Done, lines);
    }

    private async Task<InstanceDelivery> DeliverAsync<TData>(Context<TData> context, OutboundInstance instance, CancellationToken cancellationToken)
        where TData : class
    {
        var started = time.GetTimestamp();
        using var span = HubTelemetry.Start("deliver " + context.Flow.Definition.Name);
        using var scope = LogFields.Begin(logger, instance: instance.Id);
        var result = await ClaimAndSendAsync(context, instance, started, cancellationToken).ConfigureAwait(false);
        span?.SetTag(HubTelemetry.Tags.Outcome, result.ToString().ToLowerInvariant());
        return result;
    }

    private async Task<InstanceDelivery> ClaimAndSendAsync<TData>(Context<TData> context, OutboundInstance instance, long started, CancellationToken cancellationToken)
        where TData : class
    {
        var (flow, delivery, message, entity, data, _) = context;
        var claim = await deliveries.ClaimAsync(message.Tenant, instance.Id, flow.Definition.Name, entity.Id, entity.Version, message.Id, cancellationToken, delivery.Replay).ConfigureAwait(false);
        switch (claim.Outcome)
        {
            case ClaimOutcome.Stale:
                LogStale(logger, flow.Definition.Name, entity.Id, entity.Version, claim.StoredVersion, instance.Key);
                await AuditAsync(context, instance, "stale", null, $"v{entity.Version} is older than v{claim.StoredVersion} already sent", started, null, cancellationToken).ConfigureAwait(false);
                return InstanceDelivery.Stale;
            case ClaimOutcome.Duplicate:
                await AuditAsync(context, instance, "duplicate", null, $"v{entity.Version} already handled", started, null, cancellationToken).ConfigureAwait(false);
                return InstanceDelivery.Duplicate;
        }

        var row = claim.Row!;
        WmsRequest request;
        IWmsDialect dialect;
        try
        {
            dialect = dialects.For(instance);
            var document = new OutboundDocument(message.Id, entity.Action, entity.Version, flow.Definition.Name, flow.Map(entity, data, instance), delivery.Body);
            request = await dialect.RenderAsync(document, instance, cancellationToken).ConfigureAwait(false);
        }
        catch (MappingException missing)
        {
            await FailAsync(context, instance, missing.Reason, missing.Message, cancellationToken).ConfigureAwait(false);
            await flow.DeliveredAsync(Outcome(context, instance, DeliveryResult.Failed, missing.Reason), data, cancellationToken).ConfigureAwait(false);
            await deliveries.CompleteAsync(row, DeliveryStatus.Failed, cancellationToken).ConfigureAwait(false);
            await AuditAsync(context, instance, "failed", missing.Reason, missing.Message, started, claim.Attempt, cancellationToken).ConfigureAwait(false);
            return InstanceDelivery.Failed;
        }

        WmsAnswer answer;
        try
        {
            answer = await client.SendAsync(instance, request, message.Id, flow.Definition.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (WmsUnavailableException unavailable)
        {
            // Not final: deferred to the retry queue (or tried again by the host); a person hears of it only when the
            // retry queue's schedule is used up (its poison watcher's failed sync) or the message dead-letters.
            await AuditAsync(context, instance, "retrying", "wms-unavailable", unavailable.Message, started, claim.Attempt, cancellationToken).ConfigureAwait(false);
            return InstanceDelivery.Unavailable;
        }
        catch (WmsAuthException auth)
        {
            await FailAsync(context, instance, "wms-auth-failed", auth.Message, cancellationToken).ConfigureAwait(false);
            await flow.DeliveredAsync(Outcome(context, instance, DeliveryResult.Failed, "wms-auth-failed"), data, cancellationToken).ConfigureAwait(false);
            await deliveries.CompleteAsync(row, DeliveryStatus.Failed, cancellationToken).ConfigureAwait(false);
            await AuditAsync(context, instance, "failed", "wms-auth-failed", auth.Message, started, claim.Attempt, cancellationToken).ConfigureAwait(false);
            return InstanceDelivery.Failed;
        }

        if (answer.Accepted)
        {
            await flow.DeliveredAsync(Outcome(context, instance, DeliveryResult.Sent, null), data, cancellationToken).ConfigureAwait(false);
            await deliveries.CompleteAsync(row, DeliveryStatus.Delivered, cancellationToken).ConfigureAwait(false);
            await AuditAsync(context, instance, "delivered", null, $"HTTP {answer.Status} after {answer.Attempts} HTTP attempt(s)", started, claim.Attempt, cancellationToken).ConfigureAwait(false);
            return InstanceDelivery.Delivered;
        }

        var reason = dialect.RefusalReason(answer.Status, answer.ContentType, answer.Body) ?? RefusalReasons.WmsRefused;
        var excerpt = $"HTTP {answer.Status}: {WmsClient.Excerpt(answer.Body)}";
        LogRefused(logger, flow.Definition.Name, entity.Id, entity.Version, instance.Key, answer.Status, reason);
        await FailAsync(context, instance, reason, excerpt, cancellationToken).ConfigureAwait(false);
        await flow.DeliveredAsync(Outcome(context, instance, DeliveryResult.Refused, reason), data, cancellationToken).ConfigureAwait(false);
        await deliveries.CompleteAsync(row, DeliveryStatus.Refused, cancellationToken).ConfigureAwait(false);
        await AuditAsync(context, instance, "refused", reason, excerpt, started, claim.Attempt, cancellationToken).ConfigureAwait(false);
        return InstanceDelivery.Refused;
    }

    /// <summary>A failed sync's detail for field errors: "field: error" in field order.</summary>
    private static string Describe(IReadOnlyDictionary<string, string[]> errors) =>
        string.Join("; ", errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));

    private async Task<DispatchSummary> RejectAsync<TData>(
        OutboundFlow<TData> flow, OutboundDelivery delivery, string? tenant, string? messageId, string? correlationId,
        string reason, string detail, long started, CancellationToken cancellationToken)
        where TData : class
    {
        tenant ??= FailedSyncStore.UnknownTenant;
        messageId ??= "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(delivery.Body)))[..32];
        correlationId ??= delivery.CorrelationId ?? messageId;
        LogRejected(logger, flow.Definition.Name, messageId, tenant, reason);
        await failedSyncs.RecordAsync(
            new FailedSync(tenant, FailedSyncStore.Unrouted, FailedSyncDirection.OmsToWms, flow.Definition.Name, flow.Definition.EntityType, messageId, messageId, reason, detail, correlationId, delivery.Body),
            cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(
            new AuditEntry(tenant, time.GetUtcNow(), flow.Definition.Name, "rejected", EntityType: flow.Definition.EntityType, EventId: messageId, CorrelationId: correlationId,
                Reason: reason, Summary: FailedSyncStore.Excerpt(detail, 200), DurationMs: time.GetElapsedTime(started).TotalMilliseconds, Attempt: delivery.DeliveryCount),
            $"{flow.Definition.Name}|{messageId}|rejected|{delivery.DeliveryCount}",
            cancellationToken).ConfigureAwait(false);
        return new DispatchSummary(DispatchOutcome.Rejected, [], reason);
    }

    private Task<FailedSyncEntity> FailAsync<TData>(Context<TData> context, OutboundInstance instance, string reason, string detail, CancellationToken cancellationToken)
        where TData : class =>
        failedSyncs.RecordAsync(
            new FailedSync(context.Message.Tenant, instance.Id, FailedSyncDirection.OmsToWms, context.Flow.Definition.Name, context.Flow.Definition.EntityType,
                context.Entity.Id, context.Message.Id, reason, detail, context.CorrelationId, context.Delivery.Body),
            cancellationToken);

    private Task AuditAsync<TData>(
        Context<TData> context, OutboundInstance? instance, string outcome, string? reason, string summary, long started, int? attempt,
        CancellationToken cancellationToken)
        where TData : class
    {
        var instanceId = instance?.Id;
        return audit.WriteAsync(
            new AuditEntry(
                context.Message.Tenant,
                time.GetUtcNow(),
                context.Flow.Definition.Name,
                outcome,
                Instance: instanceId,
                EntityType: context.Flow.Definition.EntityType,
                EntityId: context.Entity.Id,
                EventId: context.Message.Id,
                CorrelationId: context.CorrelationId,
                Reason: reason,
                Summary: $"{context.Entity.Action} v{context.Entity.Version}: {FailedSyncStore.Excerpt(summary, 300)}",
                DurationMs: time.GetElapsedTime(started).TotalMilliseconds,
                Attempt: attempt),
            $"{instanceId}|{context.Flow.Definition.Name}|{context.Message.Id}|{outcome}|{context.Delivery.DeliveryCount}",
            cancellationToken);
    }

    private OutboundOutcome Outcome<TData>(Context<TData> context, OutboundInstance instance, DeliveryResult result, string? reason)
        where TData : class =>
        new(context.Message, context.Entity, instance, result, reason, time.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Flow} message {MessageId} of tenant {Tenant} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string flow, string messageId, string tenant, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Flow} {EntityId} v{Version} is older than v{Stored} already sent to {Instance}: ignored")]
    private static partial void LogStale(ILogger logger, string flow, string entityId, long version, long stored, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Flow} {EntityId} v{Version} refused by {Instance} with HTTP {Status} ({Reason}): recorded as a failed sync")]
    private static partial void LogRefused(ILogger logger, string flow, string entityId, long version, string instance, int status, string reason);

    private sealed record Context<TData>(OutboundFlow<TData> Flow, OutboundDelivery Delivery, OmsMessage Message, OutboundEntity Entity, TData Data, string CorrelationId)
        where TData : class;
}
