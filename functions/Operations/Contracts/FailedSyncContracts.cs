using System.ComponentModel.DataAnnotations;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.Handler.Operations;

/// <summary>
/// A failed sync as operators see it; <see cref="Id"/> names it in the other calls; <see cref="Origin"/> says where a
/// captured message was taken from (null for a failure its flow recorded itself).
/// </summary>
public sealed record FailedSyncView(
    string Id, string Tenant, string Instance, string Direction, string Flow, string EntityType, string EntityId, string MessageId,
    string ReasonCode, string Detail, string? CorrelationId, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, int Attempts,
    string Status, string? StatusReason, string? StatusBy, DateTimeOffset? StatusAt, int Replays, FailedSyncOriginView? Origin = null)
{
    public static FailedSyncView Of(FailedSyncEntity e) => new(
        FailedSyncStore.IdOf(e), e.Tenant, e.Instance, e.Direction, e.Flow, e.EntityType, e.EntityId, e.MessageId, e.ReasonCode, e.Detail,
        e.CorrelationId, e.FirstSeenAt, e.LastSeenAt, e.Attempts, e.Status.Name(), e.StatusReason, e.StatusBy, e.StatusAt, e.Replays,
        FailedSyncOriginView.Of(e));
}

/// <summary>
/// Where a captured message came from: kind (poison-queue: a storage queue's poison watcher; queue: refused by the
/// queue's function at once; dead-letter: a Service Bus dead-letter subqueue), the queue or the subscription's entity
/// path, the delivery count, Service Bus's dead-letter reason and description, and the retry generations it went through.
/// </summary>
public sealed record FailedSyncOriginView(
    string Kind, string Entity, int? DeliveryCount, string? DeadLetterReason, string? DeadLetterDescription, int? RetryGeneration)
{
    public static FailedSyncOriginView? Of(FailedSyncEntity e) =>
        e.OriginKind is { } kind ? new(kind, e.Origin ?? "", e.DeliveryCount, e.DeadLetterReason, e.DeadLetterDescription, e.RetryGeneration) : null;
}

/// <summary>One page of failed syncs; <c>continuation</c> asks for the next.</summary>
public sealed record FailedSyncListing(IReadOnlyList<FailedSyncView> Items, string? Continuation);

public sealed record FailedSyncWithAudit(FailedSyncView FailedSync, IReadOnlyList<AuditEntryView> Audit);

public sealed record ReplayManyAnswer(IReadOnlyList<ReplayOutcome> Results);

/// <summary>Why the operator does it (required to resolve or ignore; optional for a replay).</summary>
public sealed record OperatorReasonRequest([property: Required] string? Reason);

/// <summary>Optional: why the operator replays (goes to the audit entry).</summary>
public sealed record ReplayRequest(string? Reason);

public sealed record ReplayManyRequest([property: Required] IReadOnlyList<string>? Ids, string? Reason);
