using System.Text.Json;
using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Retries;

/// <summary>A message as a dead-letter watcher received it: body, broker properties, and the subscription it died on.</summary>
public sealed record DeadLetter(
    string Flow,
    string Direction,
    string EntityPath,
    string Body,
    string? MessageId,
    int? DeliveryCount,
    string? Reason,
    string? Description,
    string? CorrelationId);

/// <summary>
/// The dead-letter watcher of every Service Bus subscription the hub reads (docs/failures.md): Service Bus already
/// retried the message MaxDeliveryCount times (or it expired), so it goes to a person: a failed sync of its flow
/// (reason dead-lettered) with its body, the subscription, delivery count, Service Bus's dead-letter reason and
/// description, the tenant the CloudEvent names (the unknown-tenant marker when it names none that is configured) and
/// its correlation id, exactly once (keyed by the CloudEvent's id, else the broker's message id), with an audit entry.
/// A message whose flow recorded a failed sync for it already (an OMS -> WMS delivery that failed up to its last
/// delivery) keeps that record, which gains the dead-letter origin: one record per message either way.
/// </summary>
public sealed partial class DeadLetters(FailedSyncStore failedSyncs, TenantDirectory tenants, AuditLog audit, ILogger<DeadLetters> logger)
{
    /// <summary>The reason code of every dead letter (captured here or fed back by hand).</summary>
    public const string Reason = "dead-lettered";

    public async Task<(FailedSyncEntity Entity, bool Created)> CaptureAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        var (tenant, id, subject, correlationId) = Peek(letter.Body);
        var known = tenant is not null && tenants.All.Any(i => i.Tenant == tenant);
        var messageId = letter.MessageId ?? id ?? throw new InvalidOperationException("A dead letter without a message id cannot be recorded exactly once.");
        correlationId = letter.CorrelationId ?? correlationId;
        var detail = (letter.Reason, letter.Description) switch
        {
            (null, null) => $"dead-lettered on {letter.EntityPath}",
            var (r, d) => $"dead-lettered on {letter.EntityPath}: {r}{(d is null ? "" : " - " + d)}",
        };
        if (!known)
        {
            detail += tenant is null ? "; the message names no tenant" : $"; tenant '{FailedSyncStore.Excerpt(tenant, 100)}' is not configured";
        }

        var filedUnder = known ? tenant! : FailedSyncStore.UnknownTenant;
        var origin = new FailedSyncOrigin(FailedSyncOriginKind.DeadLetter, letter.EntityPath, letter.DeliveryCount, letter.Reason, letter.Description);

        // An OMS -> WMS flow records its failure per instance on the message's last delivery, then lets it dead-letter:
        // that message is with a person already, so its record only learns where the message ended up.
        var recorded = known && id is not null ? await failedSyncs.FindByMessageAsync(filedUnder, letter.Flow, id, cancellationToken).ConfigureAwait(false) : [];
        var (entity, created) = recorded.Count > 0
            ? (await failedSyncs.AddOriginAsync(recorded[0], origin, cancellationToken).ConfigureAwait(false), false)
            : await failedSyncs.CaptureAsync(
                new FailedSync(filedUnder, FailedSyncStore.Unrouted, letter.Direction, letter.Flow, "message", subject ?? id ?? messageId, id ?? messageId, Reason, detail, correlationId, letter.Body, origin),
                cancellationToken).ConfigureAwait(false);
        foreach (var other in recorded.Skip(1))
        {
            await failedSyncs.AddOriginAsync(other, origin, cancellationToken).ConfigureAwait(false);
        }

        await audit.WriteAsync(
            new AuditEntry(filedUnder, entity.FirstSeenAt, letter.Flow, "captured", Instance: entity.Instance, EntityType: entity.EntityType, EntityId: entity.EntityId,
                EventId: messageId, CorrelationId: correlationId, Reason: letter.Reason ?? Reason,
                Summary: $"dead letter of {letter.EntityPath} recorded as a failed sync for a person"),
            $"captured|{entity.PartitionKey}|{entity.RowKey}",
            cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogCaptured(logger, letter.EntityPath, filedUnder, letter.Reason ?? "(none given)");
        }

        return (entity, created);
    }

    /// <summary>The CloudEvent attributes a dead letter is filed by, read leniently (it may be anything).</summary>
    private static (string? Tenant, string? Id, string? Subject, string? CorrelationId) Peek(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return default;
            }

            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 256 } text ? text : null;
            return (Text("tenant"), Text("id"), Text("subject"), Text("correlationid"));
        }
        catch (JsonException)
        {
            return default;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dead letter of {EntityPath} ({Tenant}) recorded as a failed sync for a person: {DeadLetterReason}")]
    private static partial void LogCaptured(ILogger logger, string entityPath, string tenant, string deadLetterReason);
}
