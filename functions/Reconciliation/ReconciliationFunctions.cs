using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.Handler.Reconciliation;

/// <summary>Timer-triggered (RECONCILIATION_SCHEDULE): one queued run per scheduled WMS instance.</summary>
public sealed class ReconciliationScheduleFunction(ReconciliationScheduler scheduler) : IInvokedFunction
{
    public const string Input = "timer";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var runs = await scheduler.ScheduleAllAsync(cancellationToken).ConfigureAwait(false);
        var result = new InvocationResult().Log($"{runs.Count} reconciliation runs queued");
        foreach (var run in runs)
        {
            result.Log($"{run.Tenant}/{run.Instance}: run {run.RunId}");
        }

        return result;
    }
}

/// <summary>
/// Queue-triggered (RECONCILIATION_QUEUE): runs one instance's reconciliation. A WMS that cannot be reached fails the
/// invocation (the queue delivers the message again, then moves it to the poison queue); a finished run is left alone.
/// </summary>
public sealed class ReconciliationRunFunction(ReconciliationRunner runner) : IInvokedFunction
{
    public const string Input = "message";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var request = ReconciliationRequest.Parse(invocation.ReadString(Input))
            ?? throw new InvalidInvocationException("The reconciliation message does not name a tenant, instance and run id.");
        var run = await runner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log(run is null
            ? $"run {request.RunId}: nothing to do"
            : $"run {run.RunId} of {run.Tenant}/{run.Instance}: {run.StatusName}, {run.Compared} compared, {run.Different} different, {run.Flagged} flagged, {run.Corrected} corrected, {run.Unmapped} unmapped");
    }
}
