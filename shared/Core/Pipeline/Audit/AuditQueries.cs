using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Audit;

/// <summary>
/// What an operator asks the audit log. At most one of correlation id, entity or instance picks the index partition
/// read; the others narrow it. Times bound the entry's time (from inclusive, to exclusive).
/// </summary>
public sealed record AuditQuery(
    string Tenant,
    DateTimeOffset From,
    DateTimeOffset To,
    string? CorrelationId = null,
    string? EntityType = null,
    string? EntityId = null,
    string? Instance = null,
    int Take = 100,
    string? Continuation = null);

public sealed record AuditPage(IReadOnlyList<AuditEntity> Entries, string? Continuation);

/// <summary>
/// The audit log's indexes (table AuditIndex). The log itself is partitioned by tenant and day: good for "what
/// happened on Monday", a scan for "everything about correlation id X". So every entry is also written, whole, under
/// tenant|c|correlation id, tenant|e|entity type|entity id and tenant|i|instance|day, each with the log's own row key
/// (time first), at the same time as the entry. A question then reads one partition, in time order, without a join.
/// Cost: up to three more upserts per entry, in parallel with it.
/// </summary>
public sealed partial class AuditLog
{
    private const string ByCorrelation = "c";
    private const string ByEntity = "e";
    private const string ByInstance = "i";

    public async Task<AuditPage> QueryPageAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(query.Take, 1, 500);
        var low = TableKeys.OldestFirst(query.From);
        var high = TableKeys.OldestFirst(query.To);
        var (day, token) = ReadContinuation(query.Continuation);

        TableClient table;
        string[] partitions;
        if (query.CorrelationId is { } correlation)
        {
            table = await storage.TableAsync(HubTable.AuditIndex, cancellationToken).ConfigureAwait(false);
            partitions = [IndexPartition(query.Tenant, ByCorrelation, TableKeys.Escape(correlation))];
        }
        else if (query.EntityId is { } entityId)
        {
            table = await storage.TableAsync(HubTable.AuditIndex, cancellationToken).ConfigureAwait(false);
            partitions = [IndexPartition(query.Tenant, ByEntity, TableKeys.Escape(query.EntityType ?? ""), TableKeys.Escape(entityId))];
        }
        else if (query.Instance is { } instance)
        {
            table = await storage.TableAsync(HubTable.AuditIndex, cancellationToken).ConfigureAwait(false);
            partitions = Days(query.From, query.To).Select(d => IndexPartition(query.Tenant, ByInstance, TableKeys.Escape(instance), d)).ToArray();
        }
        else
        {
            table = await storage.TableAsync(HubTable.Audit, cancellationToken).ConfigureAwait(false);
            partitions = Days(query.From, query.To).Select(d => TableKeys.Join(TableKeys.Escape(query.Tenant), d)).ToArray();
        }

        var narrow = new List<string>();
        if (query.CorrelationId is not null && query.EntityId is { } id)
        {
            narrow.Add(TableClient.CreateQueryFilter($"EntityId eq {id}"));
        }

        if ((query.CorrelationId is not null || query.EntityId is not null) && query.Instance is { } only)
        {
            narrow.Add(TableClient.CreateQueryFilter($"Instance eq {only}"));
        }

        if (query.EntityType is { } type && query.EntityId is not null)
        {
            narrow.Add(TableClient.CreateQueryFilter($"EntityType eq {type}"));
        }

        var entries = new List<AuditEntity>();
        for (var p = Math.Max(0, day); p < partitions.Length; p++, token = null)
        {
            var filter = string.Join(" and ", narrow.Prepend(TableClient.CreateQueryFilter(
                $"PartitionKey eq {partitions[p]} and RowKey ge {low} and RowKey lt {high}")));
            await foreach (var page in table.QueryAsync<AuditEntity>(filter, take - entries.Count, cancellationToken: cancellationToken)
                .AsPages(token, take - entries.Count).ConfigureAwait(false))
            {
                entries.AddRange(page.Values);
                if (page.ContinuationToken is { } next)
                {
                    return new AuditPage(entries, WriteContinuation(p, next));
                }

                break;
            }

            if (entries.Count >= take && p + 1 < partitions.Length)
            {
                return new AuditPage(entries, WriteContinuation(p + 1, null));
            }
        }

        return new AuditPage(entries, null);
    }

    private static IEnumerable<AuditEntity> IndexCopies(AuditEntity entry)
    {
        if (entry.CorrelationId is { Length: > 0 } correlation)
        {
            yield return Copy(entry, IndexPartition(entry.Tenant, ByCorrelation, TableKeys.Escape(correlation)));
        }

        if (entry.EntityId is { Length: > 0 } entityId)
        {
            yield return Copy(entry, IndexPartition(entry.Tenant, ByEntity, TableKeys.Escape(entry.EntityType ?? ""), TableKeys.Escape(entityId)));
        }

        if (entry.Instance is { Length: > 0 } instance)
        {
            yield return Copy(entry, IndexPartition(entry.Tenant, ByInstance, TableKeys.Escape(instance), Day(entry.At)));
        }

    }

    private static string IndexPartition(string tenant, string kind, params string[] parts) =>
        TableKeys.Join([TableKeys.Escape(tenant), kind, .. parts]);

    private static AuditEntity Copy(AuditEntity entry, string partition) => new()
    {
        PartitionKey = partition, RowKey = entry.RowKey, Tenant = entry.Tenant, At = entry.At, Flow = entry.Flow, Outcome = entry.Outcome,
        Instance = entry.Instance, EntityType = entry.EntityType, EntityId = entry.EntityId, EventId = entry.EventId,
        CorrelationId = entry.CorrelationId, Reason = entry.Reason, Summary = entry.Summary, DurationMs = entry.DurationMs, Attempt = entry.Attempt, Actor = entry.Actor,
    };

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static IEnumerable<string> Days(DateTimeOffset from, DateTimeOffset to)
    {
        for (var day = from.UtcDateTime.Date; day <= to.UtcDateTime.Date && day <= from.UtcDateTime.Date.AddDays(366); day = day.AddDays(1))
        {
            yield return day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        }
    }

    private static string WriteContinuation(int partition, string? token) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(partition.ToString(CultureInfo.InvariantCulture) + " " + token));

    /// <summary>(partition index, the SDK's token); a token that is not ours starts from the beginning.</summary>
    public static bool TryReadContinuation(string? continuation) => continuation is null || ReadContinuation(continuation).Partition >= 0;

    private static (int Partition, string? Token) ReadContinuation(string? continuation)
    {
        if (continuation is null)
        {
            return (0, null);
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuation));
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return space > 0 && int.TryParse(text[..space], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                ? (p, text[(space + 1)..] is { Length: > 0 } t ? t : null)
                : (-1, null);
        }
        catch (FormatException)
        {
            return (-1, null);
        }
    }
}
