using System.Globalization;
using Azure;
using Microsoft.Extensions.Logging;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Pipeline.Retries;

/// <summary>What the poison watcher did with one poisoned message.</summary>
public sealed record PoisonOutcome(string Queue, int Generation, DateTimeOffset? DueAt, FailedSyncEntity? FailedSync, bool AlreadyHandled)
{
    public bool Retried => FailedSync is null;

    public override string ToString() => FailedSync is { } failed
        ? $"{Queue}: generation {Generation} recorded as failed sync ({failed.ReasonCode}){(AlreadyHandled ? ", already recorded" : "")}"
        : string.Create(CultureInfo.InvariantCulture, $"{Queue}: generation {Generation + 1} due at {DueAt:O}{(AlreadyHandled ? ", already re-enqueued" : "")}");
}

/// <summary>
/// The poison watcher of every storage queue the hub owns (docs/failures.md). A message the host gave up on
/// (maxDequeueCount quick retries) goes back on its source queue, hidden for the next delay of
/// <see cref="QueueRetrySchedule"/>, with its generation one higher; the queue's function then tries it again as if
/// new. Only a message that can never succeed (malformed, unknown tenant or instance) or that used up the schedule
/// becomes a failed sync, exactly once and with an audit entry. The re-enqueue is idempotent: a marker row per
/// (queue, poison message id, generation) is inserted after the copy is sent, and a redelivered poison message that
/// finds it (or loses the insert) deletes its own copy again. Only a process dying between the send and the insert
/// can leave two copies: the queues' consumers are idempotent, so that costs a second try, never a second effect.
/// </summary>
public sealed partial class PoisonedMessages(
    IEnumerable<IQueuedMessages> queues,
    HubStorage storage,
    FailedSyncStore failedSyncs,
    AuditLog audit,
    TimeProvider time,
    ILogger<PoisonedMessages> logger)
{
    public const string RetriesExhausted = "retries-exhausted";

    private readonly Dictionary<string, IQueuedMessages> _bySetting = queues.ToDictionary(q => q.QueueSetting, StringComparer.Ordinal);

    /// <summary>Every queue with a poison watcher.</summary>
    public IReadOnlyCollection<IQueuedMessages> Queues => _bySetting.Values;

    public IQueuedMessages QueueFor(string queueSetting) =>
        _bySetting.TryGetValue(queueSetting, out var queue)
            ? queue
            : throw new InvalidOperationException($"No retried queue is registered for the setting '{queueSetting}'.");

    /// <summary>Handles one message of <c>{queue}-poison</c>: back on the queue after its delay, or a failed sync.</summary>
    public async Task<PoisonOutcome> HandleAsync(string queueSetting, string body, string poisonMessageId, CancellationToken cancellationToken)
    {
        var queue = QueueFor(queueSetting);
        var message = queue.Read(body);
        var generation = RetryEnvelope.GenerationOf(body);
        if (message.CanSucceed && QueueRetrySchedule.DelayAfter(generation) is { } delay)
        {
            return await RetryAsync(queue, message, body, poisonMessageId, generation, delay, cancellationToken).ConfigureAwait(false);
        }

        var reason = message.Refusal ?? RetriesExhausted;
        var detail = message.RefusalDetail ?? string.Create(CultureInfo.InvariantCulture,
            $"Still failing after {generation} re-enqueues over {QueueRetrySchedule.Span.TotalHours:0.#} hours of the retry schedule, each after the host's own retries.");
        var origin = new FailedSyncOrigin(FailedSyncOriginKind.PoisonQueue, queue.QueueName, RetryGeneration: generation);
        var failed = await CaptureAsync(queue, message, RetryEnvelope.WithoutGeneration(body), poisonMessageId, reason, detail, origin, cancellationToken).ConfigureAwait(false);
        return new PoisonOutcome(queue.QueueName, generation, null, failed.Entity, !failed.Created);
    }

    /// <summary>
    /// Records a message of <paramref name="queue"/> that can never succeed as a failed sync at once (the queue's function
    /// calls this instead of failing five times into the poison queue). Exactly once per <paramref name="messageId"/>.
    /// </summary>
    public Task<(FailedSyncEntity Entity, bool Created)> RefuseAsync(
        IQueuedMessages queue, QueuedMessage message, string body, string messageId, int? dequeueCount, CancellationToken cancellationToken) =>
        CaptureAsync(queue, message, RetryEnvelope.WithoutGeneration(body), messageId, message.Refusal ?? QueuedMessage.Malformed,
            message.RefusalDetail ?? "The message cannot be processed.", new FailedSyncOrigin(FailedSyncOriginKind.Queue, queue.QueueName, dequeueCount, RetryGeneration: RetryEnvelope.GenerationOf(body)),
            cancellationToken);

    /// <summary>
    /// Whether a failed sync was captured from one of the hub's storage queues (then its replay puts the stored message
    /// back on that queue, and the queue's own function runs it again).
    /// </summary>
    public bool CanRequeue(FailedSyncEntity failed) =>
        failed.OriginKind is FailedSyncOriginKind.PoisonQueue or FailedSyncOriginKind.Queue
        && _bySetting.Values.Any(q => q.QueueName == failed.Origin);

    /// <summary>Puts a captured message back on its queue, visible at once, at generation 0: the schedule starts over.</summary>
    public async Task<string> RequeueAsync(FailedSyncEntity failed, string body, CancellationToken cancellationToken)
    {
        var queue = _bySetting.Values.First(q => q.QueueName == failed.Origin);
        var source = await storage.QueueAsync(queue.QueueName, cancellationToken).ConfigureAwait(false);
        await source.SendMessageAsync(RetryEnvelope.Restarted(body), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
        return $"put back on queue {queue.QueueName}: its function runs it again (should it fail again, it comes back as a new failed sync)";
    }

    private async Task<PoisonOutcome> RetryAsync(
        IQueuedMessages queue, QueuedMessage message, string body, string poisonMessageId, int generation, TimeSpan delay, CancellationToken cancellationToken)
    {
        var markers = await storage.TableAsync(HubTable.QueueRetries, cancellationToken).ConfigureAwait(false);
        var partition = TableKeys.Escape(queue.QueueName);
        var row = QueueRetryEntity.RowFor(poisonMessageId, generation);
        var seen = await markers.GetEntityIfExistsAsync<QueueRetryEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (seen.HasValue)
        {
            return new PoisonOutcome(queue.QueueName, generation, seen.Value!.DueAt, null, AlreadyHandled: true);
        }

        var source = await storage.QueueAsync(queue.QueueName, cancellationToken).ConfigureAwait(false);
        var copy = (await source.SendMessageAsync(
            RetryEnvelope.WithGeneration(body, generation + 1), visibilityTimeout: delay, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false)).Value;
        var dueAt = time.GetUtcNow() + delay;
        try
        {
            await markers.AddEntityAsync(
                new QueueRetryEntity
                {
                    PartitionKey = partition, RowKey = row, Generation = generation + 1, CopyMessageId = copy.MessageId, CopyPopReceipt = copy.PopReceipt,
                    DueAt = dueAt, Tenant = message.Tenant,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException conflict) when (conflict.Status == 409)
        {
            // A redelivery of the same poison message got there first: its copy stands, ours goes.
            await source.DeleteMessageAsync(copy.MessageId, copy.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            return new PoisonOutcome(queue.QueueName, generation, dueAt, null, AlreadyHandled: true);
        }

        LogRetried(logger, queue.QueueName, message.Tenant, generation + 1, delay);
        return new PoisonOutcome(queue.QueueName, generation, dueAt, null, AlreadyHandled: false);
    }

    private async Task<(FailedSyncEntity Entity, bool Created)> CaptureAsync(
        IQueuedMessages queue, QueuedMessage message, string body, string messageId, string reason, string detail, FailedSyncOrigin origin, CancellationToken cancellationToken)
    {
        var entityId = message.EntityId.Length > 0 ? message.EntityId : messageId;
        var failure = new FailedSync(
            message.Tenant, message.Instance, queue.Direction, queue.Flow, message.EntityType, entityId, messageId, reason, detail, message.CorrelationId, body, origin);
        var (entity, created) = await failedSyncs.CaptureAsync(failure, cancellationToken).ConfigureAwait(false);
        await audit.WriteAsync(
            new AuditEntry(message.Tenant, entity.FirstSeenAt, queue.Flow, "captured", Instance: message.Instance, EntityType: message.EntityType, EntityId: entityId,
                EventId: messageId, CorrelationId: message.CorrelationId, Reason: reason,
                Summary: $"message of queue {queue.QueueName} ({origin.Kind}) recorded as a failed sync for a person"),
            $"captured|{entity.PartitionKey}|{entity.RowKey}",
            cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogCaptured(logger, queue.QueueName, message.Tenant, reason);
        }

        return (entity, created);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Poisoned message of queue {Queue} ({Tenant}) re-enqueued as generation {Generation}, visible again in {Delay}")]
    private static partial void LogRetried(ILogger logger, string queue, string tenant, int generation, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message of queue {Queue} ({Tenant}) recorded as a failed sync for a person: {Reason}")]
    private static partial void LogCaptured(ILogger logger, string queue, string tenant, string reason);
}
