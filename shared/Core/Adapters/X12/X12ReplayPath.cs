using System.Text;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Adapters.X12;

/// <summary>
/// Replays a set of an X12 interchange the hub rejected (flow <c>x12</c>): the stored interchange through
/// <see cref="X12InterchangeReceiver.ReplaySetAsync"/>, that set only. (A partner's 997 rejecting one of the hub's
/// documents is a failure of the OMS message's own flow, replayed through the dispatcher.)
/// </summary>
public sealed class X12ReplayPath(X12InterchangeReceiver receiver, TenantDirectory tenants) : IFailedSyncReplayPath
{
    public IReadOnlyCollection<string> Flows { get; } = [X12InterchangeReceiver.Flow];

    public string? WhyNotReplayable(FailedSyncEntity failed) =>
        tenants.TryGet(failed.Tenant, failed.Instance, out _) ? null : $"WMS instance '{failed.Instance}' is not configured (any more): the interchange has no partner to be read as.";

    public Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        tenants.TryGet(failed.Tenant, failed.Instance, out var wms);
        return receiver.ReplaySetAsync(new InboundRequest(wms, Encoding.ASCII.GetBytes(body), failed.CorrelationId ?? failed.MessageId), failed.MessageId, cancellationToken);
    }
}
