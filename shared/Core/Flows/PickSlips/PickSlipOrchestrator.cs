using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PickSlips;

/// <summary>What handling one event did, as stored: replays of the same event get exactly this back.</summary>
public sealed record PickSlipEventResult(
    PickSlipOutcome Outcome,
    PickSlipSnapshot? Slip,
    int Sequence,
    string Summary,
    string? FlagReason,
    string? StatusEvent,
    bool Replayed);

/// <summary>A slip whose deadline has passed, found through the deadline hints.</summary>
public sealed record DueSlip(string Tenant, string PickSlipId, DeadlineKind Kind, DateTimeOffset DueAt, string HintPartition, string HintRow);

/// <summary>
/// The durable pick-slip orchestration: every event for a slip is decided by <see cref="PickSlipMachine"/> and
/// committed in one batch in the slip's partition (event marker, history row, state row under its ETag), so an
/// event is handled exactly once, in order, and the slip's state can always be explained from its history.
/// Deadline and by-state hints live in their own tables, written before the state (a deadline can never be
/// missed) and checked against the slip when read (a stale hint is harmless).
/// </summary>
public sealed partial class PickSlipOrchestrator(
    HubStorage storage, StockReservations reservations, FailedSyncStore failedSyncs, TimeProvider time, ILogger<PickSlipOrchestrator> logger)
{
    private static readonly ResiliencePipeline ConflictRetry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<ConcurrentPickSlipUpdateException>(),
            MaxRetryAttempts = 15,
            Delay = TimeSpan.FromMilliseconds(4),
            MaxDelay = TimeSpan.FromMilliseconds(250),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();

    private readonly KeyedLock _slips = new();

    public async Task<PickSlipEventResult> ApplyAsync(
        string tenant, string pickSlipId, string source, string eventId, PickSlipCommand command,
        PickSlipDeadlines deadlines, string correlationId, CancellationToken cancellationToken)
    {
        var work = new Work(this, tenant, pickSlipId, source, eventId, command, deadlines, correlationId);
        using var serialized = await _slips.AcquireAsync([PickSlipEntity.PartitionFor(tenant, pickSlipId)], cancellationToken).ConfigureAwait(false);
        var result = await ConflictRetry.ExecuteAsync(static (w, ct) => w.Orchestrator.ApplyOnceAsync(w, ct), work, cancellationToken).ConfigureAwait(false);

        // What the slip still holds of each SKU, from its stored state: rewritten on replays too, so a failure
        // here (the caller retries the event) is repaired by the retry.
        if (result.Slip is { } slip)
        {
            var openBySku = slip.Lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Open), StringComparer.Ordinal);
            await reservations.SetReservationsAsync(slip.Tenant, slip.Warehouse, ReservationSource, slip.PickSlipId, openBySku, cancellationToken).ConfigureAwait(false);
        }

        // A flag is for a person: it goes to the failed-sync queue (again on a replay, which only counts an attempt).
        // Flags from the OMS side (a delivery that failed, a void the WMS refused) are already there, recorded by
        // the outbound flow with the message to replay.
        if (result.FlagReason is { } reason && source != "oms")
        {
            await failedSyncs.RecordAsync(
                new FailedSync(
                    tenant,
                    result.Slip?.Instance ?? (source.StartsWith("wms:", StringComparison.Ordinal) ? source[4..] : "_unrouted"),
                    source.StartsWith("wms:", StringComparison.Ordinal) ? FailedSyncDirection.WmsToOms : FailedSyncDirection.OmsToWms,
                    FlowName,
                    "pick-slip",
                    pickSlipId,
                    $"{source}|{eventId}",
                    reason,
                    result.Summary,
                    correlationId,
                    JsonSerializer.Serialize(new { source, eventId, @event = command.GetType().Name, command = (object)command }, PickSlipJson.Options)),
                cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>The flow name of the orchestration in failed syncs and the audit.</summary>
    public const string FlowName = "pickslips";

    /// <summary>The source name of pick-slip holds in the stock reservations.</summary>
    public const string ReservationSource = "pickslip";

    public async Task<PickSlipSnapshot?> GetAsync(string tenant, string pickSlipId, CancellationToken cancellationToken) =>
        (await ReadSlipAsync(await TableAsync(HubTable.PickSlips, cancellationToken).ConfigureAwait(false), tenant, pickSlipId, cancellationToken).ConfigureAwait(false))?.ToSnapshot();

    public async Task<IReadOnlyList<PickSlipHistoryEntity>> HistoryAsync(string tenant, string pickSlipId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(HubTable.PickSlips, cancellationToken).ConfigureAwait(false);
        var partition = PickSlipEntity.PartitionFor(tenant, pickSlipId);
        var history = new List<PickSlipHistoryEntity>();
        await foreach (var row in table.QueryAsync<PickSlipHistoryEntity>(
            h => h.PartitionKey == partition && h.RowKey.CompareTo(PickSlipHistoryEntity.RowPrefix) >= 0 && h.RowKey.CompareTo(TableKeys.PrefixEnd(PickSlipHistoryEntity.RowPrefix)) < 0,
            cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            history.Add(row);
        }

        return history;
    }

    /// <summary>Slips of a tenant in one state that entered it before <paramref name="enteredBefore"/>, oldest first.</summary>
    public async Task<IReadOnlyList<(PickSlipSnapshot Slip, DateTimeOffset EnteredAt)>> ListAsync(
        string tenant, PickSlipState state, DateTimeOffset enteredBefore, int take, CancellationToken cancellationToken)
    {
        var index = await TableAsync(HubTable.PickSlipsByState, cancellationToken).ConfigureAwait(false);
        var slips = await TableAsync(HubTable.PickSlips, cancellationToken).ConfigureAwait(false);
        var partition = PickSlipStateIndexEntity.PartitionFor(tenant, state);
        var upTo = TableKeys.OldestFirst(enteredBefore);
        var found = new List<(PickSlipSnapshot, DateTimeOffset)>();
        await foreach (var hint in index.QueryAsync<PickSlipStateIndexEntity>(
            h => h.PartitionKey == partition && h.RowKey.CompareTo(upTo) < 0, maxPerPage: take, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var slip = await ReadSlipAsync(slips, tenant, hint.PickSlipId, cancellationToken).ConfigureAwait(false);
            if (slip is not null && slip.State == state.ToString() && slip.StateEnteredAt == hint.EnteredAt)
            {
                found.Add((slip.ToSnapshot(), slip.StateEnteredAt));
            }
            else
            {
                await index.DeleteEntityAsync(hint.PartitionKey, hint.RowKey, ETag.All, cancellationToken).ConfigureAwait(false); // stale hint
            }

            if (found.Count == take)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Deadline hints due by <paramref name="now"/>, looking back <paramref name="lookbackDays"/> days.</summary>
    public async Task<IReadOnlyList<DueSlip>> FindDueAsync(DateTimeOffset now, int lookbackDays, int take, CancellationToken cancellationToken)
    {
        var hints = await TableAsync(HubTable.PickSlipDeadlines, cancellationToken).ConfigureAwait(false);
        var due = new List<DueSlip>();
        var upTo = TableKeys.OldestFirst(now) + "}";
        for (var day = now.AddDays(-lookbackDays); day.UtcDateTime.Date <= now.UtcDateTime.Date && due.Count < take; day = day.AddDays(1))
        {
            var partition = PickSlipDeadlineEntity.PartitionFor(day);
            await foreach (var hint in hints.QueryAsync<PickSlipDeadlineEntity>(
                h => h.PartitionKey == partition && h.RowKey.CompareTo(upTo) < 0, maxPerPage: take, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                due.Add(new DueSlip(hint.Tenant, hint.PickSlipId, Enum.Parse<DeadlineKind>(hint.Kind), hint.DueAt, hint.PartitionKey, hint.RowKey));
                if (due.Count == take)
                {
                    break;
                }
            }
        }

        return due;
    }

    public async Task ForgetDeadlineHintAsync(DueSlip due, CancellationToken cancellationToken)
    {
        var hints = await TableAsync(HubTable.PickSlipDeadlines, cancellationToken).ConfigureAwait(false);
        await hints.DeleteEntityAsync(due.HintPartition, due.HintRow, ETag.All, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PickSlipEventResult> ApplyOnceAsync(Work work, CancellationToken cancellationToken)
    {
        var table = await TableAsync(HubTable.PickSlips, cancellationToken).ConfigureAwait(false);
        var partition = PickSlipEntity.PartitionFor(work.Tenant, work.PickSlipId);
        var markerRow = PickSlipEventMarkerEntity.RowFor(work.Source, work.EventId);

        var marker = await table.GetEntityIfExistsAsync<PickSlipEventMarkerEntity>(partition, markerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (marker.HasValue)
        {
            return await ReplayAsync(table, work, marker.Value!.Sequence, cancellationToken).ConfigureAwait(false);
        }

        var stored = await ReadSlipAsync(table, work.Tenant, work.PickSlipId, cancellationToken).ConfigureAwait(false);
        var current = stored?.ToSnapshot();
        var now = time.GetUtcNow();
        var decision = PickSlipMachine.Decide(work.Tenant, work.PickSlipId, current, work.Command, now, work.Deadlines);
        if (stored is null && decision.Next is null)
        {
            // Nothing to hang the story on (an event for a slip the hub never saw): the caller flags it.
            return new PickSlipEventResult(decision.Outcome, null, 0, decision.Summary, decision.FlagReason, null, false);
        }

        var entity = stored ?? new PickSlipEntity { PartitionKey = partition };
        var sequence = entity.HistoryCount + 1;
        var next = decision.Next ?? current!;
        var stateChanged = current is null || next.State != current.State;
        var statusEvent = decision.StatusEvent is null ? null : StatusEvent(next, decision, sequence, work, now);

        var oldDeadline = current?.NextDeadline;
        var newDeadline = next.NextDeadline;
        if (newDeadline is { } upcoming && upcoming != oldDeadline)
        {
            await UpsertDeadlineHintAsync(work.Tenant, work.PickSlipId, upcoming, cancellationToken).ConfigureAwait(false);
        }

        var enteredAt = stateChanged ? now : entity.StateEnteredAt;
        if (stateChanged)
        {
            await UpsertStateHintAsync(work.Tenant, work.PickSlipId, next.State, enteredAt, cancellationToken).ConfigureAwait(false);
        }

        var previousState = stored is null ? (PickSlipState?)null : current!.State;
        var previousEnteredAt = entity.StateEnteredAt;
        entity.CopyFrom(next);
        entity.HistoryCount = sequence;
        entity.StateEnteredAt = enteredAt;

        var actions = new List<TableTransactionAction>
        {
            new(TableTransactionActionType.Add, new PickSlipEventMarkerEntity { PartitionKey = partition, RowKey = markerRow, Sequence = sequence }),
            new(TableTransactionActionType.Add, new PickSlipHistoryEntity
            {
                PartitionKey = partition,
                RowKey = PickSlipHistoryEntity.RowFor(sequence),
                Sequence = sequence,
                At = now,
                Source = work.Source,
                EventId = work.EventId,
                Event = work.Command.GetType().Name,
                Outcome = decision.Outcome.ToString(),
                FromState = previousState?.ToString(),
                ToState = next.State.ToString(),
                Summary = decision.Summary,
                FlagReason = decision.FlagReason,
                CorrelationId = work.CorrelationId,
                StatusEvent = statusEvent,
            }),
            stored is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, stored.ETag),
        };

        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException failure) when (failure.Status == 409 && failure.FailedTransactionActionIndex == 0)
        {
            var existing = await table.GetEntityAsync<PickSlipEventMarkerEntity>(partition, markerRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await ReplayAsync(table, work, existing.Value.Sequence, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException failure) when (failure.Status is 409 or 412)
        {
            throw new ConcurrentPickSlipUpdateException(failure);
        }

        // Old hints are only cleaned up after the commit; if this fails, they are found stale and dropped later.
        if (oldDeadline is { } old && old != newDeadline)
        {
            await DeleteHintAsync(HubTable.PickSlipDeadlines, PickSlipDeadlineEntity.PartitionFor(old.DueAt),
                PickSlipDeadlineEntity.RowFor(old.DueAt, work.Tenant, work.PickSlipId, old.Kind), cancellationToken).ConfigureAwait(false);
        }

        if (stateChanged && previousState is { } was)
        {
            await DeleteHintAsync(HubTable.PickSlipsByState, PickSlipStateIndexEntity.PartitionFor(work.Tenant, was),
                PickSlipStateIndexEntity.RowFor(previousEnteredAt, work.PickSlipId), cancellationToken).ConfigureAwait(false);
        }

        if (decision.FlagReason is not null)
        {
            LogFlagged(logger, work.Tenant, work.PickSlipId, decision.FlagReason, decision.Summary);
        }

        return new PickSlipEventResult(decision.Outcome, next, sequence, decision.Summary, decision.FlagReason, statusEvent, false);
    }

    private static async Task<PickSlipEventResult> ReplayAsync(TableClient table, Work work, int sequence, CancellationToken cancellationToken)
    {
        var partition = PickSlipEntity.PartitionFor(work.Tenant, work.PickSlipId);
        var history = (await table.GetEntityAsync<PickSlipHistoryEntity>(partition, PickSlipHistoryEntity.RowFor(sequence), cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var slip = await ReadSlipAsync(table, work.Tenant, work.PickSlipId, cancellationToken).ConfigureAwait(false);
        return new PickSlipEventResult(
            Enum.Parse<PickSlipOutcome>(history.Outcome), slip?.ToSnapshot(), sequence, history.Summary, history.FlagReason, history.StatusEvent, true);
    }

    private static string StatusEvent(PickSlipSnapshot slip, PickSlipDecision decision, int sequence, Work work, DateTimeOffset now)
    {
        var unreserve = work.Command is VoidedByWms wmsVoid ? wmsVoid.Unreserve : (bool?)null;
        var reason = work.Command switch
        {
            VoidedByWms v => v.ReasonCode,
            LinesBackordered b => b.ReasonCode,
            SlipVoidedByOms o => o.Reason,
            _ => null,
        };
        var data = new PickSlipStatusEvent(
            slip.PickSlipId, slip.OrderId, slip.Instance, slip.Warehouse, slip.State.Name(), decision.Summary, decision.FlagReason, reason, unreserve,
            slip.Lines.Select(l => new PickSlipLineStatus(
                l.Line, l.Sku, l.Ordered, l.Shipped, l.Voided, l.Backordered, l.Open,
                slip.Cartons.Where(c => c.TrackingNumber is not null && c.Contents.Any(x => x.Line == l.Line)).Select(c => c.TrackingNumber!).Distinct().ToArray())).ToArray(),
            slip.Cartons,
            slip.TrackingNumbers);
        return OmsEvent.Create(
            $"{slip.Tenant}/pickslips/{slip.PickSlipId}/{sequence.ToString(CultureInfo.InvariantCulture)}",
            $"/tenants/{slip.Tenant}/pickslips",
            decision.StatusEvent!,
            slip.PickSlipId,
            now,
            slip.Tenant,
            work.CorrelationId,
            data);
    }

    private async Task UpsertDeadlineHintAsync(string tenant, string pickSlipId, (DeadlineKind Kind, DateTimeOffset DueAt) deadline, CancellationToken cancellationToken)
    {
        var hints = await TableAsync(HubTable.PickSlipDeadlines, cancellationToken).ConfigureAwait(false);
        await hints.UpsertEntityAsync(
            new PickSlipDeadlineEntity
            {
                PartitionKey = PickSlipDeadlineEntity.PartitionFor(deadline.DueAt),
                RowKey = PickSlipDeadlineEntity.RowFor(deadline.DueAt, tenant, pickSlipId, deadline.Kind),
                Tenant = tenant,
                PickSlipId = pickSlipId,
                Kind = deadline.Kind.ToString(),
                DueAt = deadline.DueAt,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task UpsertStateHintAsync(string tenant, string pickSlipId, PickSlipState state, DateTimeOffset enteredAt, CancellationToken cancellationToken)
    {
        var hints = await TableAsync(HubTable.PickSlipsByState, cancellationToken).ConfigureAwait(false);
        await hints.UpsertEntityAsync(
            new PickSlipStateIndexEntity
            {
                PartitionKey = PickSlipStateIndexEntity.PartitionFor(tenant, state),
                RowKey = PickSlipStateIndexEntity.RowFor(enteredAt, pickSlipId),
                PickSlipId = pickSlipId,
                EnteredAt = enteredAt,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteHintAsync(HubTable table, string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            var hints = await TableAsync(table, cancellationToken).ConfigureAwait(false);
            await hints.DeleteEntityAsync(partition, row, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException failure)
        {
            LogHintNotDeleted(logger, failure, table);
        }
    }

    private static async Task<PickSlipEntity?> ReadSlipAsync(TableClient table, string tenant, string pickSlipId, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<PickSlipEntity>(
            PickSlipEntity.PartitionFor(tenant, pickSlipId), PickSlipEntity.SlipRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    private ValueTask<TableClient> TableAsync(HubTable table, CancellationToken cancellationToken) => storage.TableAsync(table, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pick slip {Tenant}/{PickSlipId} flagged {Reason}: {Summary}")]
    private static partial void LogFlagged(ILogger logger, string tenant, string pickSlipId, string reason, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "A stale {Table} hint could not be deleted now; it is dropped when next read")]
    private static partial void LogHintNotDeleted(ILogger logger, Exception failure, HubTable table);

    private sealed record Work(
        PickSlipOrchestrator Orchestrator, string Tenant, string PickSlipId, string Source, string EventId,
        PickSlipCommand Command, PickSlipDeadlines Deadlines, string CorrelationId);
}

/// <summary>The data of the OMS-bound status event: the slip as it now stands, with tracking per line.</summary>
public sealed record PickSlipStatusEvent(
    string PickSlipId,
    string OrderId,
    string Instance,
    string Warehouse,
    string State,
    string Summary,
    string? FlagReason,
    string? ReasonCode,
    bool? Unreserve,
    IReadOnlyList<PickSlipLineStatus> Lines,
    IReadOnlyList<PickSlipCarton> Cartons,
    IReadOnlyList<string> TrackingNumbers);

public sealed record PickSlipLineStatus(
    int Line, string Sku, long Ordered, long Shipped, long Voided, long Backordered, long Open, IReadOnlyList<string> TrackingNumbers);

public sealed class ConcurrentPickSlipUpdateException(Exception inner) : Exception("A pick slip changed while an event was being applied.", inner);
