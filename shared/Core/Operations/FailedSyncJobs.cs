using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Operations;

/// <summary>What a bulk job does to each failed sync it matched.</summary>
public static class FailedSyncJobActions
{
    public const string Replay = "replay";
    public const string Resolve = "resolve";
    public const string Ignore = "ignore";

    public static readonly IReadOnlyList<string> All = [Replay, Resolve, Ignore];
}

/// <summary>Which open failed syncs of the tenant a bulk job (or its dry run) takes: every given part must match.</summary>
public sealed record FailedSyncFilter(
    string? Flow = null,
    string? ReasonCode = null,
    string? Instance = null,
    DateTimeOffset? FirstSeenFrom = null,
    DateTimeOffset? FirstSeenTo = null,
    DateTimeOffset? LastSeenFrom = null,
    DateTimeOffset? LastSeenTo = null)
{
    /// <summary>Whether a failed sync (as it is now) still matches: checked again just before each item is acted on.</summary>
    public bool Matches(FailedSyncEntity failed) =>
        (Flow is null || failed.Flow == Flow)
        && (ReasonCode is null || failed.ReasonCode == ReasonCode)
        && (Instance is null || failed.Instance == Instance)
        && (FirstSeenFrom is null || failed.FirstSeenAt >= FirstSeenFrom)
        && (FirstSeenTo is null || failed.FirstSeenAt < FirstSeenTo)
        && (LastSeenFrom is null || failed.LastSeenAt >= LastSeenFrom)
        && (LastSeenTo is null || failed.LastSeenAt < LastSeenTo);
}

/// <summary>A bulk job as asked for. <see cref="IdempotencyKey"/> names the job; without it, the request itself does.</summary>
public sealed record FailedSyncJobRequest(string Action, FailedSyncFilter Filter, string? Reason, int RatePerSecond, string? IdempotencyKey);

/// <summary>What a dry run found: how many open failed syncs match (counted up to a cap) and the first few ids.</summary>
public sealed record FailedSyncDryRun(int Matched, bool MoreThanCounted, IReadOnlyList<string> Sample);

/// <summary>Bulk-job settings: the queue its slices go through, the default and highest rate.</summary>
public sealed class FailedSyncJobOptions
{
    public const string QueueSetting = "FAILED_SYNC_JOBS_QUEUE";

    public string Queue { get; set; } = "failed-sync-jobs";

    /// <summary>Items per second when the request names none: gentle on the WMS and the marketplaces.</summary>
    public int DefaultRatePerSecond { get; set; } = 5;

    public int MaxRatePerSecond { get; set; } = 50;

    /// <summary>How long one invocation works on a job before it hands the rest to the next (re-enqueued) invocation.</summary>
    public TimeSpan Slice { get; set; } = TimeSpan.FromSeconds(20);

    public static void Configure(FailedSyncJobOptions options, IConfiguration configuration) =>
        options.Queue = configuration[QueueSetting] is { Length: > 0 } queue ? queue : options.Queue;
}

/// <summary>
/// One bulk job and its items, in one partition of table <c>FailedSyncJobs</c> (tenant|job id): row <c>job</c> holds
/// the request and the progress, rows <c>item|{failed-sync id}</c> each matched failed sync's outcome. Item and
/// progress change together in one transaction, so progress is exact whatever dies when.
/// </summary>
public sealed class FailedSyncJobEntity : ITableEntity
{
    public const string JobRow = "job";
    public const string ItemPrefix = "item|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = JobRow;

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public string JobId { get; set; } = "";

    public string Action { get; set; } = "";

    /// <summary>The filter as JSON (<see cref="FailedSyncFilter"/>).</summary>
    public string Filter { get; set; } = "{}";

    public string? Reason { get; set; }

    public int RatePerSecond { get; set; }

    /// <summary>Hash of the request: the same idempotency key with another request is refused.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>matching (finding the items), running (acting on them), completed.</summary>
    public string Status { get; set; } = FailedSyncJobStatus.Matching;

    /// <summary>Where the matching stopped (the listing's continuation); null when it has not started or is done.</summary>
    public string? Cursor { get; set; }

    public int Matched { get; set; }

    public int Done { get; set; }

    public int Succeeded { get; set; }

    public int FailedAgain { get; set; }

    public int Skipped { get; set; }

    public string CreatedBy { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Until when the invocation working on the job holds it; another one waits until then.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public static string PartitionFor(string tenant, string jobId) => TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(jobId));
}

/// <summary>One matched failed sync of a job and what the job did with it.</summary>
public sealed class FailedSyncJobItemEntity : ITableEntity
{
    public const string Pending = "pending";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string FailedSyncId { get; set; } = "";

    /// <summary>pending, or what was done: replayed, failed-again, resolved, ignored, or why it was skipped (not-open, in-progress, not-found, not-replayable, no-longer-matches).</summary>
    public string Outcome { get; set; } = Pending;

    public string? Status { get; set; }

    public string? ReasonCode { get; set; }

    public string? Summary { get; set; }

    public DateTimeOffset? At { get; set; }
}

public static class FailedSyncJobStatus
{
    public const string Matching = "matching";
    public const string Running = "running";
    public const string Completed = "completed";
}

/// <summary>The queue message that asks for the next slice of a job.</summary>
public sealed record FailedSyncJobMessage(string Tenant, string JobId)
{
    public static FailedSyncJobMessage? Parse(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<FailedSyncJobMessage>(text, JsonSerializerOptions.Web) is { Tenant.Length: > 0, JobId.Length: > 0 } message ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Bulk recovery: replay, resolve or ignore every open failed sync of a tenant that matches a filter. The request
/// creates a job row and one queue message; the queue-triggered function works through the job in slices (each under
/// the job's lease, at most <see cref="FailedSyncJobOptions.Slice"/> long, at the job's rate), saving progress with
/// every item and re-enqueuing itself for the rest. Each item goes through the same replay (its per-item lease) or
/// close (its ETag) as the single-item API, so two jobs over the same failures, or one job whose slice ran twice,
/// act on each failure once; the others are recorded as skipped. The job id is the idempotency key (or a hash of the
/// request): the same request again answers the same job.
/// </summary>
public sealed partial class FailedSyncJobs(
    HubStorage storage,
    FailedSyncStore store,
    FailedSyncReplayer replayer,
    AuditLog audit,
    IOptions<FailedSyncJobOptions> options,
    TimeProvider time,
    ILogger<FailedSyncJobs> logger)
{
    /// <summary>A dry run counts up to this many; a job matches any number.</summary>
    public const int DryRunCap = 10_000;

    public const int SampleSize = 10;

    /// <summary>Items read and added per matching step: one table transaction with the job row (at most 100 operations).</summary>
    private const int MatchPage = 99;

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public FailedSyncJobOptions Options => options.Value;

    public async Task<FailedSyncDryRun> DryRunAsync(string tenant, FailedSyncFilter filter, CancellationToken cancellationToken)
    {
        var (count, more, sample) = (0, false, new List<string>());
        string? continuation = null;
        do
        {
            var page = await store.ListAsync(Query(tenant, filter, 200, continuation), cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items.Where(filter.Matches))
            {
                if (count == DryRunCap)
                {
                    more = true;
                    break;
                }

                count++;
                if (sample.Count < SampleSize)
                {
                    sample.Add(FailedSyncStore.IdOf(item));
                }
            }

            continuation = page.Continuation;
        }
        while (continuation is not null && !more);

        return new FailedSyncDryRun(count, more, sample);
    }

    /// <summary>The job a request names: created (and queued) the first time, the same job again after that.</summary>
    public async Task<(FailedSyncJobEntity? Job, bool Created)> StartAsync(string tenant, FailedSyncJobRequest request, string actor, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request with { IdempotencyKey = null }, JsonSerializerOptions.Web)));
        var jobId = request.IdempotencyKey ?? "job-" + hash[..24];
        var table = await storage.TableAsync(HubTable.FailedSyncJobs, cancellationToken).ConfigureAwait(false);
        var job = new FailedSyncJobEntity
        {
            PartitionKey = FailedSyncJobEntity.PartitionFor(tenant, jobId),
            Tenant = tenant,
            JobId = jobId,
            Action = request.Action,
            Filter = JsonSerializer.Serialize(request.Filter, JsonSerializerOptions.Web),
            Reason = request.Reason,
            RatePerSecond = request.RatePerSecond,
            RequestHash = hash,
            CreatedBy = actor,
            CreatedAt = time.GetUtcNow(),
        };
        try
        {
            await table.AddEntityAsync(job, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exists) when (exists.Status == 409)
        {
            var existing = await GetAsync(tenant, jobId, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.RequestHash != hash)
            {
                return (null, false); // the key names another request
            }

            if (existing.Status != FailedSyncJobStatus.Completed)
            {
                await EnqueueAsync(tenant, jobId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false); // a nudge: the lease keeps it to one worker
            }

            return (existing, false);
        }

        await EnqueueAsync(tenant, jobId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(
            new AuditEntry(tenant, time.GetUtcNow(), "operations", "bulk-" + request.Action + "-started", EntityType: "failed-sync-job", EntityId: jobId,
                Reason: request.Reason, Summary: FailedSyncStore.Excerpt($"filter {job.Filter}, {request.RatePerSecond}/s", 300), Actor: actor),
            $"bulk|{jobId}",
            cancellationToken).ConfigureAwait(false);
        return (job, true);
    }

    public async Task<FailedSyncJobEntity?> GetAsync(string tenant, string jobId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncJobs, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<FailedSyncJobEntity>(FailedSyncJobEntity.PartitionFor(tenant, jobId), FailedSyncJobEntity.JobRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>A page of a job's items (in failed-sync id order) with their outcomes.</summary>
    public async Task<(IReadOnlyList<FailedSyncJobItemEntity> Items, string? Continuation)> ItemsAsync(
        string tenant, string jobId, int take, string? continuation, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.FailedSyncJobs, cancellationToken).ConfigureAwait(false);
        var partition = FailedSyncJobEntity.PartitionFor(tenant, jobId);
        var pages = table.QueryAsync<FailedSyncJobItemEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {FailedSyncJobEntity.ItemPrefix} and RowKey lt {TableKeys.PrefixEnd(FailedSyncJobEntity.ItemPrefix)}"),
            take, cancellationToken: cancellationToken).AsPages(continuation, take);
        await foreach (var page in pages.ConfigureAwait(false))
        {
            return (page.Values, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>
    /// One slice of a job (the queue function's work): under the job's lease, matches the next items or acts on the
    /// pending ones until the slice's time is up, then queues the next slice if anything is left. A job another
    /// invocation holds is looked at again when its lease ends; a completed job is left alone.
    /// </summary>
    public async Task<FailedSyncJobEntity?> RunSliceAsync(FailedSyncJobMessage message, CancellationToken cancellationToken)
    {
        var job = await GetAsync(message.Tenant, message.JobId, cancellationToken).ConfigureAwait(false);
        if (job is null || job.Status == FailedSyncJobStatus.Completed)
        {
            return job;
        }

        var now = time.GetUtcNow();
        if (job.LeaseUntil > now)
        {
            await EnqueueAsync(job.Tenant, job.JobId, job.LeaseUntil.Value - now, cancellationToken).ConfigureAwait(false);
            return job;
        }

        var table = await storage.TableAsync(HubTable.FailedSyncJobs, cancellationToken).ConfigureAwait(false);
        job.LeaseUntil = now + Lease;
        try
        {
            job.ETag = (await table.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? ETag.All;
        }
        catch (RequestFailedException taken) when (taken.Status == 412)
        {
            await EnqueueAsync(job.Tenant, job.JobId, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false); // another invocation took it just now
            return job;
        }

        var filter = JsonSerializer.Deserialize<FailedSyncFilter>(job.Filter, JsonSerializerOptions.Web) ?? new FailedSyncFilter();
        var sliceStarted = time.GetTimestamp();
        var rate = Math.Clamp(job.RatePerSecond, 1, Options.MaxRatePerSecond);
        var pause = TimeSpan.FromSeconds(1.0 / rate);
        while (time.GetElapsedTime(sliceStarted) < Options.Slice)
        {
            if (job.Status == FailedSyncJobStatus.Matching)
            {
                job = await MatchNextAsync(table, job, filter, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var pending = await PendingAsync(table, job, Math.Max(1, (int)(rate * Options.Slice.TotalSeconds)), cancellationToken).ConfigureAwait(false);
            if (pending.Count == 0)
            {
                job.Status = FailedSyncJobStatus.Completed;
                job.CompletedAt = time.GetUtcNow();
                break;
            }

            foreach (var item in pending)
            {
                var started = time.GetTimestamp();
                job = await ActAsync(table, job, filter, item, cancellationToken).ConfigureAwait(false);
                if (time.GetElapsedTime(sliceStarted) >= Options.Slice)
                {
                    break;
                }

                var left = pause - time.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, cancellationToken).ConfigureAwait(false); // a real pause: the rate is the WMS's protection
                }
            }
        }

        job.LeaseUntil = null;
        job.ETag = (await table.UpdateEntityAsync(job, job.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)).Headers.ETag ?? ETag.All;
        if (job.Status != FailedSyncJobStatus.Completed)
        {
            await EnqueueAsync(job.Tenant, job.JobId, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            LogCompleted(logger, job.Tenant, job.JobId, job.Action, job.Matched, job.Succeeded, job.FailedAgain, job.Skipped);
        }

        return job;
    }

    private static FailedSyncListQuery Query(string tenant, FailedSyncFilter filter, int take, string? continuation) =>
        new(tenant, filter.Instance, filter.Flow, filter.ReasonCode, FailedSyncStatus.Open, filter.FirstSeenTo, filter.FirstSeenFrom, take, continuation);

    /// <summary>Adds the next page of matching failed syncs as pending items, with the cursor and count, in one transaction.</summary>
    private async Task<FailedSyncJobEntity> MatchNextAsync(TableClient table, FailedSyncJobEntity job, FailedSyncFilter filter, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(Query(job.Tenant, filter, MatchPage, job.Cursor), cancellationToken).ConfigureAwait(false);
        var ids = page.Items.Where(filter.Matches).Select(FailedSyncStore.IdOf).Distinct(StringComparer.Ordinal).ToList();
        for (var attempt = 0; ; attempt++)
        {
            job.Cursor = page.Continuation;
            job.Matched += ids.Count;
            if (page.Continuation is null)
            {
                job.Status = FailedSyncJobStatus.Running;
            }

            var batch = ids.Select(id => new TableTransactionAction(TableTransactionActionType.Add, new FailedSyncJobItemEntity
            {
                PartitionKey = job.PartitionKey, RowKey = FailedSyncJobEntity.ItemPrefix + id, FailedSyncId = id,
            })).Append(new TableTransactionAction(TableTransactionActionType.UpdateReplace, job, job.ETag)).ToList();
            try
            {
                var response = await table.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
                job.ETag = response.Value[^1].Headers.ETag ?? ETag.All;
                return job;
            }
            catch (TableTransactionFailedException conflict) when (conflict.Status == 409 && attempt == 0)
            {
                // An item a listing returned twice (the index moved under it): keep only the ones not added yet.
                job.Matched -= ids.Count;
                var kept = new List<string>();
                foreach (var id in ids)
                {
                    if (!(await table.GetEntityIfExistsAsync<FailedSyncJobItemEntity>(job.PartitionKey, FailedSyncJobEntity.ItemPrefix + id, cancellationToken: cancellationToken).ConfigureAwait(false)).HasValue)
                    {
                        kept.Add(id);
                    }
                }

                ids = kept;
                job.Status = FailedSyncJobStatus.Matching;
            }
        }
    }

    private static async Task<List<FailedSyncJobItemEntity>> PendingAsync(TableClient table, FailedSyncJobEntity job, int take, CancellationToken cancellationToken)
    {
        var pending = new List<FailedSyncJobItemEntity>();
        await foreach (var item in table.QueryAsync<FailedSyncJobItemEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {job.PartitionKey} and RowKey ge {FailedSyncJobEntity.ItemPrefix} and RowKey lt {TableKeys.PrefixEnd(FailedSyncJobEntity.ItemPrefix)} and Outcome eq {FailedSyncJobItemEntity.Pending}"),
            maxPerPage: take, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            pending.Add(item);
            if (pending.Count == take)
            {
                break;
            }
        }

        return pending;
    }

    /// <summary>Acts on one item (checked against the filter as it is now), then saves its outcome and the progress together.</summary>
    private async Task<FailedSyncJobEntity> ActAsync(TableClient table, FailedSyncJobEntity job, FailedSyncFilter filter, FailedSyncJobItemEntity item, CancellationToken cancellationToken)
    {
        var actor = $"{job.CreatedBy} (bulk job {job.JobId})";
        var current = await store.GetAsync(job.Tenant, item.FailedSyncId, cancellationToken).ConfigureAwait(false);
        string outcome, summary;
        if (current is null)
        {
            (outcome, summary) = (ReplayOutcome.NotFound, "No such failed sync.");
        }
        else if (!current.Status.IsOpen())
        {
            (outcome, summary) = (ReplayOutcome.NotOpen, $"It is {current.Status}: nothing done.");
        }
        else if (!filter.Matches(current))
        {
            (outcome, summary) = ("no-longer-matches", $"Its reason is {current.ReasonCode} now: nothing done.");
        }
        else if (job.Action == FailedSyncJobActions.Replay)
        {
            var replayed = await replayer.ReplayAsync(job.Tenant, item.FailedSyncId, actor, job.Reason, cancellationToken).ConfigureAwait(false);
            (outcome, summary) = (replayed.Outcome, replayed.Summary);
        }
        else
        {
            var status = job.Action == FailedSyncJobActions.Resolve ? FailedSyncStatus.Resolved : FailedSyncStatus.Ignored;
            var (closed, entity) = await store.CloseAsync(job.Tenant, item.FailedSyncId, status, job.Reason!, actor, cancellationToken).ConfigureAwait(false);
            (outcome, summary) = closed ? (status.Name(), $"{current.Flow} failed sync ({current.ReasonCode}) {status.Name()}")
                : entity is null ? (ReplayOutcome.NotFound, "No such failed sync.")
                : (ReplayOutcome.NotOpen, $"It is {entity.Status}: nothing done.");
            if (closed)
            {
                await audit.WriteAsync(
                    new AuditEntry(job.Tenant, time.GetUtcNow(), "operations", status.Name(), Instance: current.Instance, EntityType: current.EntityType,
                        EntityId: current.EntityId, EventId: current.MessageId, CorrelationId: current.CorrelationId, Reason: job.Reason,
                        Summary: $"{summary} by bulk job {job.JobId}", Actor: actor),
                    $"{status}|{item.FailedSyncId}",
                    cancellationToken).ConfigureAwait(false);
            }
        }

        var after = current is null ? null : await store.GetAsync(job.Tenant, item.FailedSyncId, cancellationToken).ConfigureAwait(false);
        item.Outcome = outcome;
        item.Status = after?.Status.Name();
        item.ReasonCode = after?.ReasonCode;
        item.Summary = FailedSyncStore.Excerpt(summary, 500);
        item.At = time.GetUtcNow();
        job.Done++;
        if (outcome is ReplayOutcome.Replayed or "resolved" or "ignored")
        {
            job.Succeeded++;
        }
        else if (outcome == ReplayOutcome.FailedAgain)
        {
            job.FailedAgain++;
        }
        else
        {
            job.Skipped++;
        }

        var response = await table.SubmitTransactionAsync(
            [new TableTransactionAction(TableTransactionActionType.UpdateReplace, item, item.ETag), new TableTransactionAction(TableTransactionActionType.UpdateReplace, job, job.ETag)],
            cancellationToken).ConfigureAwait(false);
        job.ETag = response.Value[1].Headers.ETag ?? ETag.All;
        return job;
    }

    private async Task EnqueueAsync(string tenant, string jobId, TimeSpan delay, CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(Options.Queue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(
            JsonSerializer.Serialize(new FailedSyncJobMessage(tenant, jobId), JsonSerializerOptions.Web),
            visibilityTimeout: delay > TimeSpan.Zero ? delay : null,
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bulk job {Tenant}/{JobId} ({Action}) completed: {Matched} matched, {Succeeded} succeeded, {FailedAgain} failed again, {Skipped} skipped")]
    private static partial void LogCompleted(ILogger logger, string tenant, string jobId, string action, int matched, int succeeded, int failedAgain, int skipped);
}
