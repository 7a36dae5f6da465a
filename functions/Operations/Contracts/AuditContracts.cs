using WmsFunctions.Pipeline.Audit;

namespace WmsFunctions.Handler.Operations;

/// <summary>An audit entry as operators see it.</summary>
public sealed record AuditEntryView(
    DateTimeOffset At, string Flow, string Outcome, string? Instance, string? EntityType, string? EntityId, string? EventId,
    string? CorrelationId, string? Reason, string? Summary, string? Actor, int? Attempt)
{
    public static AuditEntryView Of(AuditEntity e) =>
        new(e.At, e.Flow, e.Outcome, e.Instance, e.EntityType, e.EntityId, e.EventId, e.CorrelationId, e.Reason, e.Summary, e.Actor, e.Attempt);
}

/// <summary>One page of the audit log; <c>continuation</c> asks for the next.</summary>
public sealed record AuditListing(IReadOnlyList<AuditEntryView> Entries, string? Continuation);
