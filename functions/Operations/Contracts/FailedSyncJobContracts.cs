using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using WmsFunctions.Operations;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// A bulk recovery request: which open failed syncs (every given filter must match), what to do with them, how fast.
/// <c>reasonCode</c> filters by the failure's reason; <c>reason</c> is the operator's (required to resolve or ignore).
/// </summary>
public sealed record FailedSyncJobRequestBody(
    [property: Required] string? Action,
    string? Flow,
    string? ReasonCode,
    string? Instance,
    DateTimeOffset? FirstSeenFrom,
    DateTimeOffset? FirstSeenTo,
    DateTimeOffset? LastSeenFrom,
    DateTimeOffset? LastSeenTo,
    string? Reason,
    int? RatePerSecond,
    bool? DryRun,
    string? IdempotencyKey);

/// <summary>What a dry run would take: the count (up to 10,000: <c>moreThanCounted</c> says there are more) and the first ids.</summary>
public sealed record FailedSyncDryRunView(string Action, int Matched, bool MoreThanCounted, IReadOnlyList<string> Sample);

/// <summary>The filter a job was started with.</summary>
public sealed record FailedSyncFilterView(
    string? Flow, string? ReasonCode, string? Instance, DateTimeOffset? FirstSeenFrom, DateTimeOffset? FirstSeenTo, DateTimeOffset? LastSeenFrom, DateTimeOffset? LastSeenTo);

/// <summary>A bulk job and its progress: matched so far, done, and of those succeeded, failed again and skipped.</summary>
public sealed record FailedSyncJobView(
    string JobId, string Tenant, string Action, FailedSyncFilterView Filter, string? Reason, int RatePerSecond, string Status,
    int Matched, int Done, int Succeeded, int FailedAgain, int Skipped, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt)
{
    public static FailedSyncJobView Of(FailedSyncJobEntity e)
    {
        var f = JsonSerializer.Deserialize<FailedSyncFilter>(e.Filter, JsonSerializerOptions.Web) ?? new FailedSyncFilter();
        return new(e.JobId, e.Tenant, e.Action, new(f.Flow, f.ReasonCode, f.Instance, f.FirstSeenFrom, f.FirstSeenTo, f.LastSeenFrom, f.LastSeenTo),
            e.Reason, e.RatePerSecond, e.Status, e.Matched, e.Done, e.Succeeded, e.FailedAgain, e.Skipped, e.CreatedBy, e.CreatedAt, e.CompletedAt);
    }
}

/// <summary>One matched failed sync of a job: pending, or what the job did (replayed, failed-again, resolved, ignored) or why it skipped it.</summary>
public sealed record FailedSyncJobItemView(string Id, string Outcome, string? Status, string? ReasonCode, string? Summary, DateTimeOffset? At)
{
    public static FailedSyncJobItemView Of(FailedSyncJobItemEntity e) => new(e.FailedSyncId, e.Outcome, e.Status, e.ReasonCode, e.Summary, e.At);
}

/// <summary>One page of a job's items; <c>continuation</c> asks for the next.</summary>
public sealed record FailedSyncJobItemListing(IReadOnlyList<FailedSyncJobItemView> Items, string? Continuation);
