using System.Text;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// Replays a WMS -> OMS refusal (a webhook event people had to fix master data for): the stored body through the
/// same flow and inbound pipeline as the webhook, so the inbox's de-duplication holds (an event applied meanwhile is
/// answered as then, nothing applied twice).
/// </summary>
public sealed class InboundReplayPath(IEnumerable<IInboundFlow> flows, EventPipeline pipeline, TenantDirectory tenants) : IFailedSyncReplayPath
{
    private readonly Dictionary<string, IInboundFlow> _flows = flows.ToDictionary(f => f.Name, StringComparer.Ordinal);

    public IReadOnlyCollection<string> Flows => _flows.Keys;

    public string? WhyNotReplayable(FailedSyncEntity failed) =>
        tenants.TryGet(failed.Tenant, failed.Instance, out _) ? null : $"WMS instance '{failed.Instance}' is not configured (any more): the event has no sender to be read as.";

    public async Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        tenants.TryGet(failed.Tenant, failed.Instance, out var wms);
        var request = new InboundRequest(wms, Encoding.UTF8.GetBytes(body), failed.CorrelationId ?? failed.MessageId);
        var result = await pipeline.ReceiveAsync(_flows[failed.Flow], request, cancellationToken).ConfigureAwait(false);
        return result.Problem is { } problem
            ? ReplayAttempt.Failed(problem.Type, problem.Detail, $"refused again: {problem.Type}: {problem.Detail}")
            : ReplayAttempt.Done(result.Replayed ? "the event had already been applied: answered as before, nothing applied twice" : $"applied (HTTP {result.Status})");
    }
}
