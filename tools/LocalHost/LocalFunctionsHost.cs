using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace WmsFunctions.LocalHost;

/// <summary>What one invocation did, for tests and the console.</summary>
public sealed record InvocationRecord(
    string Function, string Payload, int Status, string Response, IReadOnlyList<(string Entity, string Body)> Sent, TimeSpan Duration);

/// <summary>
/// Plays the Functions host for the non-HTTP triggers: takes queue messages from Azurite, posts the host's exact
/// invocation to the handler, performs its Service Bus outputs (into the stand-in), deletes the message on 2xx,
/// and on failure lets it come back after host.json's visibilityTimeout, moving it to "{queue}-poison" after
/// maxDequeueCount, as the host does. Like the host's queue listener, a message is taken with a long visibility
/// (<see cref="ProcessingVisibility"/>) that is renewed at half-time while its invocation runs, so a slow invocation is
/// never handed out twice; a failed invocation, whatever the cause (an error answer, or no answer because the handler
/// died), releases the message after visibilityTimeout.
/// </summary>
public sealed class LocalFunctionsHost(FunctionApp app, HttpClient handler, QueueServiceClient queues, ServiceBusStandIn serviceBus, TimeProvider time)
{
    public const string HostVersion = "4.1042.0";

    /// <summary>The status of an invocation that got no answer (the handler refused the connection or reset it).</summary>
    public const int NoAnswer = 0;

    public event Action<InvocationRecord>? Invoked;

    /// <summary>How long a taken message stays hidden, renewed at half-time while it is processed (the host's 10 minutes).</summary>
    public TimeSpan ProcessingVisibility { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The status an invocation is recorded with when the handler answered 2xx but an output could not be sent.</summary>
    public const int OutputFailedStatus = 500;

    /// <summary>A poll of a function's queue failed (the handler or storage unreachable): the function's name and the error.</summary>
    public event Action<string, Exception>? PollFailed;

    /// <summary>
    /// Where the host's own lines go (failed polls, invocations without an answer, refused outputs): stderr, as the
    /// host's console; a fault scenario, which provokes thousands of them on purpose, keeps them for its report instead.
    /// </summary>
    public Action<string> Log { get; init; } = line => Console.Error.WriteLine(line);

    /// <summary>
    /// Invokes the function for every message visible on its queue (or Service Bus entity) now, until it is empty.
    /// A Service Bus message that fails comes back at once (abandoned) with its DeliveryCount one higher, so a
    /// message that keeps failing is invoked up to MaxDeliveryCount times and then dead-lettered, as by the host.
    /// </summary>
    public async Task<IReadOnlyList<InvocationRecord>> DrainAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = app[functionName];
        if (function.TriggerType == "serviceBusTrigger")
        {
            var all = new List<InvocationRecord>();
            while (await ReceiveOnceAsync(functionName, cancellationToken).ConfigureAwait(false) is { Count: > 0 } batch)
            {
                all.AddRange(batch);
            }

            return all;
        }

        var queue = QueueOf(function);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var records = new List<InvocationRecord>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(app.Host.BatchSize, ProcessingVisibility, cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                return records;
            }

            // Like the host: a batch (host.json batchSize) is processed concurrently.
            records.AddRange(await Task.WhenAll(batch.Select(message => ProcessAsync(function, queue, message, cancellationToken))).ConfigureAwait(false));
        }
    }

    /// <summary>Polls every queue-triggered function until cancelled, backing off to maxPollingInterval when idle.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(app.Functions.Where(f => f.TriggerType == "timerTrigger").Select(f => RunTimerAsync(f, cancellationToken)).Append(PollAsync(cancellationToken)));

    /// <summary>Invokes a timer-triggered function at every occurrence of its NCRONTAB schedule (UTC), as the host does.</summary>
    private async Task RunTimerAsync(FunctionFolder function, CancellationToken cancellationToken)
    {
        var schedule = Ncrontab.Parse((string)function.Trigger["schedule"]!);
        DateTime? last = null;
        var next = schedule.Next(time.GetUtcNow().UtcDateTime);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(next - time.GetUtcNow().UtcDateTime is { Ticks: > 0 } wait ? wait : TimeSpan.Zero, time, cancellationToken).ConfigureAwait(false);
                var now = time.GetUtcNow().UtcDateTime;
                var following = schedule.Next(now);
                var payload = HostPayloads.TimerTrigger(function.BindingName, function.Name, last, following, now - next > TimeSpan.FromMinutes(1), now);
                var started = time.GetTimestamp();
                var (status, response) = await InvokeAsync(function.Name, payload, cancellationToken).ConfigureAwait(false);
                Invoked?.Invoke(new InvocationRecord(function.Name, payload, status, response, [], time.GetElapsedTime(started)));
                (last, next) = (next, following);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                Log($"[host] {function.Name}: {error.Message}");
                next = schedule.Next(time.GetUtcNow().UtcDateTime);
            }
        }
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var idle = TimeSpan.FromMilliseconds(100);
        while (!cancellationToken.IsCancellationRequested)
        {
            var busy = false;
            foreach (var function in app.Functions.Where(f => f.TriggerType is "queueTrigger" or "serviceBusTrigger"))
            {
                try
                {
                    busy |= (await DrainAsync(function.Name, cancellationToken).ConfigureAwait(false)).Count > 0;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception error)
                {
                    PollFailed?.Invoke(function.Name, error);
                    Log($"[host] {function.Name}: {error.Message}");
                }
            }

            idle = busy ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, app.Host.MaxPollingInterval.Ticks));
            try
            {
                await Task.Delay(busy ? TimeSpan.Zero : idle, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One receive from a Service Bus-triggered function's entity (topic subscription or queue): every message
    /// visible now is invoked once, concurrently, with the host's exact payload. On 2xx the message is completed and
    /// the outputs sent; otherwise it is abandoned (visible again at once, DeliveryCount + 1), or dead-lettered when
    /// this was its MaxDeliveryCount-th delivery.
    /// </summary>
    public async Task<IReadOnlyList<InvocationRecord>> ReceiveOnceAsync(string functionName, CancellationToken cancellationToken)
    {
        var function = app[functionName];
        var entityPath = EntityPathOf(function);
        var queue = queues.GetQueueClient(ServiceBusStandIn.QueueFor(entityPath));
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var batch = (await queue.ReceiveMessagesAsync(app.Host.BatchSize, ProcessingVisibility, cancellationToken).ConfigureAwait(false)).Value;
        return await Task.WhenAll(batch.Select(message => ProcessServiceBusAsync(function, entityPath, queue, message, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>The entity path a Service Bus trigger reads.</summary>
    public static string EntityPathOf(FunctionFolder function) =>
        function.TriggerType == "serviceBusTrigger"
            ? ServiceBusStandIn.EntityPath((string?)function.Trigger["queueName"], (string?)function.Trigger["topicName"], (string?)function.Trigger["subscriptionName"])
            : throw new NotSupportedException($"{function.Name} is triggered by {function.TriggerType}, not Service Bus.");

    private async Task<InvocationRecord> ProcessServiceBusAsync(
        FunctionFolder function, string entityPath, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var envelope = JsonSerializer.Deserialize<StandInMessage>(message.Body.ToString())!;
        var payload = HostPayloads.ServiceBusTrigger(
            function.BindingName,
            function.Name,
            envelope.Body,
            envelope.MessageId,
            (int)message.DequeueCount,
            envelope.SequenceNumber,
            envelope.EnqueuedTimeUtc,
            envelope.CorrelationId,
            envelope.ContentType,
            envelope.Subject,
            envelope.ApplicationProperties ?? [],
            time.GetUtcNow().UtcDateTime);

        var (status, response, popReceipt) = await InvokeHoldingAsync(function.Name, payload, queue, message, cancellationToken).ConfigureAwait(false);
        var duration = time.GetElapsedTime(started);
        var sent = new List<(string, string)>();
        if (status is >= 200 and < 300 && !await TrySendOutputsAsync(function, response, sent, cancellationToken).ConfigureAwait(false))
        {
            status = OutputFailedStatus;
        }

        if (status is >= 200 and < 300)
        {
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        else if (message.DequeueCount >= ServiceBusStandIn.MaxDeliveryCount && !ServiceBusStandIn.IsDeadLetterPath(entityPath))
        {
            await serviceBus.EnqueueAsync(ServiceBusStandIn.DeadLetterPath(entityPath), ServiceBusStandIn.DeadLettered(envelope), cancellationToken).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // A dead-letter subqueue has no dead-letter queue of its own: past MaxDeliveryCount its message stays, and
            // here it waits a minute between tries so a watcher that keeps failing does not spin.
            var wait = message.DequeueCount >= ServiceBusStandIn.MaxDeliveryCount ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
            await queue.UpdateMessageAsync(message.MessageId, popReceipt, message.Body, wait, cancellationToken).ConfigureAwait(false);
        }

        var record = new InvocationRecord(function.Name, payload, status, response, sent, duration);
        Invoked?.Invoke(record);
        return record;
    }

    private QueueClient QueueOf(FunctionFolder function) =>
        function.TriggerType == "queueTrigger"
            ? queues.GetQueueClient((string)function.Trigger["queueName"]!)
            : throw new NotSupportedException($"{function.Name} is triggered by {function.TriggerType}; only queue triggers are polled here.");

    private async Task<InvocationRecord> ProcessAsync(FunctionFolder function, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var payload = HostPayloads.QueueTrigger(
            function.BindingName,
            function.Name,
            message.Body.ToString(),
            message.MessageId,
            message.DequeueCount,
            message.InsertedOn ?? time.GetUtcNow(),
            message.ExpiresOn ?? DateTimeOffset.MaxValue,
            message.NextVisibleOn ?? time.GetUtcNow(),
            message.PopReceipt,
            time.GetUtcNow().UtcDateTime);

        var (status, response, popReceipt) = await InvokeHoldingAsync(function.Name, payload, queue, message, cancellationToken).ConfigureAwait(false);
        var duration = time.GetElapsedTime(started);
        var sent = new List<(string, string)>();
        if (status is >= 200 and < 300 && !await TrySendOutputsAsync(function, response, sent, cancellationToken).ConfigureAwait(false))
        {
            status = OutputFailedStatus;
        }

        if (status is >= 200 and < 300)
        {
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        else if (message.DequeueCount >= app.Host.MaxDequeueCount)
        {
            var poison = queues.GetQueueClient(queue.Name + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
            await queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await queue.UpdateMessageAsync(message.MessageId, popReceipt, message.Body, app.Host.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        }

        var record = new InvocationRecord(function.Name, payload, status, response, sent, duration);
        Invoked?.Invoke(record);
        return record;
    }

    /// <summary>
    /// Invokes the function for a taken message while keeping the message hidden (renewed at half of
    /// <see cref="ProcessingVisibility"/>, as the host's listener does), and returns the answer with the message's
    /// current pop receipt. No answer at all (the handler is down) is a failed invocation with status
    /// <see cref="NoAnswer"/>, as the host fails an invocation whose worker died.
    /// </summary>
    private async Task<(int Status, string Response, string PopReceipt)> InvokeHoldingAsync(
        string functionName, string payload, QueueClient queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var lease = new Lease(message.PopReceipt);
        using var invoked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewAsync(queue, message, lease, invoked.Token);
        (int Status, string Response) answer;
        try
        {
            answer = await InvokeAsync(functionName, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception noAnswer) when (noAnswer is HttpRequestException or IOException || (noAnswer is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogNoAnswer(functionName, noAnswer.GetType().Name, noAnswer.Message);
            answer = (NoAnswer, "");
        }
        finally
        {
            await invoked.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
        }

        return (answer.Status, answer.Response, lease.PopReceipt);
    }

    private async Task RenewAsync(QueueClient queue, QueueMessage message, Lease lease, CancellationToken cancellationToken)
    {
        var interval = ProcessingVisibility / 2;
        while (true)
        {
            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
                var receipt = await queue.UpdateMessageAsync(message.MessageId, lease.PopReceipt, message.Body, ProcessingVisibility, cancellationToken).ConfigureAwait(false);
                lease.PopReceipt = receipt.Value.PopReceipt;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException gone) when (gone.Status is 400 or 404)
            {
                LogRenewFailed(queue.Name, message.MessageId, gone.Message);
                return; // the message was taken over or deleted: nothing left to hold
            }
            catch (Exception failure) when (failure is RequestFailedException or AggregateException or OperationCanceledException)
            {
                LogRenewFailed(queue.Name, message.MessageId, failure.Message); // storage hiccup: try again at the next interval
            }
        }
    }

    /// <summary>The pop receipt of a message being processed: each renewal hands out a new one.</summary>
    private sealed class Lease(string popReceipt)
    {
        public string PopReceipt { get; set; } = popReceipt;
    }

    private void LogNoAnswer(string function, string failure, string reason) =>
        Log($"[host] {function}: no answer from the handler ({failure}: {reason}); the invocation failed and the message comes back after visibilityTimeout");

    private void LogRenewFailed(string queue, string messageId, string reason) =>
        Log($"[host] {queue}: could not renew the visibility of message {messageId}: {reason}");

    /// <summary>
    /// Performs an answer's Service Bus outputs. When Service Bus refuses one (the stand-in's outage), the host counts
    /// the invocation as failed: the trigger message is not completed and comes back, as after a 500. Outputs sent
    /// before the failure stay sent (the host does not take them back either).
    /// </summary>
    private async Task<bool> TrySendOutputsAsync(FunctionFolder function, string response, List<(string, string)> sent, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var (entity, body) in OutputsOf(function, response))
            {
                await serviceBus.SendAsync(entity, body, cancellationToken).ConfigureAwait(false);
                sent.Add((entity, body));
            }

            return true;
        }
        catch (ServiceBusUnavailableException refused)
        {
            Log($"[host] {function.Name}: output failed, the invocation counts as failed: {refused.Message}");
            return false;
        }
    }

    /// <summary>POSTs an invocation exactly as the host's HTTP worker does.</summary>
    public async Task<(int Status, string Body)> InvokeAsync(string functionName, string payload, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + functionName)
        {
            Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("X-Azure-Functions-HostVersion", HostVersion);
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.UserAgent.ParseAdd("azure-functions-host/" + HostVersion);
        using var response = await handler.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The Service Bus messages an answer asks for: an array of strings is one message per element.</summary>
    public static IEnumerable<(string Entity, string Body)> OutputsOf(FunctionFolder function, string response)
    {
        using var document = JsonDocument.Parse(response);
        if (!document.RootElement.TryGetProperty("Outputs", out var outputs) || outputs.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }

        foreach (var binding in function.Outputs.Where(o => (string?)o["type"] == "serviceBus"))
        {
            if (!outputs.TryGetProperty((string)binding["name"]!, out var value))
            {
                continue;
            }

            var entity = (string?)binding["queueName"] ?? (string)binding["topicName"]!;
            if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            {
                throw new InvalidOperationException($"{function.Name}: Service Bus output '{binding["name"]}' must be an array of strings.");
            }

            foreach (var element in value.EnumerateArray())
            {
                yield return (entity, element.GetString()!);
            }
        }
    }
}
