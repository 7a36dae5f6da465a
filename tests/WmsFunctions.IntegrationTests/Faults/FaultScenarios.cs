using System.Text.Json;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Faults.Support;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Delivery;

namespace WmsFunctions.IntegrationTests.Faults;

/// <summary>How big and how long: the test suite runs <see cref="Suite"/>, ./bench.sh --soak runs <see cref="Soak"/>.</summary>
internal sealed record FaultScale(
    string Name, int Events, TimeSpan StoragePause, int ServiceBusEvents, TimeSpan ServiceBusOutage, int PickSlips, TimeSpan WmsOutage, TimeSpan SettleLimit)
{
    /// <summary>How long the WMS keeps retrying an event before it gives up (then counted as never acknowledged).</summary>
    public TimeSpan StormLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a stand-in host hides the messages it takes, renewed at half-time while their invocation runs: the
    /// host's 10 minutes in the soak; 1 minute in the suite. When Azurite stalls, a receive can time out in the client
    /// after the emulator has already hidden its batch (seen: 2 outbox messages of 1,000, 4 polls timed out); the host
    /// would get them back after 10 minutes, later than the suite's settle window. Compressed, they come back in it.
    /// </summary>
    public TimeSpan HostVisibility { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Sized for ./test.sh on a 2-core machine: a 1,000-event storm; Azurite frozen 10 s; Service Bus refusing 45 s
    /// (beyond today's poison threshold, maxDequeueCount 5 x visibilityTimeout 5 s = 25 s) during a 300-event storm,
    /// small enough that the relay comes back to each message every few seconds and so crosses the threshold;
    /// 30 pick slips while the WMS fails 30 s. After the fault and the storm's last answer, up to 3 minutes to recover:
    /// a scenario ends as soon as everything is published, so the limit costs only a failing run its time, and it
    /// covers the first step of the poison retry schedule (1 minute) and a loaded machine's slow relay, while a
    /// message hidden for 10 minutes or poisoned for good still fails it.
    /// </summary>
    public static FaultScale Suite { get; } = new(
        "suite", 1_000, TimeSpan.FromSeconds(10), 300, TimeSpan.FromSeconds(45), 30, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3));

    /// <summary>The same scenarios, longer: 5,000-event storms, outages of minutes, 15 minutes to recover.</summary>
    public static FaultScale Soak { get; } = new(
        "soak", 5_000, TimeSpan.FromSeconds(30), 2_000, TimeSpan.FromMinutes(3), 200, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(15))
    {
        StormLimit = TimeSpan.FromMinutes(30),
        HostVisibility = TimeSpan.FromMinutes(10),
    };
}

/// <summary>
/// The fault-injection scenarios (issue 15, item 7), each ending with its <see cref="FaultFigures"/>: the tests in
/// FaultInjectionTests assert them, ./bench.sh --soak prints them (the bench compiles this file and Support/ too). The handler runs as separate OS
/// processes against an Azurite of the scenario's own; the local host stand-in drives its queue triggers.
/// </summary>
internal static class FaultScenarios
{
    public static IReadOnlyList<(string Name, Func<FaultScale, CancellationToken, Task<FaultFigures>> Run)> All { get; } =
    [
        ("handler killed mid-storm", HandlerKilledAsync),
        ("Azurite paused mid-storm", StoragePausedAsync),
        ("Service Bus output down", ServiceBusOutageAsync),
        ("WMS 500/429 during pick slips", WmsOutageAsync),
        ("two handlers, one storm", TwoHandlersAsync),
    ];

    /// <summary>SIGKILL of the only handler when 30% of the storm is delivered, restarted 1 s later.</summary>
    public static Task<FaultFigures> HandlerKilledAsync(FaultScale scale, CancellationToken cancellationToken) =>
        StormAsync("handler killed mid-storm", "kill", scale, handlers: 1, async (hub, driver, storm) =>
        {
            await driver.WhenDeliveredAsync(storm.Deliveries.Count * 3 / 10, cancellationToken);
            var acknowledged = driver.Acknowledged.Count;
            await hub.Handlers[0].KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await hub.Handlers[0].StartAsync();
            return $"killed (SIGKILL) after {acknowledged} acknowledged, restarted";
        }, cancellationToken);

    /// <summary>Azurite frozen (SIGSTOP) when 30% of the storm is delivered, thawed (SIGCONT) after the pause.</summary>
    public static Task<FaultFigures> StoragePausedAsync(FaultScale scale, CancellationToken cancellationToken) =>
        StormAsync("Azurite paused mid-storm", "pause", scale, handlers: 1, async (hub, driver, storm) =>
        {
            await driver.WhenDeliveredAsync(storm.Deliveries.Count * 3 / 10, cancellationToken);
            hub.Azurite.Pause();
            try
            {
                await Task.Delay(scale.StoragePause, cancellationToken);
            }
            finally
            {
                hub.Azurite.Resume();
            }

            return $"Azurite frozen {scale.StoragePause.TotalSeconds:0} s";
        }, cancellationToken);

    /// <summary>Every Service Bus send refused for longer than the poison threshold, from 30% of the storm on.</summary>
    public static Task<FaultFigures> ServiceBusOutageAsync(FaultScale scale, CancellationToken cancellationToken) =>
        StormAsync("Service Bus output down", "sbdown", scale with { Events = scale.ServiceBusEvents }, handlers: 1, async (hub, driver, storm) =>
        {
            await driver.WhenDeliveredAsync(storm.Deliveries.Count * 3 / 10, cancellationToken);
            // The outage lasts its length and at least until one message has used up the host's quick retries (a loaded
            // machine polls more slowly, so a fixed length alone may not reach the poison threshold), at most 4x its length.
            var started = DateTimeOffset.UtcNow;
            var threshold = hub.FunctionApp.Host.MaxDequeueCount;
            hub.ServiceBus.FailSendsUntil(started + 4 * scale.ServiceBusOutage);
            await Task.Delay(scale.ServiceBusOutage, cancellationToken);
            while (hub.MaxDeliveries < threshold && DateTimeOffset.UtcNow - started < 4 * scale.ServiceBusOutage)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }

            hub.ServiceBus.FailSendsUntil(DateTimeOffset.UtcNow);
            return $"Service Bus refused {hub.ServiceBus.RefusedSends} sends over {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s";
        }, cancellationToken, mustOutlast: hub => hub.FunctionApp.Host.MaxDequeueCount);

    /// <summary>
    /// Two handler processes (each with its own stand-in host) over one storage account; the storm alternates between
    /// them and a duplicate sent right after its first delivery goes to the other one. No fault but the race.
    /// </summary>
    public static Task<FaultFigures> TwoHandlersAsync(FaultScale scale, CancellationToken cancellationToken) =>
        StormAsync("two handlers, one storm", "two", scale, handlers: 2, async (_, driver, storm) =>
        {
            // No fault but the race: "recovery" is the outbox's lag after the storm's last answer.
            await driver.WhenDeliveredAsync(storm.Deliveries.Count, cancellationToken);
            return "storm split across 2 processes";
        }, cancellationToken);

    private static async Task<FaultFigures> StormAsync(
        string name, string prefix, FaultScale scale, int handlers, Func<FaultHub, StormDriver, Storm, Task<string>> fault, CancellationToken cancellationToken,
        Func<FaultHub, int>? mustOutlast = null)
    {
        var started = Clock.Now;
        var storm = Storm.Create(prefix, scale.Events);
        await using var hub = await FaultHub.StartAsync(handlers, storm.Skus, scale.HostVisibility);
        hub.Run();
        var driver = new StormDriver(hub.Handlers.Select(h => h.Url).ToList(), hub.ApiKey) { Deadline = scale.StormLimit };
        var sending = driver.RunAsync(storm, cancellationToken);
        using var progress = Progress.Start(name, started, hub, driver);
        var notes = await fault(hub, driver, storm);
        var faultEnded = DateTimeOffset.UtcNow;
        await sending;

        // Settled: every acknowledged event on the OMS topic and the outbox queue empty (nothing hidden either).
        var expected = storm.Events.Where(e => driver.Acknowledged.ContainsKey(e.EventId)).ToList();
        var settleBy = DateTimeOffset.UtcNow + scale.SettleLimit; // from the storm's end (or the fault's, if later)
        var (pending, poisoned) = (0, 0);
        while (true)
        {
            (pending, poisoned) = await hub.OutboxAsync();
            if ((pending == 0 && expected.All(e => hub.Published.Contains(e.CloudEventId))) || DateTimeOffset.UtcNow > settleBy)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await hub.Published.DrainAsync(cancellationToken); // late republications count too
        (pending, poisoned) = await hub.OutboxAsync();

        var reading = await StormLedger.ReadAsync(hub, storm, cancellationToken);
        var published = hub.Published.Ids;
        var ids = storm.Events.Select(e => e.CloudEventId).ToHashSet(StringComparer.Ordinal);
        var finishedAt = expected.Select(e => driver.Acknowledged[e.EventId])
            .Concat(expected.Where(e => published.ContainsKey(e.CloudEventId)).Select(e => published[e.CloudEventId].FirstSent))
            .DefaultIfEmpty(faultEnded).Max();
        var expectedStock = storm.ExpectedStock();
        var figures = new FaultFigures
        {
            Scenario = name,
            Events = storm.Events.Count,
            Deliveries = storm.Deliveries.Count,
            Attempts = driver.Attempts,
            NoAnswer = driver.NoAnswer,
            Statuses = string.Join(' ', driver.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}")),
            Acknowledged = driver.Acknowledged.Count,
            Unacknowledged = storm.Events.Count - driver.Acknowledged.Count,
            Lost = expected.Count(e => !reading.AppliedInInbox.Contains(e.EventId) || !reading.MovementsPerEvent.ContainsKey(e.EventId)),
            AppliedTwice = reading.MovementsPerEvent.Count(m => m.Value > 1),
            StockMismatches = storm.Skus.Count(sku => reading.Stock[sku] != expectedStock.GetValueOrDefault(sku)),
            Published = hub.Published.Total,
            DistinctPublished = hub.Published.Distinct,
            Unpublished = expected.Count(e => !published.ContainsKey(e.CloudEventId)),
            Unexpected = published.Keys.Count(id => !ids.Contains(id)),
            Poisoned = poisoned,
            Pending = pending,
            FailedInvocations = hub.FailedInvocations,
            MaxDeliveries = hub.MaxDeliveries,
            RequiredDeliveries = mustOutlast?.Invoke(hub) ?? 0,
            PollFailures = hub.PollFailures,
            Recovery = finishedAt > faultEnded ? finishedAt - faultEnded : TimeSpan.Zero,
            Duration = Clock.Since(started),
            Notes = notes + (driver.Refused.Count > 0 ? $"; refused {driver.Refused.Count}, e.g. {driver.Refused.First()}" : ""),
        };
        return Finish(figures, hub);
    }

    /// <summary>
    /// OMS -> WMS: pick slips sent to the PickSlipOut topic while the WMS answers 500 and 429 (Retry-After: 1)
    /// for the outage, then 200. Every pick slip must reach the WMS and be accepted exactly once (by its messageId),
    /// without a person's help.
    /// </summary>
    public static async Task<FaultFigures> WmsOutageAsync(FaultScale scale, CancellationToken cancellationToken)
    {
        const string Name = "WMS 500/429 during pick slips";
        var started = Clock.Now;
        await using var wms = await LoopbackWms.StartAsync("east");
        var outageUntil = DateTimeOffset.MaxValue;
        var failures = 0;
        wms.Fault = () =>
        {
            if (DateTimeOffset.UtcNow >= outageUntil)
            {
                return null;
            }

            return Interlocked.Increment(ref failures) % 2 == 0 ? Reply.TooManyRequests(1) : new Reply(500, "down", "text/plain");
        };
        var e = $"Hub:Tenants:{FaultHub.Tenant}:Instances:{FaultHub.Instance}:";
        await using var hub = await FaultHub.StartAsync(1, [], scale.HostVisibility, values =>
        {
            values[e + "Adapter"] = "hub-json";
            values[e + "Outbound:BaseUrl"] = wms.BaseUrl;
            values[e + "Outbound:Auth:Scheme"] = OutboundAuthOptions.ApiKeyScheme;
            values[e + "Outbound:Auth:ApiKeySetting"] = "WMS_FAULT_EAST_KEY";
            values["WMS_FAULT_EAST_KEY"] = "key-" + Guid.NewGuid().ToString("N");
            values[e + "Outbound:Warehouses:DC1"] = "EAST";
            values[e + "Outbound:Units:EA"] = "EACH";
            values[e + "Outbound:Carriers:UPS"] = "UPSN";
            values[e + "Outbound:Services:GROUND"] = "GND";
            values[e + "Outbound:Flows:0"] = PickSlipOutFlow.Name;
            // The production policy's shape, its delays compressed about tenfold so minutes fit in tens of seconds.
            values[e + "Outbound:Resilience:BaseDelay"] = "00:00:00.100";
            values[e + "Outbound:Resilience:MaxDelay"] = "00:00:01";
            values[e + "Outbound:Resilience:MaxRetryAfter"] = "00:00:02";
            values[e + "Outbound:Resilience:AttemptTimeout"] = "00:00:02";
            values[e + "Outbound:Resilience:TotalTimeout"] = "00:00:05";
            values[e + "Outbound:Resilience:SamplingDuration"] = "00:00:03";
            values[e + "Outbound:Resilience:BreakDuration"] = "00:00:03";
            // A delivery that finds the WMS down waits on the hub's retry queue: 3 s instead of 30 s, compressed alike.
            values[WmsDeliveryRetryOptions.FirstDelaySetting] = "00:00:03";
        });
        var function = hub.FunctionApp["PickSlipOut"];
        var topic = (string)function.Trigger["topicName"]!;
        var subscription = LocalFunctionsHost.EntityPathOf(function);
        var retryQueue = hub.Settings[WmsDeliveryRetryOptions.QueueSetting]!;

        outageUntil = DateTimeOffset.UtcNow + scale.WmsOutage;
        var ids = Enumerable.Range(1, scale.PickSlips).Select(i => $"ps-fault-{i:D4}").ToList();
        foreach (var id in ids)
        {
            await hub.ServiceBus.SendAsync(topic, PickSlipEvent(id), cancellationToken);
        }

        hub.Run();
        await Task.Delay(outageUntil - DateTimeOffset.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero, cancellationToken);
        var faultEnded = DateTimeOffset.UtcNow;

        var settleBy = DateTimeOffset.UtcNow + scale.SettleLimit;
        Dictionary<string, int> accepted;
        int pending;
        while (true)
        {
            accepted = Accepted(wms);
            pending = await hub.QueueLengthAsync(ServiceBusStandIn.QueueFor(subscription)) + await hub.QueueLengthAsync(retryQueue);
            if ((pending == 0 && ids.All(accepted.ContainsKey)) || DateTimeOffset.UtcNow > settleBy)
            {
                break;
            }

            await Task.Delay(500, cancellationToken);
        }

        var lastAccepted = wms.Answers.Where(a => a.Status is >= 200 and < 300).Select(a => a.Request.At).DefaultIfEmpty(DateTimeOffset.UtcNow).Max();
        var deadLettered = await hub.QueueLengthAsync(ServiceBusStandIn.QueueFor(ServiceBusStandIn.DeadLetterPath(subscription)))
            + await hub.QueueLengthAsync(retryQueue + "-poison");
        var recovery = lastAccepted - faultEnded;
        var figures = new FaultFigures
        {
            Scenario = Name,
            Events = ids.Count,
            Deliveries = ids.Count,
            Attempts = wms.Requests.Count,
            Statuses = string.Join(' ', wms.Answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}x{g.Count()}")),
            Acknowledged = ids.Count, // the OMS's sends, accepted by Service Bus
            Lost = ids.Count(id => !accepted.ContainsKey(id)),
            AppliedTwice = accepted.Count(a => a.Value > 1),
            Published = accepted.Values.Sum(),
            DistinctPublished = accepted.Count,
            Unpublished = ids.Count(id => !accepted.ContainsKey(id)),
            Unexpected = accepted.Keys.Count(id => !ids.Contains(id)),
            Poisoned = deadLettered,
            Pending = pending,
            FailedInvocations = hub.FailedInvocations,
            MaxDeliveries = hub.MaxDeliveries,
            PollFailures = hub.PollFailures,
            Recovery = recovery > TimeSpan.Zero ? recovery : TimeSpan.Zero,
            Duration = Clock.Since(started),
            Notes = $"WMS failed {scale.WmsOutage.TotalSeconds:0} s ({failures} answers 500/429); 'published' here: pick slips the WMS accepted (2xx), by messageId",
        };
        return Finish(figures, hub);
    }

    private static FaultFigures Finish(FaultFigures figures, FaultHub hub) => figures with
    {
        Notes = figures.Notes + (hub.PollFailures > 0 ? $"\n  failed polls: {hub.PollErrors}" : "") + (figures.Holds ? "" : "\n" + hub.ChildOutput()),
    };

    /// <summary>Pick slips the WMS accepted (answered 2xx), by the hub's messageId, with how often.</summary>
    private static Dictionary<string, int> Accepted(LoopbackWms wms) =>
        wms.Answers.Where(a => a.Status is >= 200 and < 300 && a.Request.Path == "/pick-slips")
            .GroupBy(a => JsonDocument.Parse(a.Request.Body).RootElement.GetProperty("messageId").GetString()!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static string PickSlipEvent(string id) => JsonSerializer.Serialize(new
    {
        specversion = "1.0",
        id,
        source = "/oms/fault",
        type = "com.wmsfunctions.oms.pick-slip.generated",
        subject = id,
        time = "2026-11-23T10:00:00Z",
        datacontenttype = "application/json",
        tenant = FaultHub.Tenant,
        correlationid = "corr-" + id,
        data = new
        {
            pickSlipId = "PS-" + id,
            orderId = "O-" + id,
            version = 1,
            warehouse = FaultHub.Warehouse,
            reprint = false,
            carrier = "UPS",
            service = "GROUND",
            shipTo = new { name = "Fault Test", address = new { line1 = "1 Main St", city = "Springfield", postalCode = "12345", country = "US" } },
            lines = new object[] { new { lineNumber = 1, sku = "100234", quantity = 2, unitOfMeasure = "EA" } },
        },
    });
}

/// <summary>
/// FAULT_PROGRESS=1 (to the console) or =FILE (appended): one line every 2 s with the scenario's counts and, to tell
/// a stall of the emulator from one of a process, the slowest answer in those 2 s of three probes sent every 100 ms:
/// Azurite (a queue's properties), each handler's readiness route (no storage behind it), and a 100 ms timer of
/// this process (how late it fired), with this process's thread-pool threads and queued work items.
/// </summary>
internal sealed class Progress : IDisposable
{
    private const int Azurite = 0;
    private const int Handler = 1;
    private const int TimerLate = 2;

    private readonly CancellationTokenSource _stop = new();
    private readonly long[] _slowestMs = new long[3];

    public static Progress Start(string name, long started, FaultHub hub, StormDriver driver)
    {
        var progress = new Progress();
        if (Environment.GetEnvironmentVariable("FAULT_PROGRESS") is not { Length: > 0 } target)
        {
            return progress;
        }

        var stop = progress._stop.Token;
        var ping = hub.Queues.GetQueueClient("ping-probe");
        _ = Task.Run(() => progress.ProbeAsync(Azurite, async () =>
        {
            await ping.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            await ping.GetPropertiesAsync(CancellationToken.None);
        }, stop), CancellationToken.None);
        foreach (var handler in hub.Handlers)
        {
            var http = new HttpClient { BaseAddress = handler.Url, Timeout = TimeSpan.FromSeconds(60) };
            _ = Task.Run(() => progress.ProbeAsync(Handler, async () => (await http.GetAsync(new Uri("/", UriKind.Relative), CancellationToken.None)).Dispose(), stop), CancellationToken.None);
        }

        _ = Task.Run(() => progress.ProbeAsync(TimerLate, () => Task.CompletedTask, stop), CancellationToken.None);
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(2000, CancellationToken.None).ConfigureAwait(false);
                var outbox = await hub.QueueLengthAsync(hub.OutboxQueue).ConfigureAwait(false);
                var line = $"[{name}] {DateTimeOffset.UtcNow:HH:mm:ss.fff} {Clock.Since(started).TotalSeconds,5:0.0} s: delivered {driver.Deliveries}, acknowledged {driver.Acknowledged.Count}, attempts {driver.Attempts}, " +
                    $"no answer {driver.NoAnswer}, published {hub.Published.Total} ({hub.Published.Distinct} ids), outbox {outbox}, failed invocations {hub.FailedInvocations}; " +
                    $"slowest: Azurite {progress.Take(Azurite)} ms, handler readiness {progress.Take(Handler)} ms, timer late {progress.Take(TimerLate)} ms; " +
                    $"thread pool {ThreadPool.ThreadCount} threads, {ThreadPool.PendingWorkItemCount} queued";
                if (target == "1")
                {
                    Console.WriteLine(line);
                }
                else
                {
                    await File.AppendAllTextAsync(target, line + Environment.NewLine, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }, CancellationToken.None);
        return progress;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private long Take(int slot) => Interlocked.Exchange(ref _slowestMs[slot], 0);

    /// <summary>
    /// Runs <paramref name="probe"/>, then waits 100 ms, until stopped; keeps the slowest round (probe plus how late
    /// the 100 ms timer fired). A probe that hangs is counted when it ends, at its full length.
    /// </summary>
    private async Task ProbeAsync(int slot, Func<Task> probe, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var before = Clock.Now;
            try
            {
                await probe().ConfigureAwait(false);
            }
            catch (Exception error) when (error is Azure.RequestFailedException or HttpRequestException or TaskCanceledException or IOException or AggregateException)
            {
            }

            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
            var took = (long)Clock.Since(before).TotalMilliseconds - 100;
            long seen;
            while (took > (seen = Interlocked.Read(ref _slowestMs[slot])) && Interlocked.CompareExchange(ref _slowestMs[slot], took, seen) != seen)
            {
            }
        }
    }
}
