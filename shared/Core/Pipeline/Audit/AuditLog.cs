using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Audit;

/// <summary>
/// One thing that happened, for people to read later. Never a payload with personal data: codes, ids and a
/// short summary only.
/// </summary>
public sealed record AuditEntry(
    string Tenant,
    DateTimeOffset At,
    string Flow,
    string Outcome,
    string? Instance = null,
    string? EntityType = null,
    string? EntityId = null,
    string? EventId = null,
    string? CorrelationId = null,
    string? Reason = null,
    string? Summary = null,
    double? DurationMs = null,
    int? Attempt = null,
    string? Actor = null);

/// <summary>Audit rows: one partition per tenant and UTC day, oldest first inside it.</summary>
public sealed class AuditEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Tenant { get; set; } = "";

    public DateTimeOffset At { get; set; }

    public string Flow { get; set; } = "";

    public string Outcome { get; set; } = "";

    public string? Instance { get; set; }

    public string? EntityType { get; set; }

    public string? EntityId { get; set; }

    public string? EventId { get; set; }

    public string? CorrelationId { get; set; }

    public string? Reason { get; set; }

    public string? Summary { get; set; }

    public double? DurationMs { get; set; }

    /// <summary>Which attempt of a delivery this entry records (1 the first time), where there are attempts.</summary>
    public int? Attempt { get; set; }

    /// <summary>The person (operator identity) who did it, for operator actions.</summary>
    public string? Actor { get; set; }

    public static string PartitionFor(string tenant, DateTimeOffset at) =>
        TableKeys.Join(TableKeys.Escape(tenant), at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));
}

public sealed partial class AuditLog(HubStorage storage, ILogger<AuditLog> logger)
{
    /// <summary>Tenant used for refusals before the caller proved which tenant it is ('_' never starts a tenant id).</summary>
    public const string UnauthenticatedTenant = "_unauthenticated";

    /// <summary>
    /// Writes the entry under a key made of its time and <paramref name="uniqueKey"/>: writing the same
    /// happening twice (a retried relay, say) leaves one row.
    /// </summary>
    public async Task WriteAsync(AuditEntry entry, string uniqueKey, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Audit, cancellationToken).ConfigureAwait(false);
        var index = await storage.TableAsync(HubTable.AuditIndex, cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(entry, uniqueKey);

        // The entry and its index copies (by correlation id, entity, instance) in one go: same row key, upserts, so a
        // retried write leaves one of each (see AuditQueries).
        await Task.WhenAll(IndexCopies(entity).Select(copy => index.UpsertEntityAsync(copy, TableUpdateMode.Replace, cancellationToken))
            .Append(table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// For refusals: losing the audit row must not change the caller's answer, so failures are logged, not thrown:
    /// storage answering an error, unreachable (the SDK's AggregateException after its retries) or stalled past the
    /// request's deadline (a 401 stays a 401, not a 500 or a 503).
    /// </summary>
    public async Task TryWriteAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(entry, Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is RequestFailedException or OperationCanceledException || StorageFailures.IsOutage(failure))
        {
            LogWriteFailed(logger, failure, entry.Flow, entry.Outcome, entry.Tenant);
        }
    }

    /// <summary>Entries of one tenant between two times, oldest first.</summary>
    public async Task<IReadOnlyList<AuditEntity>> QueryAsync(
        string tenant, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.Audit, cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntity>();
        for (var day = from.UtcDateTime.Date; day <= to.UtcDateTime.Date; day = day.AddDays(1))
        {
            var partition = AuditEntity.PartitionFor(tenant, new DateTimeOffset(day, TimeSpan.Zero));
            var low = TableKeys.OldestFirst(from);
            var high = TableKeys.OldestFirst(to) + "}";
            await foreach (var entry in table.QueryAsync<AuditEntity>(
                e => e.PartitionKey == partition && e.RowKey.CompareTo(low) >= 0 && e.RowKey.CompareTo(high) < 0,
                cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entry);
            }
        }

        return entries;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry {Flow}/{Outcome} for tenant {Tenant} could not be written")]
    private static partial void LogWriteFailed(ILogger logger, Exception failure, string flow, string outcome, string tenant);

    private static AuditEntity ToEntity(AuditEntry entry, string uniqueKey) => new()
    {
        PartitionKey = AuditEntity.PartitionFor(entry.Tenant, entry.At),
        RowKey = TableKeys.Join(TableKeys.OldestFirst(entry.At), TableKeys.Escape(uniqueKey)),
        Tenant = entry.Tenant,
        At = entry.At,
        Flow = entry.Flow,
        Outcome = entry.Outcome,
        Instance = entry.Instance,
        EntityType = entry.EntityType,
        EntityId = entry.EntityId,
        EventId = entry.EventId,
        CorrelationId = entry.CorrelationId,
        Reason = entry.Reason,
        Summary = entry.Summary,
        DurationMs = entry.DurationMs,
        Attempt = entry.Attempt,
        Actor = entry.Actor,
    };
}
