using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// Replays an OMS -> WMS failure: the stored CloudEvent through the same dispatcher, adapter and resilience pipeline,
/// only to the instance that failed (every instance the message routes to when it failed before routing), allowed past
/// the "already refused" check; the delivery claim still refuses a version already delivered or superseded.
/// </summary>
public sealed class OutboundReplayPath(IEnumerable<IOutboundFlow> flows) : IFailedSyncReplayPath
{
    private readonly Dictionary<string, IOutboundFlow> _flows = flows.ToDictionary(f => f.Definition.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Flows => _flows.Keys;

    public async Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        var only = failed.Instance is FailedSyncStore.Unrouted ? null : failed.Instance;
        var summary = await _flows[failed.Flow].RunAsync(
            new OutboundDelivery(body, failed.MessageId, 1, failed.CorrelationId, Replay: true, OnlyInstance: only), cancellationToken).ConfigureAwait(false);
        var text = summary.Instances.Count == 0 ? summary.ToString() : string.Join("; ", summary.InstanceLines);
        if (summary.Outcome != DispatchOutcome.Done)
        {
            var reason = summary.Outcome == DispatchOutcome.Rejected ? summary.RejectedFor : summary.ToString();
            return ReplayAttempt.Failed(only is null ? null : reason, text, text);
        }

        // delivered; stale (a newer version went since) and duplicate (delivered meanwhile) leave nothing to do either
        return new ReplayAttempt(summary.Settled, null, null, text);
    }
}
