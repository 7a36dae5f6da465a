using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>The state of a WMS instance's circuit breaker, as the gauge reports it (the numbers are the contract).</summary>
public enum PartnerCircuitState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}

/// <summary>
/// What waits for a person in one tenant, counted from its open failed syncs: per reason code, per storage queue the
/// poisoned (or refused) messages came from, per Service Bus subscription the dead letters came from.
/// </summary>
public sealed record OpenFailureCounts(
    IReadOnlyDictionary<string, int> ByReason,
    IReadOnlyDictionary<string, int> PoisonedByQueue,
    IReadOnlyDictionary<string, int> DeadLetteredBySubscription);

/// <summary>
/// The hub's metrics (docs/telemetry.md#metrics): one meter, <see cref="MeterName"/>, with every instrument the
/// operators chart and alert on. Counters and histograms are recorded where the event happens. The gauges of what
/// waits (outbox, failed syncs, poison, dead letters) report the last figures the alert timer or the health endpoint
/// read from storage: a scrape never reads storage itself, so exporting costs nothing, and a figure is as fresh as the
/// last timer tick (ALERTS_SCHEDULE). Tags carry only configured names (tenant, instance, flow, channel, queue,
/// subscription) and fixed codes (refusal reasons, HTTP statuses), never an id or anything a caller made up.
/// </summary>
public sealed class HubMetrics
{
    /// <summary>The meter's name; the same string as the ActivitySource's, so one AddMeter/AddSource pair exports both.</summary>
    public const string MeterName = HubTelemetry.Name;

    /// <summary>The tag value that stands for a tenant or instance the hub does not know (never the caller's own text).</summary>
    public const string Unknown = "(unknown)";

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _duplicate;
    private readonly Counter<long> _replayed;
    private readonly Histogram<double> _e2eLag;
    private readonly Histogram<double> _partnerCall;
    private readonly Counter<long> _differences;
    private readonly Histogram<double> _channelLag;

    private readonly ConcurrentDictionary<string, OpenFailureCounts> _openFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Tenant, string Instance), PartnerCircuitState> _circuits = new();
    private volatile OutboxFigures? _outbox;

    public HubMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);

        _accepted = meter.CreateCounter<long>("wms.events.accepted", "{event}", "Events taken into the inbox (once per event id), per tenant, instance and flow.");
        _refused = meter.CreateCounter<long>("wms.events.refused", "{event}", "Events refused with problem details, per tenant, instance, flow and reason (the problem type).");
        _duplicate = meter.CreateCounter<long>("wms.events.duplicate", "{event}", "Deliveries of an event id the hub had already: answered as the first time, nothing applied.");
        _replayed = meter.CreateCounter<long>("wms.events.replayed", "{event}", "Failed syncs replayed by an operator, per tenant, instance, flow and outcome (replayed or failed-again).");
        _e2eLag = meter.CreateHistogram(
            "wms.e2e.lag", "ms", "From the event's own time (occurredAt) to its CloudEvent handed to the Service Bus output by the outbox relay.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
        _partnerCall = meter.CreateHistogram(
            "wms.partner.call.duration", "ms", "One HTTP attempt to a WMS, per tenant, instance, operation and status (HTTP code, timeout or unreachable).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CallBuckets });
        _differences = meter.CreateCounter<long>("wms.reconciliation.differences", "{difference}", "Differences found by completed reconciliation runs, per tenant and instance.");
        _channelLag = meter.CreateHistogram(
            "wms.channel.publication_lag", "ms", "From a stock change to its figure set on a marketplace channel, per tenant and channel.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });

        meter.CreateObservableGauge("wms.outbox.depth", ObserveOutboxDepth, "{message}", "Messages waiting in the outbox queue (approximate), at the last alert evaluation or health check.");
        meter.CreateObservableGauge("wms.outbox.oldest_age", ObserveOutboxAge, "s", "Age of the oldest message waiting in the outbox queue, at the last alert evaluation or health check.");
        meter.CreateObservableGauge("wms.failed_syncs.open", ObserveOpenFailures, "{failure}", "Open failed syncs per tenant and reason, at the last alert evaluation or health check.");
        meter.CreateObservableGauge("wms.queue.poisoned", ObservePoisoned, "{message}", "Open failed syncs captured from a storage queue (poisoned, or refused by its function), per queue.");
        meter.CreateObservableGauge("wms.servicebus.dead_lettered", ObserveDeadLettered, "{message}", "Open failed syncs captured from a Service Bus dead-letter subqueue, per subscription.");
        meter.CreateObservableGauge("wms.partner.circuit.state", ObserveCircuits, "{state}", "Circuit breaker of each WMS instance: 0 closed, 1 half-open, 2 open.");
    }

    /// <summary>Lags: from sub-second (the webhook path) to an hour (a throttled channel, a backlog after an outage).</summary>
    private static readonly double[] LagBuckets = [10, 25, 50, 100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000, 120000, 300000, 600000, 1800000, 3600000];

    /// <summary>WMS calls: milliseconds to the attempt timeout.</summary>
    private static readonly double[] CallBuckets = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

    public void EventAccepted(string tenant, string instance, string flow) =>
        _accepted.Add(1, Tag("tenant", tenant), Tag("instance", instance), Tag("flow", flow));

    public void EventDuplicate(string tenant, string instance, string flow) =>
        _duplicate.Add(1, Tag("tenant", tenant), Tag("instance", instance), Tag("flow", flow));

    public void EventRefused(string tenant, string instance, string flow, string reason) =>
        _refused.Add(1, Tag("tenant", tenant), Tag("instance", instance), Tag("flow", flow), Tag("reason", reason));

    public void EventReplayed(string tenant, string instance, string flow, string outcome) =>
        _replayed.Add(1, Tag("tenant", tenant), Tag("instance", instance), Tag("flow", flow), Tag("outcome", outcome));

    /// <summary>An event's CloudEvent handed to the Service Bus output: the lag since the event happened (never below 0: clocks differ).</summary>
    public void EventPublished(string tenant, string instance, string flow, TimeSpan sinceOccurred) =>
        _e2eLag.Record(Milliseconds(sinceOccurred), Tag("tenant", tenant), Tag("instance", instance), Tag("flow", flow));

    public void PartnerCall(string tenant, string instance, string operation, string status, TimeSpan duration)
    {
        var tags = new TagList { { "tenant", tenant }, { "instance", instance }, { "operation", operation }, { "status", status } };
        _partnerCall.Record(Milliseconds(duration), tags);
    }

    public void CircuitChanged(string tenant, string instance, PartnerCircuitState state) => _circuits[(tenant, instance)] = state;

    public void ReconciliationDifferences(string tenant, string instance, long differences) =>
        _differences.Add(differences, Tag("tenant", tenant), Tag("instance", instance));

    public void ChannelPublished(string tenant, string channel, TimeSpan sinceChanged) =>
        _channelLag.Record(Milliseconds(sinceChanged), Tag("tenant", tenant), Tag("channel", channel));

    /// <summary>The outbox queue as the alert timer or the health check just read it.</summary>
    public void ReportOutbox(long depth, TimeSpan oldestAge) => _outbox = new OutboxFigures(depth, Math.Max(0, oldestAge.TotalSeconds));

    /// <summary>
    /// A tenant's open failed syncs as just read (a complete count of the tenant). A reason, queue or subscription
    /// counted before and absent now reports 0, so a cleared series drops to 0 instead of keeping its last value.
    /// </summary>
    public void ReportOpenFailures(string tenant, OpenFailureCounts counts) =>
        _openFailures.AddOrUpdate(tenant, static (_, counts) => counts, static (_, before, counts) => Merge(before, counts), counts);

    private static OpenFailureCounts Merge(OpenFailureCounts before, OpenFailureCounts now) => new(
        ZeroFilled(before.ByReason, now.ByReason), ZeroFilled(before.PoisonedByQueue, now.PoisonedByQueue), ZeroFilled(before.DeadLetteredBySubscription, now.DeadLetteredBySubscription));

    private static FrozenDictionary<string, int> ZeroFilled(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> now)
    {
        var merged = before.Keys.ToDictionary(k => k, _ => 0, StringComparer.Ordinal);
        foreach (var (key, count) in now)
        {
            merged[key] = count;
        }

        return merged.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private IEnumerable<Measurement<long>> ObserveOutboxDepth() => _outbox is { } outbox ? [new(outbox.Depth)] : [];

    private IEnumerable<Measurement<double>> ObserveOutboxAge() => _outbox is { } outbox ? [new(outbox.OldestAgeSeconds)] : [];

    private IEnumerable<Measurement<int>> ObserveOpenFailures() =>
        _openFailures.SelectMany(t => t.Value.ByReason.Select(r => new Measurement<int>(r.Value, Tag("tenant", t.Key), Tag("reason", r.Key))));

    private IEnumerable<Measurement<int>> ObservePoisoned() => SumOverTenants(c => c.PoisonedByQueue, "queue");

    private IEnumerable<Measurement<int>> ObserveDeadLettered() => SumOverTenants(c => c.DeadLetteredBySubscription, "subscription");

    /// <summary>Queues and subscriptions are the deployment's, not a tenant's: their counts add up over the tenants.</summary>
    private IEnumerable<Measurement<int>> SumOverTenants(Func<OpenFailureCounts, IReadOnlyDictionary<string, int>> part, string tag) =>
        _openFailures.Values.SelectMany(c => part(c))
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => new Measurement<int>(g.Sum(p => p.Value), Tag(tag, g.Key)));

    private IEnumerable<Measurement<int>> ObserveCircuits() =>
        _circuits.Select(c => new Measurement<int>((int)c.Value, Tag("tenant", c.Key.Tenant), Tag("instance", c.Key.Instance)));

    private static double Milliseconds(TimeSpan span) => Math.Max(0, span.TotalMilliseconds);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private sealed record OutboxFigures(long Depth, double OldestAgeSeconds);
}
