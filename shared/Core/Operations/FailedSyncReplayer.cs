using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Operations;

/// <summary>What one replay did.</summary>
public sealed record ReplayOutcome(string Id, string Outcome, string? Status, string? ReasonCode, string Summary)
{
    /// <summary>The original message went through (or had already: nothing applied twice).</summary>
    public const string Replayed = "replayed";

    /// <summary>It failed again: open, with the new reason.</summary>
    public const string FailedAgain = "failed-again";

    public const string NotFound = "not-found";
    public const string NotOpen = "not-open";
    public const string InProgress = "in-progress";
    public const string NotReplayable = "not-replayable";
}

/// <summary>
/// Re-runs a failed sync's original message through the path its flow declared (<see cref="IFailedSyncReplayPath"/>),
/// after a person fixed the cause: OMS -> WMS messages through the same dispatcher, WMS -> OMS events through the
/// same inbound pipeline, marketplace orders through the inbox, X12 sets through the X12 receiver, marketplace
/// updates through the marketplace adapter. A replay never applies twice: the failed sync is taken under its ETag (a
/// second or racing replay finds it replaying or closed), and underneath, the path's own de-duplication (delivery
/// claim, inbox, push markers) holds again. A replay that fails again leaves it open with the new reason. A flow
/// declared not replayable (<see cref="FailedSyncFlow.NotReplayableBecause"/>) is answered with that reason.
/// </summary>
public sealed class FailedSyncReplayer
{
    private readonly FailedSyncStore _store;
    private readonly FailedSyncFlows _flows;
    private readonly AuditLog _audit;
    private readonly HubMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, IFailedSyncReplayPath> _paths = new(StringComparer.Ordinal);

    public FailedSyncReplayer(
        FailedSyncStore store, FailedSyncFlows flows, IEnumerable<IFailedSyncReplayPath> paths, AuditLog audit, HubMetrics metrics, TimeProvider time)
    {
        _store = store;
        _flows = flows;
        _audit = audit;
        _metrics = metrics;
        _time = time;
        foreach (var path in paths)
        {
            foreach (var flow in path.Flows)
            {
                if (!_paths.TryAdd(flow, path))
                {
                    throw new InvalidOperationException($"Flow '{flow}' has two replay paths ({_paths[flow].GetType().Name}, {path.GetType().Name}).");
                }
            }
        }
    }

    /// <summary>Every flow with a replay path (each must be declared; the flow registry test holds the two together).</summary>
    public IReadOnlyCollection<string> ReplayableFlows => _paths.Keys;

    /// <summary>Flows whose dead letters can be fed back: the replayable WMS and OMS flows.</summary>
    public IReadOnlyCollection<string> Flows =>
        [.. _paths.Keys.Where(f => DirectionOf(f) is FailedSyncDirection.OmsToWms or FailedSyncDirection.WmsToOms).Order(StringComparer.Ordinal)];

    public string? DirectionOf(string flow) => _flows.TryGet(flow, out var declared) && _paths.ContainsKey(flow) ? declared.Direction : null;

    /// <summary>Null when failures of this flow can be replayed; else why not.</summary>
    public string? WhyNotReplayable(FailedSyncEntity failed) =>
        !_flows.TryGet(failed.Flow, out var declared) ? $"Flow '{failed.Flow}' is not declared: nothing can replay it."
        : declared.NotReplayableBecause is { } because ? $"Flow '{failed.Flow}' cannot be replayed from a stored message: {because}"
        : !_paths.TryGetValue(failed.Flow, out var path) ? $"Flow '{failed.Flow}' has no replay path."
        : path.WhyNotReplayable(failed);

    public async Task<ReplayOutcome> ReplayAsync(string tenant, string id, string actor, string? reason, CancellationToken cancellationToken)
    {
        var candidate = await _store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (candidate is null)
        {
            return new ReplayOutcome(id, ReplayOutcome.NotFound, null, null, "No such failed sync.");
        }

        if (WhyNotReplayable(candidate) is { } why)
        {
            return new ReplayOutcome(id, ReplayOutcome.NotReplayable, candidate.Status.ToString(), candidate.ReasonCode, why + " Resolve it once handled.");
        }

        var (start, entity) = await _store.BeginReplayAsync(tenant, id, actor, cancellationToken).ConfigureAwait(false);
        switch (start)
        {
            case ReplayStart.NotFound:
                return new ReplayOutcome(id, ReplayOutcome.NotFound, null, null, "No such failed sync.");
            case ReplayStart.NotOpen:
                return new ReplayOutcome(id, ReplayOutcome.NotOpen, entity!.Status.ToString(), entity.ReasonCode, $"It is {entity.Status}: nothing replayed.");
            case ReplayStart.InProgress:
                return new ReplayOutcome(id, ReplayOutcome.InProgress, entity!.Status.ToString(), entity.ReasonCode, "Another replay of it is running: nothing replayed.");
        }

        var replaying = entity!;
        var body = await _store.ReadBodyAsync(tenant, replaying.Instance, replaying.RowKey, cancellationToken).ConfigureAwait(false) ?? "";
        ReplayAttempt attempt;
        try
        {
            attempt = await _paths[replaying.Flow].ReplayAsync(replaying, body, cancellationToken).ConfigureAwait(false);
        }
        catch (WmsUnavailableException unavailable)
        {
            attempt = ReplayAttempt.Failed("wms-unavailable", unavailable.Message, "The WMS could not be reached: " + unavailable.Message);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Leave it open for the next try; the lease would free it too, but no one should wait for that.
            await _store.FinishReplayAsync(replaying, false, null, null, actor, "replay failed: " + failure.GetType().Name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var finished = await _store.FinishReplayAsync(replaying, attempt.Succeeded, attempt.ReasonCode, attempt.Detail, actor, attempt.Summary, cancellationToken).ConfigureAwait(false);
        var outcome = attempt.Succeeded ? ReplayOutcome.Replayed : ReplayOutcome.FailedAgain;
        _metrics.EventReplayed(tenant, replaying.Instance, replaying.Flow, outcome);
        await _audit.WriteAsync(
            new AuditEntry(tenant, _time.GetUtcNow(), "operations", "replay-" + outcome, Instance: replaying.Instance,
                EntityType: replaying.EntityType, EntityId: replaying.EntityId, EventId: replaying.MessageId, CorrelationId: replaying.CorrelationId,
                Reason: reason is null ? finished.ReasonCode : $"{finished.ReasonCode}; operator: {FailedSyncStore.Excerpt(reason, 200)}",
                Summary: $"{replaying.Flow} failed sync replayed: {FailedSyncStore.Excerpt(attempt.Summary, 300)}", Attempt: finished.Replays, Actor: actor),
            $"replay|{id}|{finished.Replays}",
            cancellationToken).ConfigureAwait(false);
        return new ReplayOutcome(id, outcome, finished.Status.ToString(), finished.ReasonCode, attempt.Summary);
    }
}
