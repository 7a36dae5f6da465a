using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;

namespace WmsFunctions.Pipeline.FailedSyncs;

/// <summary>
/// A flow name that may be written into a failed sync, declared where the flow is registered (each layer's
/// <c>*Services.cs</c>, or the flow registration helpers). <see cref="NotReplayableBecause"/> is null when a replay
/// path must exist (<see cref="IFailedSyncReplayPath"/>); otherwise it says why a stored message of this flow cannot
/// be run again, for the operator and for the test that holds every declared flow to a replay path.
/// </summary>
public sealed record FailedSyncFlow(string Name, string Direction, string? NotReplayableBecause = null)
{
    public bool Replayable => NotReplayableBecause is null;
}

/// <summary>
/// Every flow that may be written into a failed sync: <see cref="FailedSyncStore.RecordAsync"/> refuses any other, so
/// the failed-sync queue can never hold a failure no replay path (or explicit "not replayable") was decided for.
/// Declarations are plain data, so the store can depend on them without depending on the flows that replay.
/// </summary>
public sealed class FailedSyncFlows
{
    private readonly FrozenDictionary<string, FailedSyncFlow> _flows;

    public FailedSyncFlows(IEnumerable<FailedSyncFlow> declared)
    {
        var flows = new Dictionary<string, FailedSyncFlow>(StringComparer.Ordinal);
        foreach (var flow in declared)
        {
            if (flows.TryGetValue(flow.Name, out var earlier) && earlier != flow)
            {
                throw new InvalidOperationException($"Failed-sync flow '{flow.Name}' is declared twice, differently ({earlier} and {flow}).");
            }

            flows[flow.Name] = flow;
        }

        _flows = flows.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyCollection<FailedSyncFlow> All => _flows.Values;

    public bool TryGet(string name, out FailedSyncFlow flow) => _flows.TryGetValue(name, out flow!);
}

/// <summary>
/// A way to run a failed sync's stored message again through the path the original took (same de-duplication).
/// Registered per family of flows; the replayer finds it by <see cref="Flows"/>.
/// </summary>
public interface IFailedSyncReplayPath
{
    /// <summary>The declared flows (<see cref="FailedSyncFlow"/>) whose failures this path replays.</summary>
    IReadOnlyCollection<string> Flows { get; }

    /// <summary>Null when this failure can be replayed; else why not (checked before it is taken for a replay).</summary>
    string? WhyNotReplayable(FailedSyncEntity failed) => null;

    /// <summary>Runs the stored message; a failure it records again on the way keeps the failed sync's key.</summary>
    Task<ReplayAttempt> ReplayAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken);
}

/// <summary>What running a stored message again did: succeeded, or failed with a reason (null: keep the recorded one).</summary>
public sealed record ReplayAttempt(bool Succeeded, string? ReasonCode, string? Detail, string Summary)
{
    public static ReplayAttempt Done(string summary) => new(true, null, null, summary);

    public static ReplayAttempt Failed(string? reasonCode, string? detail, string summary) => new(false, reasonCode, detail, summary);
}

public static class FailedSyncFlowRegistration
{
    /// <summary>Declares a flow name that may be written into a failed sync (see <see cref="FailedSyncFlows"/>).</summary>
    public static IServiceCollection AddFailedSyncFlow(this IServiceCollection services, string name, string direction, string? notReplayableBecause = null) =>
        services.AddSingleton(new FailedSyncFlow(name, direction, notReplayableBecause));

    /// <summary>Registers a replay path (one instance, found by the replayer through its flows).</summary>
    public static IServiceCollection AddReplayPath<TPath>(this IServiceCollection services)
        where TPath : class, IFailedSyncReplayPath =>
        services.AddSingleton<IFailedSyncReplayPath, TPath>();
}
