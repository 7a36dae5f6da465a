namespace WmsFunctions.Pipeline.Retries;

/// <summary>
/// How long the hub keeps retrying a storage-queue message that failed every quick retry of the host (host.json
/// <c>maxDequeueCount</c> deliveries, <c>visibilityTimeout</c> apart, then the host moves it to <c>{queue}-poison</c>):
/// the poison watcher of that queue puts it back on its queue, hidden for the delay of its next generation, so each
/// generation gets the host's quick retries again. 1, 2, 5, 10 and 30 minutes, then every hour: together more than
/// 24 hours, which outlasts a real outage (a Service Bus or WMS incident, a storage failover) without anyone having
/// to act. After the last generation the message is a failed sync for a person. docs/failures.md writes this down;
/// it is the one schedule of every queue the hub owns.
/// </summary>
public static class QueueRetrySchedule
{
    /// <summary>The delay before generation n + 1 (index n = 0 is the first re-enqueue, after the host's first poisoning).</summary>
    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromMinutes(1),
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30),
        .. Enumerable.Repeat(TimeSpan.FromHours(1), 24),
    ];

    /// <summary>How long a message is retried in all (the delays; the host's quick retries come on top).</summary>
    public static TimeSpan Span { get; } = Delays.Aggregate(TimeSpan.Zero, (sum, delay) => sum + delay);

    /// <summary>
    /// The delay before the message poisoned in <paramref name="generation"/> (0 = never re-enqueued yet) is tried
    /// again, or null when the schedule is used up and the message goes to a person.
    /// </summary>
    public static TimeSpan? DelayAfter(int generation) =>
        generation >= 0 && generation < Delays.Count ? Delays[generation] : null;
}
