using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.Pipeline.Retries;

/// <summary>
/// The replay of a message captured from one of the hub's storage queues (by its poison watcher, or refused by the
/// queue's function): the stored message goes back on that queue, visible at once and at generation 0, and the
/// queue's own function runs it again (should it fail again, it comes back as a new failed sync).
/// </summary>
public sealed class QueueReplayPath(PoisonedMessages queues) : IFailedSyncReplayPath
{
    public IReadOnlyCollection<string> Flows => [.. queues.Queues.Select(q => q.Flow).Distinct(StringComparer.Ordinal)];

    public string? WhyNotReplayable(FailedSyncEntity failed) =>
        queues.CanRequeue(failed) ? null : $"It was not captured from one of the hub's storage queues ({failed.OriginKind ?? "no origin"}).";

    public async Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken) =>
        ReplayAttempt.Done(await queues.RequeueAsync(failed, body, cancellationToken).ConfigureAwait(false));
}
