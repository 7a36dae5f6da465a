using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace WmsFunctions.IntegrationTests.Faults.Support;

/// <summary>One inventory adjustment of the storm: its event id, SKU, WMS location and quantity.</summary>
internal sealed record StormEvent(string EventId, string Sku, string Location, int Quantity)
{
    public string CloudEventId => $"{FaultHub.Tenant}/{FaultHub.Instance}/inventory/{EventId}";
}

/// <summary>
/// A storm of inventory adjustments: <c>events</c> distinct events over <c>skus</c> SKUs, a share of them on one hot
/// SKU, and a share delivered twice (some right after the first, so both are in flight together; some much later).
/// Seeded, so a scenario sends the same storm every run.
/// </summary>
internal sealed class Storm
{
    public const string HotSku = "HOT-1";

    private Storm(IReadOnlyList<StormEvent> events, IReadOnlyList<StormEvent> deliveries, IReadOnlyList<string> skus)
    {
        Events = events;
        Deliveries = deliveries;
        Skus = skus;
    }

    public IReadOnlyList<StormEvent> Events { get; }

    /// <summary>The order the WMS sends in: every event once, duplicates among them.</summary>
    public IReadOnlyList<StormEvent> Deliveries { get; }

    public IReadOnlyList<string> Skus { get; }

    public static Storm Create(string prefix, int events, int skus = 40, double hotShare = 0.3, double duplicateShare = 0.15, int seed = 15)
    {
        var random = new Random(seed);
        var skuNames = Enumerable.Range(1, skus - 1).Select(i => "SKU-" + i.ToString("D4", CultureInfo.InvariantCulture)).Prepend(HotSku).ToList();
        var list = Enumerable.Range(0, events).Select(i => new StormEvent(
            $"{prefix}-{i:D5}",
            random.NextDouble() < hotShare ? HotSku : skuNames[1 + random.Next(skus - 1)],
            random.Next(2) == 0 ? "E-A1" : "E-A2",
            1 + random.Next(5))).ToList();
        var deliveries = new List<StormEvent>(list);
        foreach (var duplicate in list.Where(_ => random.NextDouble() < duplicateShare).ToList())
        {
            var first = deliveries.IndexOf(duplicate);
            var at = random.Next(2) == 0 ? first + 1 : random.Next(first + 1, deliveries.Count + 1); // together, or later
            deliveries.Insert(at, duplicate);
        }

        return new Storm(list, deliveries, skuNames);
    }

    /// <summary>What the hub's stock must show per SKU in DC1: the sum of the distinct events' quantities.</summary>
    public IReadOnlyDictionary<string, long> ExpectedStock() =>
        Events.GroupBy(e => e.Sku).ToDictionary(g => g.Key, g => (long)g.Sum(e => e.Quantity), StringComparer.Ordinal);
}

/// <summary>
/// The WMS side of a storm: POSTs every delivery with <c>concurrency</c> in flight, spread over the handler
/// processes, and retries like a careful WMS client whatever got no answer (refused or dropped connection, no
/// answer within the attempt timeout) or a 5xx/429/408, after Retry-After (capped) or a growing backoff, until the
/// hub acknowledges it (2xx) or the storm's deadline passes. Counts everything.
/// </summary>
internal sealed class StormDriver(IReadOnlyList<Uri> handlers, string apiKey)
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private readonly ConcurrentBag<string> _refused = [];
    private readonly List<HttpClient> _clients = handlers.Select(url => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan }).ToList();

    private int _attempts;
    private int _noAnswer;
    private int _deliveries;

    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Deadline { get; init; } = TimeSpan.FromMinutes(3);

    public int Concurrency { get; init; } = 16;

    /// <summary>Distinct events acknowledged (2xx) so far, with when first.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Acknowledged => _acknowledged;

    /// <summary>Deliveries that finished (acknowledged, refused or given up).</summary>
    public int Deliveries => _deliveries;

    /// <summary>Every POST, retries included.</summary>
    public int Attempts => _attempts;

    /// <summary>Attempts with no answer: connection refused or dropped, or no answer within the attempt timeout.</summary>
    public int NoAnswer => _noAnswer;

    /// <summary>Answers by status code.</summary>
    public IReadOnlyDictionary<int, int> Statuses => _statuses;

    /// <summary>Events answered 4xx (other than 408/429): a WMS does not retry those, so they are not acknowledged.</summary>
    public IReadOnlyCollection<string> Refused => _refused;

    /// <summary>Sends the storm; returns when every delivery is acknowledged, refused, or out of time.</summary>
    public async Task RunAsync(Storm storm, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(Deadline.TotalSeconds * Stopwatch.Frequency);
        await Parallel.ForEachAsync(
            storm.Deliveries.Select((e, i) => (e, i)),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (delivery, ct) =>
            {
                await DeliverAsync(delivery.e, delivery.i, deadline, ct);
                Interlocked.Increment(ref _deliveries);
            });
    }

    /// <summary>Waits until <paramref name="count"/> deliveries finished (to start a fault mid-storm).</summary>
    public async Task WhenDeliveredAsync(int count, CancellationToken cancellationToken)
    {
        while (Deliveries < count)
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private async Task DeliverAsync(StormEvent e, int index, long deadline, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            eventId = e.EventId, type = "adjust", occurredAt = "2026-11-01T08:00:00Z", sku = e.Sku, location = e.Location, quantity = e.Quantity,
        });
        var backoff = TimeSpan.FromMilliseconds(200);
        for (var attempt = 0; ; attempt++)
        {
            var client = _clients[(index + attempt) % _clients.Count]; // a retry may reach another instance
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/wms/{FaultHub.Tenant}/{FaultHub.Instance}/inventory-transactions")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Api-Key", apiKey);
            Interlocked.Increment(ref _attempts);
            TimeSpan? retryAfter = null;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(AttemptTimeout);
                try
                {
                    using var response = await client.SendAsync(request, timeout.Token);
                    var status = (int)response.StatusCode;
                    _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                    if (status is >= 200 and < 300)
                    {
                        _acknowledged.TryAdd(e.EventId, DateTimeOffset.UtcNow);
                        return;
                    }

                    if (status is not (>= 500 or 429 or 408))
                    {
                        _refused.Add($"{e.EventId}: {status} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                        return;
                    }

                    retryAfter = response.Headers.RetryAfter?.Delta;
                }
                catch (Exception error) when (!cancellationToken.IsCancellationRequested && error is HttpRequestException or OperationCanceledException or IOException)
                {
                    Interlocked.Increment(ref _noAnswer);
                }
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return; // given up: not acknowledged, counted as such
            }

            var wait = retryAfter is { } delta ? (delta < MaxRetryAfter ? delta : MaxRetryAfter) : backoff;
            await Task.Delay(wait + TimeSpan.FromMilliseconds(Random.Shared.Next(100)), cancellationToken);
            backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 3000));
        }
    }
}

/// <summary>Helpers for timestamps of <see cref="Stopwatch"/>.</summary>
internal static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static TimeSpan Since(long start) => Stopwatch.GetElapsedTime(start);

    public static TimeSpan Between(long start, long end) => Stopwatch.GetElapsedTime(start, end);
}
