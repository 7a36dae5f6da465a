using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Operations;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// Queue-triggered (FAILED_SYNC_JOBS_QUEUE): one slice of a bulk recovery job; it queues the next slice itself while
/// anything is left. A failed slice is delivered again (the job's lease and its saved progress make that harmless).
/// </summary>
public sealed class FailedSyncJobFunction(FailedSyncJobs jobs) : IInvokedFunction
{
    public const string Input = "message";

    public async Task<InvocationResult> HandleAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var message = FailedSyncJobMessage.Parse(invocation.ReadString(Input))
            ?? throw new InvalidInvocationException("The bulk-job message does not name a tenant and a job id.");
        var job = await jobs.RunSliceAsync(message, cancellationToken).ConfigureAwait(false);
        return new InvocationResult().Log(job is null
            ? $"job {message.JobId}: no such job"
            : $"job {job.JobId} ({job.Action}): {job.Status}, {job.Done} of {job.Matched} done, {job.Succeeded} succeeded, {job.FailedAgain} failed again, {job.Skipped} skipped");
    }
}
