using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Polly;
using Polly.Retry;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PurchaseOrderReceipts;

// What has arrived per PO line, in table PurchaseOrderReceipts, one partition per (tenant, PO number), the same
// key as the PO's own partition in PurchaseOrders (which the outbound PO flow owns; this flow reads the PO through
// PurchaseOrderStore.FindLineAsync):
//   line|{line number:D6}            received and damaged so far, how many receipts
//   event|{instance}|{eventId}       "this receipt is counted", with what it gave

/// <summary>The running totals of one PO line.</summary>
public sealed class ReceivedLineEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public int LineNumber { get; set; }

    /// <summary>Every unit received on the line, good and damaged.</summary>
    public long Received { get; set; }

    public long Damaged { get; set; }

    public int Receipts { get; set; }

    public string? LastEventId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static string RowFor(int lineNumber) => PurchaseOrderLineEntity.RowFor(lineNumber);
}

/// <summary>Proof that one receipt event was counted, with the totals it produced (replayed on a second application).</summary>
public sealed class ReceiptMarkerEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Result { get; set; } = "{}";

    public DateTimeOffset AppliedAt { get; set; }

    public static string RowFor(string instance, string eventId) =>
        "event|" + TableKeys.Join(TableKeys.Escape(instance), TableKeys.Escape(eventId));
}

/// <summary>The line's totals before and after one receipt.</summary>
public sealed record ReceiptTotals(long ReceivedBefore, long ReceivedAfter, long DamagedAfter, int Receipts);

/// <summary>
/// Counts each receipt into its PO line exactly once: one transactional batch adds the event marker (409 = counted
/// already: its stored totals are returned) and writes the line's totals under their ETag (412 = another receipt of
/// the same line got there first: read again and retry). Receipts add up in any order, so a late receipt never
/// undoes a newer one.
/// </summary>
public sealed class ReceiptLedger(HubStorage storage, TimeProvider time)
{
    private static readonly ResiliencePipeline ConflictRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<ConcurrentReceiptException>(),
            MaxRetryAttempts = 10,
            Delay = TimeSpan.FromMilliseconds(5),
            MaxDelay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    public async Task<ReceiptTotals> CountAsync(
        string tenant, string instance, string eventId, string poNumber, int lineNumber, long received, long damaged, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.PurchaseOrderReceipts, cancellationToken).ConfigureAwait(false);
        var work = new ReceiptWork(this, table, PurchaseOrderHeaderEntity.PartitionFor(tenant, poNumber), instance, eventId, lineNumber, received, damaged);
        return await ConflictRetry.ExecuteAsync(static (w, ct) => w.Ledger.CountOnceAsync(w, ct), work, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ReceivedLineEntity?> GetLineAsync(string tenant, string poNumber, int lineNumber, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(HubTable.PurchaseOrderReceipts, cancellationToken).ConfigureAwait(false);
        var line = await table.GetEntityIfExistsAsync<ReceivedLineEntity>(
            PurchaseOrderHeaderEntity.PartitionFor(tenant, poNumber), ReceivedLineEntity.RowFor(lineNumber), cancellationToken: cancellationToken).ConfigureAwait(false);
        return line.HasValue ? line.Value : null;
    }

    private async ValueTask<ReceiptTotals> CountOnceAsync(ReceiptWork work, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var found = await work.Table.GetEntityIfExistsAsync<ReceivedLineEntity>(work.Partition, ReceivedLineEntity.RowFor(work.LineNumber), cancellationToken: cancellationToken).ConfigureAwait(false);
        var line = found.HasValue
            ? found.Value!
            : new ReceivedLineEntity { PartitionKey = work.Partition, RowKey = ReceivedLineEntity.RowFor(work.LineNumber), LineNumber = work.LineNumber };
        var totals = new ReceiptTotals(line.Received, line.Received + work.Received + work.Damaged, line.Damaged + work.Damaged, line.Receipts + 1);
        line.Received = totals.ReceivedAfter;
        line.Damaged = totals.DamagedAfter;
        line.Receipts = totals.Receipts;
        line.LastEventId = work.EventId;
        line.UpdatedAt = now;

        var marker = new ReceiptMarkerEntity
        {
            PartitionKey = work.Partition,
            RowKey = ReceiptMarkerEntity.RowFor(work.Instance, work.EventId),
            Result = JsonSerializer.Serialize(totals),
            AppliedAt = now,
        };
        TableTransactionAction[] actions =
        [
            new(TableTransactionActionType.Add, marker),
            found.HasValue ? new(TableTransactionActionType.UpdateReplace, line, line.ETag) : new(TableTransactionActionType.Add, line),
        ];

        try
        {
            await work.Table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return totals;
        }
        catch (TableTransactionFailedException failure) when (failure.Status == 409 && failure.FailedTransactionActionIndex == 0)
        {
            var counted = await work.Table.GetEntityAsync<ReceiptMarkerEntity>(marker.PartitionKey, marker.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<ReceiptTotals>(counted.Value.Result)!;
        }
        catch (TableTransactionFailedException failure) when (failure.Status is 409 or 412)
        {
            throw new ConcurrentReceiptException(failure);
        }
    }

    private sealed record ReceiptWork(
        ReceiptLedger Ledger, TableClient Table, string Partition, string Instance, string EventId, int LineNumber, long Received, long Damaged);
}

/// <summary>Another receipt of the same line committed between read and write; retried with a fresh read.</summary>
public sealed class ConcurrentReceiptException(Exception inner)
    : Exception("A PO line's receipt totals changed while a receipt was being counted.", inner);
