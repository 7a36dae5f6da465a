using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.Reconciliation;

/// <summary>Where a reconciliation run stands (stored, and shown to operators, as its <see cref="RunStatuses.Name"/>).</summary>
public enum RunStatus
{
    /// <summary>Requested and on the queue; no attempt has started yet.</summary>
    Queued,

    /// <summary>An attempt is comparing the WMS's stock with the hub's.</summary>
    Running,

    /// <summary>The last attempt compared everything and wrote its report: a final state.</summary>
    Completed,

    /// <summary>The last attempt failed; the queue may run it again (a transient failure) or it stays failed.</summary>
    Failed,

    /// <summary>The instance cannot be reconciled (no Outbound BaseUrl, or its dialect lists no stock): a final state.</summary>
    NotSupported,
}

public static class RunStatuses
{
    /// <summary>Nothing more happens to the run: it completed, or the instance cannot be reconciled.</summary>
    public static bool IsFinal(this RunStatus status) => status is RunStatus.Completed or RunStatus.NotSupported;

    /// <summary>As stored and as the operator API spells it: queued, running, completed, failed, not-supported.</summary>
    public static string Name(this RunStatus status) => StateNames.Of(status);

    /// <summary>A status by its <see cref="Name"/>, exactly as stored.</summary>
    public static RunStatus Parse(string name) => StateNames.Parse<RunStatus>(name);
}

/// <summary>
/// One reconciliation run of one instance (table ReconciliationRuns, partition = tenant, row "run|{runId}"); run ids
/// start with newest-first ticks, so a partition scan lists the latest runs first. Counts are those of
/// <see cref="Attempt"/>, whose rows are the report.
/// </summary>
public sealed class ReconciliationRunEntity : ITableEntity
{
    public const string RowPrefix = "run|";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string RunId { get; set; } = "";

    public string Tenant { get; set; } = "";

    public string Instance { get; set; } = "";

    [IgnoreDataMember]
    public RunStatus Status { get; set; } = RunStatus.Queued;

    /// <summary>The column "Status", and the text operators and logs see: <see cref="Status"/> by its <see cref="RunStatuses.Name"/>.</summary>
    [DataMember(Name = nameof(Status))]
    public string StatusName
    {
        get => Status.Name();
        set => Status = RunStatuses.Parse(value);
    }

    /// <summary>"timer" or "operator".</summary>
    public string Trigger { get; set; } = "";

    public string RequestedBy { get; set; } = "";

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int Attempt { get; set; }

    /// <summary>The earliest as-of of the WMS's pages (figures were true from then on).</summary>
    public DateTimeOffset? AsOf { get; set; }

    public long Pages { get; set; }

    public long Compared { get; set; }

    public long Equal { get; set; }

    /// <summary>Every difference, including the ones only on one side.</summary>
    public long Different { get; set; }

    public long Flagged { get; set; }

    public long Corrected { get; set; }

    public long Unmapped { get; set; }

    public long OnlyInWms { get; set; }

    public long OnlyInHub { get; set; }

    /// <summary>Report rows of the final attempt (differences and unmapped WMS rows).</summary>
    public long Rows { get; set; }

    public bool TrustWms { get; set; }

    public long ToleranceUnits { get; set; }

    public double TolerancePercent { get; set; }

    /// <summary>"compared", "not-configured" (no OmsStock for the tenant) or "unavailable" (the OMS did not answer).</summary>
    public string OmsFigures { get; set; } = "not-configured";

    public string? Error { get; set; }

    public static string PartitionFor(string tenant) => TableKeys.Escape(tenant);

    public static string RowFor(string runId) => RowPrefix + runId;
}

/// <summary>An instance's last finished run (table ReconciliationRuns, row "latest|{instance}"): written here, read by the alerts.</summary>
public sealed class ReconciliationLatestEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string RunId { get; set; } = "";

    public DateTimeOffset FinishedAt { get; set; }

    public long Compared { get; set; }

    public long Flagged { get; set; }

    public long Corrected { get; set; }

    public const string RowPrefix = "latest|";

    public static string RowFor(string instance) => RowPrefix + TableKeys.Escape(instance);
}

/// <summary>
/// One line of a run's report (table ReconciliationRows, partition = tenant + run, row "row|{attempt}|{sequence}"):
/// a difference (hub, in flight, WMS, OMS figures and the last movements) or a WMS row the hub could not map.
/// </summary>
public sealed class ReconciliationRowEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>different, only-in-wms, only-in-hub or unmapped.</summary>
    public string Kind { get; set; } = "";

    public string? Warehouse { get; set; }

    public string? Area { get; set; }

    public string? Sku { get; set; }

    public string? WmsSku { get; set; }

    public string? WmsLocation { get; set; }

    public long? HubOnHand { get; set; }

    public long InFlight { get; set; }

    public long? HubAtAsOf { get; set; }

    public long? WmsOnHand { get; set; }

    public long Difference { get; set; }

    /// <summary>The OMS's figure for the SKU in the warehouse (all areas), where the OMS exposes it.</summary>
    public long? OmsOnHand { get; set; }

    public DateTimeOffset AsOf { get; set; }

    public bool Flagged { get; set; }

    public bool Corrected { get; set; }

    public string? CorrectionEventId { get; set; }

    /// <summary>unknown-location, location-of-another-instance, location-outside-warehouse, ... (unmapped rows).</summary>
    public string? Reason { get; set; }

    /// <summary>JSON: the SKU's last movements in the warehouse, newest first.</summary>
    public string? Movements { get; set; }

    public static string PartitionFor(string tenant, string runId) => TableKeys.Join(TableKeys.Escape(tenant), runId);

    public static string RowPrefixFor(int attempt) => "row|" + attempt.ToString("D3", CultureInfo.InvariantCulture) + "|";

    public static string RowFor(int attempt, long sequence) => RowPrefixFor(attempt) + sequence.ToString("D9", CultureInfo.InvariantCulture);
}

/// <summary>Run headers, report rows and the latest-run summary. Rows are written in batches of 100, read as a stream.</summary>
public sealed class ReconciliationStore(HubStorage storage)
{
    public const int BatchSize = 100;

    /// <summary>Newest-first ticks, then random: sorts latest first and cannot collide.</summary>
    public static string NewRunId(DateTimeOffset at) =>
        TableKeys.NewestFirst(at) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static readonly System.Buffers.SearchValues<char> Hex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public static bool IsRunId(string? value) =>
        value is { Length: 28 } && value[19] == '-' && value.AsSpan(0, 19).IndexOfAnyExceptInRange('0', '9') < 0
        && value.AsSpan(20).IndexOfAnyExcept(Hex) < 0;

    public async Task AddAsync(ReconciliationRunEntity run, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        await table.AddEntityAsync(run, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReconciliationRunEntity?> GetAsync(string tenant, string runId, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        var found = await table.GetEntityIfExistsAsync<ReconciliationRunEntity>(
            ReconciliationRunEntity.PartitionFor(tenant), ReconciliationRunEntity.RowFor(runId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Replaces the header under its ETag (412 = another attempt moved it: the caller stops).</summary>
    public async Task SaveAsync(ReconciliationRunEntity run, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        var response = await table.UpdateEntityAsync(run, run.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        run.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>The latest runs of a tenant (optionally of one instance), newest first.</summary>
    public async Task<IReadOnlyList<ReconciliationRunEntity>> ListAsync(string tenant, string? instance, int take, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        var partition = ReconciliationRunEntity.PartitionFor(tenant);
        var low = ReconciliationRunEntity.RowPrefix;
        var high = TableKeys.PrefixEnd(low);
        var filter = instance is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {low} and RowKey lt {high} and Instance eq {instance}");
        var runs = new List<ReconciliationRunEntity>(take);
        await foreach (var run in table.QueryAsync<ReconciliationRunEntity>(filter, maxPerPage: take, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            runs.Add(run);
            if (runs.Count == take)
            {
                break;
            }
        }

        return runs;
    }

    public async Task WriteRowsAsync(IReadOnlyList<ReconciliationRowEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var table = await storage.TableAsync(HubTable.ReconciliationRows, cancellationToken).ConfigureAwait(false);
        foreach (var chunk in rows.Chunk(BatchSize))
        {
            await table.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The report of a run's final attempt, in order, streamed from the table.</summary>
    public async IAsyncEnumerable<ReconciliationRowEntity> RowsAsync(
        string tenant, ReconciliationRunEntity run, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRows, cancellationToken).ConfigureAwait(false);
        var partition = ReconciliationRowEntity.PartitionFor(tenant, run.RunId);
        var low = ReconciliationRowEntity.RowPrefixFor(run.Attempt);
        var high = TableKeys.PrefixEnd(low);
        await foreach (var row in table.QueryAsync<ReconciliationRowEntity>(
            r => r.PartitionKey == partition && r.RowKey.CompareTo(low) >= 0 && r.RowKey.CompareTo(high) < 0,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return row;
        }
    }

    /// <summary>
    /// Each instance's last finished run of a tenant, as the alerts read it: the instance as its row key holds it
    /// (escaped), with the run's figures.
    /// </summary>
    public async IAsyncEnumerable<(string Instance, ReconciliationLatestEntity Latest)> LatestAsync(
        string tenant, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        var partition = ReconciliationRunEntity.PartitionFor(tenant);
        var low = ReconciliationLatestEntity.RowPrefix;
        var high = TableKeys.PrefixEnd(low);
        await foreach (var latest in table.QueryAsync<ReconciliationLatestEntity>(
            r => r.PartitionKey == partition && r.RowKey.CompareTo(low) >= 0 && r.RowKey.CompareTo(high) < 0, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return (latest.RowKey[low.Length..], latest);
        }
    }

    /// <summary>The contract the alerts read (<see cref="LatestAsync"/>): one row per instance with its last finished run's figures.</summary>
    public async Task WriteLatestAsync(ReconciliationRunEntity run, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.ReconciliationRuns, cancellationToken).ConfigureAwait(false);
        await table.UpsertEntityAsync(
            new ReconciliationLatestEntity
            {
                PartitionKey = ReconciliationRunEntity.PartitionFor(run.Tenant),
                RowKey = ReconciliationLatestEntity.RowFor(run.Instance),
                RunId = run.RunId,
                FinishedAt = run.FinishedAt ?? run.RequestedAt,
                Compared = run.Compared,
                Flagged = run.Flagged,
                Corrected = run.Corrected,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }
}
