using System.Text;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.ReturnReceipts;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

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
/// Re-runs a failed sync's original message through the flow it failed in, after a person fixed the cause:
/// OMS -> WMS messages through the same dispatcher, adapter and resilience pipeline (limited to the instance that
/// failed, and allowed past the "already refused" check), WMS -> OMS events through the same handler and inbound
/// pipeline as the webhook (so the inbox's de-duplication holds). A replay never applies twice: the failed sync is
/// taken under its ETag (a second or racing replay finds it replaying or closed), and underneath, the delivery
/// claim and the inbox de-duplicate again. A replay that fails again leaves it open with the new reason.
/// </summary>
public sealed class FailedSyncReplayer
{
    private readonly FailedSyncStore _store;
    private readonly TenantDirectory _tenants;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Func<OutboundDelivery, CancellationToken, Task<DispatchSummary>>> _outbound;
    private readonly Dictionary<string, Func<InboundRequest, CancellationToken, Task<InboundResult>>> _inbound;

    public FailedSyncReplayer(
        FailedSyncStore store,
        TenantDirectory tenants,
        AuditLog audit,
        TimeProvider time,
        IEnumerable<IOutboundFlow> outbound,
        IEnumerable<IInboundFlow> inbound,
        EventPipeline pipeline)
    {
        _store = store;
        _tenants = tenants;
        _audit = audit;
        _time = time;
        _outbound = outbound.ToDictionary(f => f.Definition.Name, f => (Func<OutboundDelivery, CancellationToken, Task<DispatchSummary>>)f.RunAsync, StringComparer.Ordinal);
        _inbound = inbound.ToDictionary(
            f => f.Name, f => (Func<InboundRequest, CancellationToken, Task<InboundResult>>)((request, ct) => pipeline.ReceiveAsync(f, request, ct)), StringComparer.Ordinal);
    }

    /// <summary>Flows a failed sync can be replayed in (and a dead letter fed back for).</summary>
    public IReadOnlyCollection<string> Flows => [.. _outbound.Keys, .. _inbound.Keys];

    public string? DirectionOf(string flow) =>
        _outbound.ContainsKey(flow) ? FailedSyncDirection.OmsToWms : _inbound.ContainsKey(flow) ? FailedSyncDirection.WmsToOms : null;

    public async Task<ReplayOutcome> ReplayAsync(string tenant, string id, string actor, string? reason, CancellationToken cancellationToken)
    {
        var candidate = await _store.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        if (candidate is null)
        {
            return new ReplayOutcome(id, ReplayOutcome.NotFound, null, null, "No such failed sync.");
        }

        if (DirectionOf(candidate.Flow) is null || (_inbound.ContainsKey(candidate.Flow) && !_tenants.TryGet(tenant, candidate.Instance, out _)))
        {
            return new ReplayOutcome(id, ReplayOutcome.NotReplayable, candidate.Status.ToString(), candidate.ReasonCode,
                $"Flow '{candidate.Flow}' cannot be replayed from a stored message (e.g. a pick-slip flag): resolve it once handled.");
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
        bool succeeded;
        string? failureReason = null;
        string? failureDetail = null;
        string summary;
        try
        {
            (succeeded, failureReason, failureDetail, summary) = _outbound.TryGetValue(replaying.Flow, out var dispatch)
                ? await ReplayOutboundAsync(replaying, body, dispatch, cancellationToken).ConfigureAwait(false)
                : await ReplayInboundAsync(replaying, body, cancellationToken).ConfigureAwait(false);
        }
        catch (WmsUnavailableException unavailable)
        {
            (succeeded, failureReason, failureDetail, summary) = (false, "wms-unavailable", unavailable.Message, "The WMS could not be reached: " + unavailable.Message);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Leave it open for the next try; the lease would free it too, but no one should wait for that.
            await _store.FinishReplayAsync(replaying, false, null, null, actor, "replay failed: " + failure.GetType().Name, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        var finished = await _store.FinishReplayAsync(replaying, succeeded, failureReason, failureDetail, actor, summary, cancellationToken).ConfigureAwait(false);
        var outcome = succeeded ? ReplayOutcome.Replayed : ReplayOutcome.FailedAgain;
        await _audit.WriteAsync(
            new AuditEntry(tenant, _time.GetUtcNow(), "operations", "replay-" + outcome, Instance: replaying.Instance,
                EntityType: replaying.EntityType, EntityId: replaying.EntityId, EventId: replaying.MessageId, CorrelationId: replaying.CorrelationId,
                Reason: reason is null ? finished.ReasonCode : $"{finished.ReasonCode}; operator: {FailedSyncStore.Excerpt(reason, 200)}",
                Summary: $"{replaying.Flow} failed sync replayed: {FailedSyncStore.Excerpt(summary, 300)}", Attempt: finished.Replays, Actor: actor),
            $"replay|{id}|{finished.Replays}",
            cancellationToken).ConfigureAwait(false);
        return new ReplayOutcome(id, outcome, finished.Status.ToString(), finished.ReasonCode, summary);
    }

    private static async Task<(bool, string?, string?, string)> ReplayOutboundAsync(
        FailedSyncEntity failed, string body, Func<OutboundDelivery, CancellationToken, Task<DispatchSummary>> dispatch, CancellationToken cancellationToken)
    {
        var only = failed.Instance is FailedSyncStore.Unrouted ? null : failed.Instance;
        var summary = await dispatch(new OutboundDelivery(body, failed.MessageId, 1, failed.CorrelationId, Replay: true, OnlyInstance: only), cancellationToken).ConfigureAwait(false);
        var text = summary.Instances.Count == 0 ? summary.ToString() : string.Join("; ", summary.InstanceLines);
        if (summary.Outcome != DispatchOutcome.Done)
        {
            var reason = summary.Outcome == DispatchOutcome.Rejected ? summary.RejectedFor : summary.ToString();
            return (false, only is null ? null : reason, text, text);
        }

        // delivered; stale (a newer version went since) and duplicate (delivered meanwhile) leave nothing to do either
        return (summary.Settled, null, null, text);
    }

    private async Task<(bool, string?, string?, string)> ReplayInboundAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        _tenants.TryGet(failed.Tenant, failed.Instance, out var wms);
        var request = new InboundRequest(wms, Encoding.UTF8.GetBytes(body), failed.CorrelationId ?? failed.MessageId);
        var result = await _inbound[failed.Flow](request, cancellationToken).ConfigureAwait(false);
        if (result.Problem is { } problem)
        {
            return (false, problem.Type, problem.Detail, $"refused again: {problem.Type}: {problem.Detail}");
        }

        return (true, null, null, result.Replayed ? "the event had already been applied: answered as before, nothing applied twice" : $"applied (HTTP {result.Status})");
    }
}
