using Microsoft.Extensions.Logging;
using WmsFunctions.Platform.Problems;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Events;

public sealed record InboundOutcome(string Outcome, int ResponseStatus, string ResponseBody, string? OmsEvent, string AuditSummary);

/// <summary>What every inbound webhook hands its flow handler once the caller is authenticated.</summary>
public sealed record InboundRequest(WmsInstance Instance, ReadOnlyMemory<byte> Body, string CorrelationId);

/// <summary>A validated, mapped event, ready for the inbox.</summary>
public sealed record InboundEvent(
    string Tenant,
    string Instance,
    string Flow,
    string EventId,
    string RequestHash,
    string Command,
    string CorrelationId);

/// <summary>The answer to the WMS: an accepted event (possibly answered again) or a refusal.</summary>
public sealed record InboundResult(int Status, string? Body, Problem? Problem, bool Replayed, string? EventId = null)
{
    public static InboundResult Refused(Problem problem) => new(problem.Status, null, problem, false);

    public static InboundResult From(InboxEntity applied, bool replayed) =>
        new(applied.ResponseStatus ?? 202, applied.ResponseBody, null, replayed, applied.EventId);
}

/// <summary>
/// The inbound pipeline every WMS -> OMS webhook shares:
/// 1. reserve the outbox message (hidden), so the event is finished even if this process dies after step 2;
/// 2. insert the inbox row (atomic: a second delivery of the event id finds the first);
/// 3. apply the flow's effects (idempotent) and store outcome, answer and OMS event on the row;
/// 4. release the outbox message, so the relay publishes at once;
/// 5. answer. Nothing is acknowledged before steps 1-3 are durable.
/// A delivery that finds the row already there deletes its reservation: the row names the message that publishes it
/// (<see cref="InboxEntity.OutboxMessageId"/>), so concurrent duplicates, and reservations the storage SDK sent twice
/// while storage stalled, publish once. If it finds the row unfinished (the first delivery is still at it,
/// or died, or timed out in an outage), it finishes the effects itself (idempotent) and answers as a duplicate.
/// Every source of events comes through here (webhooks, X12 sets, marketplace orders, overrides, corrections, replays),
/// so this is where an event counts as accepted (its row inserted), duplicate or refused by its flow.
/// </summary>
public sealed partial class EventPipeline(
    InboxStore inbox,
    OutboxMessages outbox,
    IEnumerable<IInboxFlow> flows,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<EventPipeline> logger)
{
    private readonly Dictionary<string, IInboxFlow> _flows = flows.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>What every WMS -> OMS event goes through: the flow reads it (nothing written), then it is accepted.</summary>
    public async Task<InboundResult> ReceiveAsync(IInboundFlow flow, InboundRequest request, CancellationToken cancellationToken)
    {
        var read = await flow.ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (read.Problem is { } problem)
        {
            metrics.EventRefused(request.Instance.Tenant, request.Instance.Id, flow.Name, problem.Type);
            return InboundResult.Refused(problem);
        }

        return await AcceptAsync(read.Event!, cancellationToken).ConfigureAwait(false);
    }

    public async Task<InboundResult> AcceptAsync(InboundEvent ev, CancellationToken cancellationToken)
    {
        var reference = new InboxRef(ev.Tenant, ev.Instance, ev.Flow, ev.EventId);
        using var fields = LogFields.Begin(logger, ev.Tenant, ev.Instance, ev.Flow, ev.EventId, ev.CorrelationId);
        var trace = TraceContext.Current; // the accepting span: the relay, the CloudEvent and the OMS continue its trace

        // Before the row: whoever inserts the row holds a message that finishes and publishes it, whatever happens
        // next. A reservation whose insert never happens (an outage, a crash) finds no row and is dropped by the relay.
        OutboxReservation reservation;
        using (HubTelemetry.Start("outbox reserve"))
        {
            reservation = await outbox.ReserveAsync(reference, trace, cancellationToken).ConfigureAwait(false);
        }

        var (record, created) = await InsertAsync(ev, reservation, trace, cancellationToken).ConfigureAwait(false);
        if (!created)
        {
            return await AcceptAgainAsync(ev, record, reservation, cancellationToken).ConfigureAwait(false);
        }

        // Counted once the row is in: from here the event is the hub's and will be published, even if this request fails.
        metrics.EventAccepted(ev.Tenant, ev.Instance, ev.Flow);
        record = await CompleteAsync(record, cancellationToken).ConfigureAwait(false);
        await ReleaseIfOwnerAsync(record, reservation, ev, cancellationToken).ConfigureAwait(false);
        return InboundResult.From(record, replayed: false);
    }

    /// <summary>The atomic insert of the event's row (Created = false: a delivery of this event id was there first).</summary>
    private async Task<(InboxEntity Record, bool Created)> InsertAsync(
        InboundEvent ev, OutboxReservation reservation, TraceContext? trace, CancellationToken cancellationToken)
    {
        using var span = HubTelemetry.Start("inbox insert");
        var inserted = await inbox.AddOrGetAsync(
            new InboxEntity
            {
                PartitionKey = InboxEntity.PartitionFor(ev.Tenant, ev.Instance),
                RowKey = InboxEntity.RowFor(ev.Flow, ev.EventId),
                Tenant = ev.Tenant,
                Instance = ev.Instance,
                Flow = ev.Flow,
                EventId = ev.EventId,
                RequestHash = ev.RequestHash,
                Command = ev.Command,
                CorrelationId = ev.CorrelationId,
                TraceParent = trace?.TraceParent,
                TraceState = trace?.TraceState,
                OutboxMessageId = reservation.MessageId,
                Status = InboxStatus.Received,
                ReceivedAt = time.GetUtcNow(),
            },
            cancellationToken).ConfigureAwait(false);
        span?.SetTag(HubTelemetry.Tags.Outcome, inserted.Created ? "inserted" : "duplicate");
        return inserted;
    }

    /// <summary>
    /// A delivery of an event id the inbox has. Applied: its own reservation goes and it is answered as the first
    /// delivery was (refused when the body differs). Still received: the first delivery is applying it, or died, or
    /// timed out in an outage, and its reservation may be gone (one that surfaced while a stalled insert had not landed
    /// found no row and was dropped). So this delivery takes the row over with its own reservation: it finishes the
    /// effects (idempotent) and stores the outcome naming its message, under the row's ETag. Whichever delivery stores
    /// the outcome first owns the row; only the row's message is released, every other one is deleted (or dropped by
    /// the relay as a stray), so the event is published once and never left without a message.
    /// </summary>
    private async Task<InboundResult> AcceptAgainAsync(InboundEvent ev, InboxEntity record, OutboxReservation reservation, CancellationToken cancellationToken)
    {
        if (!string.Equals(record.RequestHash, ev.RequestHash, StringComparison.Ordinal))
        {
            await TryDeleteAsync(reservation, ev, cancellationToken).ConfigureAwait(false);
            var reused = Problem.EventIdReused(ev.EventId);
            metrics.EventRefused(ev.Tenant, ev.Instance, ev.Flow, reused.Type);
            return InboundResult.Refused(reused);
        }

        if (record.Status != InboxStatus.Applied)
        {
            record.OutboxMessageId = reservation.MessageId; // stored with the outcome, under the row's ETag
            record = await CompleteAsync(record, cancellationToken).ConfigureAwait(false);
        }

        await ReleaseIfOwnerAsync(record, reservation, ev, cancellationToken).ConfigureAwait(false);
        LogDuplicate(logger, ev.Flow, ev.EventId, ev.Tenant, ev.Instance);
        metrics.EventDuplicate(ev.Tenant, ev.Instance, ev.Flow);
        return InboundResult.From(record, replayed: true);
    }

    /// <summary>Releases the reservation when the applied row names it (it publishes the event), else deletes it.</summary>
    private Task ReleaseIfOwnerAsync(InboxEntity record, OutboxReservation reservation, InboundEvent ev, CancellationToken cancellationToken) =>
        string.Equals(record.OutboxMessageId, reservation.MessageId, StringComparison.Ordinal)
            ? TryReleaseAsync(reservation, ev, cancellationToken)
            : TryDeleteAsync(reservation, ev, cancellationToken);

    private async Task TryReleaseAsync(OutboxReservation reservation, InboundEvent ev, CancellationToken cancellationToken)
    {
        using var span = HubTelemetry.Start("outbox release");
        try
        {
            await outbox.ReleaseAsync(reservation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The event is applied and its message exists; it becomes visible by itself after the reservation timeout.
            span.Fail(failure);
            LogReleaseFailed(logger, failure, ev.Flow, ev.EventId, outbox.ReservationTimeout);
        }
    }

    private async Task TryDeleteAsync(OutboxReservation reservation, InboundEvent ev, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.CancelAsync(reservation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // It surfaces after the reservation timeout; the relay sees the row names another message and drops it.
            LogCancelFailed(logger, failure, ev.Flow, ev.EventId);
        }
    }

    /// <summary>Applies a received record's effects and stores the outcome; an applied record is returned as it is.</summary>
    public async Task<InboxEntity> CompleteAsync(InboxEntity record, CancellationToken cancellationToken)
    {
        if (record.Status == InboxStatus.Applied)
        {
            return record;
        }

        if (!_flows.TryGetValue(record.Flow, out var flow))
        {
            throw new InvalidOperationException($"No inbound flow named '{record.Flow}' is registered.");
        }

        InboundOutcome outcome;
        using (var apply = HubTelemetry.Start("apply " + record.Flow))
        {
            outcome = await flow.ApplyAsync(record, cancellationToken).ConfigureAwait(false);
            apply?.SetTag(HubTelemetry.Tags.Outcome, outcome.Outcome);
        }

        record.Status = InboxStatus.Applied;
        record.AppliedAt = time.GetUtcNow();
        record.Outcome = outcome.Outcome;
        record.ResponseStatus = outcome.ResponseStatus;
        record.ResponseBody = outcome.ResponseBody;
        record.OmsEvent = outcome.OmsEvent;
        record.AuditSummary = outcome.AuditSummary;
        return await inbox.MarkAppliedAsync(record, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate {Flow} event {EventId} from {Tenant}/{Instance}: answered as before")]
    private static partial void LogDuplicate(ILogger logger, string flow, string eventId, string tenant, string instance);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox reservation of a duplicate {Flow} event {EventId} could not be deleted; the event may be published once more")]
    private static partial void LogCancelFailed(ILogger logger, Exception failure, string flow, string eventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message for {Flow} event {EventId} could not be released; it is published after {Timeout}")]
    private static partial void LogReleaseFailed(ILogger logger, Exception failure, string flow, string eventId, TimeSpan timeout);
}
