using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>Where one version of one document stands with one instance (stored by name).</summary>
public enum DeliveryStatus
{
    /// <summary>This version is being sent (or its last send failed transiently and the host will redeliver).</summary>
    Claimed,

    /// <summary>The WMS accepted this version.</summary>
    Delivered,

    /// <summary>The WMS refused this version for good (4xx); a failed sync holds its answer.</summary>
    Refused,

    /// <summary>This message cannot be delivered to the instance (a code without mapping, refused credentials); a failed sync says why.</summary>
    Failed,
}

/// <summary>
/// The newest version of one OMS entity (item, PO, pick slip ...) the hub has sent or is sending to one WMS
/// instance, and which message carried it. Partition tenant|instance, row flow|entity id. Every change is an
/// atomic insert or an ETag-guarded update, so two deliveries of the same entity never both win.
/// </summary>
public sealed class DeliveryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public long Version { get; set; }

    public string MessageId { get; set; } = "";

    public DeliveryStatus Status { get; set; } = DeliveryStatus.Claimed;

    /// <summary>Sends of this version by this message (1 the first time).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string PartitionFor(string tenant, string instance) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(instance));

    public static string RowFor(string flow, string entityId) => TableKeys.Join(TableKeys.Escape(flow), TableKeys.Escape(entityId));
}

public enum ClaimOutcome
{
    /// <summary>Go ahead and send: this message now holds the entity's newest version for the instance.</summary>
    Claimed,

    /// <summary>A newer version was already sent or is being sent: this one must not overwrite it.</summary>
    Stale,

    /// <summary>This version was already delivered (or refused or failed for this very message): nothing to do.</summary>
    Duplicate,
}

public sealed record Claim(ClaimOutcome Outcome, int Attempt, long StoredVersion, DeliveryEntity? Row);

/// <summary>Decides, per WMS instance and entity, whether a message may be sent, and remembers the result.</summary>
public sealed class DeliveryStore(HubStorage storage, TimeProvider time)
{
    private const int MaxRaces = 8;

    /// <summary>
    /// Claims <paramref name="version"/> of the entity for <paramref name="messageId"/>:
    /// older than the stored version: <see cref="ClaimOutcome.Stale"/>;
    /// the same version already delivered, or refused or failed for this message: <see cref="ClaimOutcome.Duplicate"/>;
    /// otherwise (newer, or the same version still unfinished, or refused or failed under another message id, or for
    /// this message when <paramref name="replay"/>: an operator's replay): <see cref="ClaimOutcome.Claimed"/>.
    /// </summary>
    public async Task<Claim> ClaimAsync(
        string tenant, string instance, string flow, string entityId, long version, string messageId, CancellationToken cancellationToken, bool replay = false)
    {
        var table = await storage.TableAsync(HubTable.OutboundDeliveries, cancellationToken).ConfigureAwait(false);
        var partition = DeliveryEntity.PartitionFor(tenant, instance);
        var row = DeliveryEntity.RowFor(flow, entityId);
        for (var race = 0; race < MaxRaces; race++)
        {
            var found = await table.GetEntityIfExistsAsync<DeliveryEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue)
            {
                var created = new DeliveryEntity
                {
                    PartitionKey = partition, RowKey = row, Version = version, MessageId = messageId,
                    Status = DeliveryStatus.Claimed, Attempts = 1, UpdatedAt = time.GetUtcNow(),
                };
                try
                {
                    var added = await table.AddEntityAsync(created, cancellationToken).ConfigureAwait(false);
                    created.ETag = added.Headers.ETag ?? default;
                    return new Claim(ClaimOutcome.Claimed, 1, 0, created);
                }
                catch (RequestFailedException conflict) when (conflict.Status == 409)
                {
                    continue; // another delivery of this entity got there first: decide against its row
                }
            }

            var current = found.Value!;
            if (current.Version > version)
            {
                return new Claim(ClaimOutcome.Stale, current.Attempts, current.Version, null);
            }

            var sameMessage = string.Equals(current.MessageId, messageId, StringComparison.Ordinal);
            if (current.Version == version
                && (current.Status == DeliveryStatus.Delivered || (current.Status is DeliveryStatus.Refused or DeliveryStatus.Failed && sameMessage && !replay)))
            {
                return new Claim(ClaimOutcome.Duplicate, current.Attempts, current.Version, null);
            }

            var attempt = current.Version == version && sameMessage ? current.Attempts + 1 : 1;
            var storedVersion = current.Version;
            current.Version = version;
            current.MessageId = messageId;
            current.Status = DeliveryStatus.Claimed;
            current.Attempts = attempt;
            current.UpdatedAt = time.GetUtcNow();
            try
            {
                var updated = await table.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                current.ETag = updated.Headers.ETag ?? default;
                return new Claim(ClaimOutcome.Claimed, attempt, storedVersion, current);
            }
            catch (RequestFailedException changed) when (changed.Status == 412)
            {
                // changed under us: read again
            }
        }

        throw new InvalidOperationException($"Delivery row {partition}/{row} kept changing; the host will deliver the message again.");
    }

    /// <summary>
    /// A delivery the WMS took over HTTP but refused later (an X12 partner's 997): the row becomes Refused, so an
    /// operator's replay of that message is claimed again instead of being answered "already delivered". Unchanged
    /// when a newer version or another message owns the row by then (a replay is then stale, rightly).
    /// </summary>
    public async Task RefuseLaterAsync(string tenant, string instance, string flow, string entityId, long version, string messageId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.OutboundDeliveries, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<DeliveryEntity>(
            DeliveryEntity.PartitionFor(tenant, instance), DeliveryEntity.RowFor(flow, entityId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (found.HasValue && found.Value!.Version == version && string.Equals(found.Value.MessageId, messageId, StringComparison.Ordinal))
        {
            await CompleteAsync(found.Value, DeliveryStatus.Refused, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stores the final status of a claimed version, unless a newer version has been claimed meanwhile.</summary>
    public async Task CompleteAsync(DeliveryEntity claimed, DeliveryStatus status, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.OutboundDeliveries, cancellationToken).ConfigureAwait(false);
        var entity = claimed;
        for (var race = 0; race < MaxRaces; race++)
        {
            if (entity.Version != claimed.Version || !string.Equals(entity.MessageId, claimed.MessageId, StringComparison.Ordinal))
            {
                return; // a newer version (or another message) owns the row now
            }

            entity.Status = status;
            entity.UpdatedAt = time.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException changed) when (changed.Status == 412)
            {
                entity = (await table.GetEntityAsync<DeliveryEntity>(claimed.PartitionKey, claimed.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
        }
    }
}
