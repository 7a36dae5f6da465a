using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>Where a Standard Webhooks message stands (stored by name).</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>A request with this webhook-id is being handled; it owns the row until <see cref="WebhookDeliveryEntity.LeaseUntil"/>.</summary>
    InProgress,

    /// <summary>Answered; the stored answer is what every later delivery of the same message gets.</summary>
    Completed,
}

/// <summary>
/// One Standard Webhooks message (its <c>webhook-id</c>) from one WMS instance. The inbox de-duplicates events by the
/// body's eventId; this row binds the sender's message id to one body, so that a reused webhook-id with another
/// body is refused even when that body names another event, and a redelivery gets the original answer.
/// </summary>
public sealed class WebhookDeliveryEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string WebhookId { get; set; } = "";

    public string Flow { get; set; } = "";

    /// <summary>Hex SHA-256 of the raw body, exactly as signed.</summary>
    public string BodyHash { get; set; } = "";

    public WebhookDeliveryStatus Status { get; set; } = WebhookDeliveryStatus.InProgress;

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset LeaseUntil { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public int? ResponseStatus { get; set; }

    public string? ResponseBody { get; set; }

    public string? EventId { get; set; }

    public static string PartitionFor(string tenant, string instance) =>
        TableKeys.Join(TableKeys.Escape(tenant), TableKeys.Escape(instance));

    public static string RowFor(string webhookId) => TableKeys.Escape(webhookId);
}

/// <summary>What <see cref="WebhookDeliveries.BeginAsync"/> found.</summary>
public abstract record DeliveryStart
{
    /// <summary>New (or taken over after its lease ran out): handle it, then complete or abandon the row.</summary>
    public sealed record Started(WebhookDeliveryEntity Row) : DeliveryStart;

    /// <summary>Answered before: answer the same again.</summary>
    public sealed record Answered(int Status, string Body, string? EventId) : DeliveryStart;

    /// <summary>The webhook-id was used for another body or another webhook.</summary>
    public sealed record Reused : DeliveryStart;

    /// <summary>Another request with this webhook-id is being handled right now.</summary>
    public sealed record InProgress : DeliveryStart;
}

/// <summary>
/// The webhook-id ledger of Standard Webhooks instances (see <see cref="WebhookDeliveryEntity"/>). The row is
/// inserted atomically before the flow runs (409 = seen before); a refusal deletes it again, so a refused
/// request leaves nothing behind; a crashed request's row is taken over once its lease has run out.
/// </summary>
public sealed class WebhookDeliveries(HubStorage storage, TimeProvider time)
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public async Task<DeliveryStart> BeginAsync(
        string tenant, string instance, string webhookId, string flow, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.WebhookDeliveries, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var row = new WebhookDeliveryEntity
        {
            PartitionKey = WebhookDeliveryEntity.PartitionFor(tenant, instance),
            RowKey = WebhookDeliveryEntity.RowFor(webhookId),
            WebhookId = webhookId,
            Flow = flow,
            BodyHash = Convert.ToHexStringLower(SHA256.HashData(body.Span)),
            Status = WebhookDeliveryStatus.InProgress,
            ReceivedAt = now,
            LeaseUntil = now + Lease,
        };

        WebhookDeliveryEntity? existing = null;
        for (var attempt = 0; existing is null; attempt++)
        {
            try
            {
                var added = await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                row.ETag = added.Headers.ETag ?? default;
                return new DeliveryStart.Started(row);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 409)
            {
                // Seen before: look at what the first delivery left. Gone again (its request was refused and released
                // it) means: insert once more.
                var found = await table.GetEntityIfExistsAsync<WebhookDeliveryEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
                existing = found.HasValue ? found.Value : null;
                if (existing is null && attempt >= 2)
                {
                    return new DeliveryStart.InProgress();
                }
            }
        }

        if (!string.Equals(existing.BodyHash, row.BodyHash, StringComparison.Ordinal) || !string.Equals(existing.Flow, flow, StringComparison.Ordinal))
        {
            return new DeliveryStart.Reused();
        }

        if (existing.Status == WebhookDeliveryStatus.Completed)
        {
            return new DeliveryStart.Answered(existing.ResponseStatus ?? 202, existing.ResponseBody ?? "{}", existing.EventId);
        }

        if (existing.LeaseUntil > now)
        {
            return new DeliveryStart.InProgress();
        }

        // Its request died without an answer: take the row over (ETag-guarded, so only one taker wins).
        existing.LeaseUntil = now + Lease;
        try
        {
            var updated = await table.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            existing.ETag = updated.Headers.ETag ?? default;
            return new DeliveryStart.Started(existing);
        }
        catch (RequestFailedException lost) when (lost.Status is 412 or 404)
        {
            return new DeliveryStart.InProgress();
        }
    }

    /// <summary>Stores the answer. If the lease was lost meanwhile, the taker stores the same answer (the inbox makes it so).</summary>
    public async Task CompleteAsync(WebhookDeliveryEntity row, int status, string body, string? eventId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.WebhookDeliveries, cancellationToken).ConfigureAwait(false);
        row.Status = WebhookDeliveryStatus.Completed;
        row.CompletedAt = time.GetUtcNow();
        row.ResponseStatus = status;
        row.ResponseBody = body;
        row.EventId = eventId;
        try
        {
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException lost) when (lost.Status is 412 or 404)
        {
            // Taken over after our lease ran out; the taker completes it.
        }
    }

    /// <summary>Removes the row of a refused request: a refusal leaves nothing but its audit entry.</summary>
    public async Task AbandonAsync(WebhookDeliveryEntity row, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.WebhookDeliveries, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(row, row.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException lost) when (lost.Status is 412 or 404)
        {
            // Taken over meanwhile: the taker decides.
        }
    }
}
