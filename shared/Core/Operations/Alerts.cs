using System.Globalization;
using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Operations.Forecasting;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Operations;

/// <summary>
/// When the alerts evaluator raises an incident (section "Hub:Alerts"). <see cref="Defaults"/> hold for every tenant;
/// <see cref="Tenants"/> override them per tenant. A threshold left empty (or 0) switches that alert off.
/// </summary>
public sealed class AlertOptions
{
    public const string SectionName = "Hub:Alerts";

    public const string ScheduleSetting = "ALERTS_SCHEDULE";

    /// <summary>App setting with an optional webhook URL alerts are POSTed to as well (in Azure a Key Vault reference: such URLs carry tokens).</summary>
    public const string WebhookUrlSetting = "ALERTS_WEBHOOK_URL";

    public const string HttpClientName = "alerts";

    public AlertThresholds Defaults { get; set; } = new();

    public Dictionary<string, AlertThresholds> Tenants { get; set; } = new(StringComparer.Ordinal);

    public string? WebhookUrl { get; set; }

    /// <summary>
    /// Messages waiting on the outbox queue, for the whole deployment: the queue is shared by every tenant and only
    /// its approximate length is known, not each tenant's share (the 32 messages a peek returns name their tenant,
    /// the thousands behind them do not). 5,000 lets a bulk load of a few thousand events pass, yet flags a backlog
    /// that keeps growing because the relay or Service Bus cannot keep up. Empty or 0 switches it off.
    /// </summary>
    public int? OutboxDepth { get; set; } = 5000;

    public AlertThresholds For(string tenant) => Tenants.TryGetValue(tenant, out var own) ? own.Over(Defaults) : Defaults;
}

public sealed class AlertThresholds
{
    /// <summary>Open failed syncs (overdue pick slips excluded: they alert per slip already).</summary>
    public int? OpenFailedSyncs { get; set; } = 10;

    /// <summary>Open failed syncs from a Service Bus dead-letter queue (captured by its watcher, or fed back by hand).</summary>
    public int? DeadLetters { get; set; } = 1;

    /// <summary>Open failed syncs captured from a storage queue: poisoned messages past the retry schedule, or refused at once.</summary>
    public int? Poisoned { get; set; } = 1;

    /// <summary>
    /// Failed syncs first seen in the last minute, per WMS instance (overdue pick slips excluded, as for
    /// <see cref="OpenFailedSyncs"/>): the failure rate. 5 a minute is an instance failing steadily (a WMS down or
    /// refusing every call at a few events a minute), while the odd refused message stays far below it.
    /// </summary>
    public int? FailuresPerMinute { get; set; } = 5;

    /// <summary>Minutes the oldest waiting outbox message of the tenant has waited.</summary>
    public int? OutboxLagMinutes { get; set; } = 15;

    /// <summary>Minutes the oldest slip sent to a WMS has waited for its acknowledgement.</summary>
    public int? UnacknowledgedSlipMinutes { get; set; } = 120;

    /// <summary>Differences flagged by the latest reconciliation run of an instance.</summary>
    public int? DiscrepanciesFlagged { get; set; } = 1;

    internal AlertThresholds Over(AlertThresholds defaults) => new()
    {
        OpenFailedSyncs = OpenFailedSyncs ?? defaults.OpenFailedSyncs,
        DeadLetters = DeadLetters ?? defaults.DeadLetters,
        Poisoned = Poisoned ?? defaults.Poisoned,
        FailuresPerMinute = FailuresPerMinute ?? defaults.FailuresPerMinute,
        OutboxLagMinutes = OutboxLagMinutes ?? defaults.OutboxLagMinutes,
        UnacknowledgedSlipMinutes = UnacknowledgedSlipMinutes ?? defaults.UnacknowledgedSlipMinutes,
        DiscrepanciesFlagged = DiscrepanciesFlagged ?? defaults.DiscrepanciesFlagged,
    };
}

/// <summary>One measured figure of a tenant against its threshold. <see cref="Kind"/> names the incident (with the instance for discrepancies).</summary>
public sealed record AlertMeasure(string Tenant, string Kind, string? Instance, double Value, double Threshold, string Unit, string Summary)
{
    public bool Over => Threshold > 0 && Value >= Threshold;

    /// <summary>The kind without its instance ("discrepancies|east" -> "discrepancies").</summary>
    public string Metric => Kind.Split('|')[0];
}

/// <summary>
/// The data of an alert CloudEvent (<c>alert.raised</c> / <c>alert.cleared</c>). A <c>predicted-breach</c> alert also
/// names the <see cref="Metric"/> forecast (its <see cref="Value"/> and <see cref="Threshold"/> are that figure's),
/// the value forecast <see cref="HorizonMinutes"/> ahead, the minutes until the forecast reaches the threshold, and,
/// when the threshold alert took over, that alert's incident (<see cref="SupersededBy"/>). Absent fields are left out.
/// </summary>
public sealed record AlertMessage(
    string IncidentId, string Tenant, string Kind, string? Instance, string State, double Value, double Threshold, string Unit, string Summary,
    DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt,
    string? Metric = null, double? Forecast = null, int? HorizonMinutes = null, double? MinutesToBreach = null, string? SupersededBy = null);

/// <summary>One incident per tenant and kind: open while the figure stays over its threshold.</summary>
public sealed class AlertIncidentEntity : ITableEntity
{
    public const string Open = "Open";
    public const string Cleared = "Cleared";

    /// <summary>A predicted-breach incident whose threshold was reached: held (no new warning) until the trend turns.</summary>
    public const string Superseded = "Superseded";

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string IncidentId { get; set; } = "";

    public string State { get; set; } = Open;

    public DateTimeOffset OpenedAt { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }

    public double Value { get; set; }

    public double Threshold { get; set; }

    /// <summary>Incidents of this kind so far (numbers the incident ids).</summary>
    public int Count { get; set; }
}

/// <summary>
/// The alerts evaluator (timer-triggered): measures per tenant open failures, fed-back dead letters, outbox lag, the
/// oldest unacknowledged pick slip and the latest reconciliation's flagged differences, and raises ONE alert per
/// incident: an incident opens when a figure reaches its threshold (alert.raised), stays open (no new alert) while it
/// stays there, and clears when it drops below (alert.cleared); the next time it is over is a new incident. The
/// incident row changes under its ETag, so two evaluators running at once alert once. The alert is committed
/// before it is sent: a lost Service Bus output or webhook call loses that alert, never repeats it.
/// Overdue pick slips keep their own per-slip alert (PickSlipEscalation): they are left out of the failure count,
/// and the lag incident here is about the oldest unacknowledged slip, not about each slip.
/// Early warning: each run also adds the figures named by <see cref="EarlyWarningOptions.Metrics"/> to their
/// per-minute series (<see cref="MetricSeriesStore"/>) and raises a <c>predicted-breach</c> alert, once per
/// incident, when the forecast reaches the same threshold before the figure does (<see cref="EarlyWarning"/>).
/// </summary>
public sealed partial class AlertEvaluator(
    HubStorage storage,
    OutboxMessages outbox,
    TenantDirectory tenants,
    FailedSyncStore failedSyncs,
    PickSlipOrchestrator slips,
    ReconciliationStore reconciliations,
    MetricSeriesStore series,
    IOptions<AlertOptions> options,
    IOptions<EarlyWarningOptions> earlyWarning,
    IHttpClientFactory http,
    TimeProvider time,
    ILogger<AlertEvaluator> logger)
{
    public const string DeadLettered = DeadLetters.Reason;

    /// <summary>The kind of the early-warning alert; its incidents are "{tenant}/predicted-breach|{kind}/{n}".</summary>
    public const string PredictedBreach = "predicted-breach";

    /// <summary>The tenant named by deployment-wide incidents and series (the outbox depth): no configured tenant starts with '_'.</summary>
    public const string Deployment = "_hub";

    /// <summary>The figures measured minute by minute, so a series of them can be forecast (reconciliation runs are not).</summary>
    public static readonly IReadOnlyList<string> ForecastableMetrics = ["failed-syncs", "failure-rate", "dead-letters", "poisoned", "outbox-lag", "outbox-depth", "pickslip-lag"];

    private static readonly HashSet<string> PerSlipAlerts = new(["overdue-acknowledgement", "overdue-shipment"], StringComparer.Ordinal);

    /// <summary>Measures every tenant and returns the alert CloudEvents to send (raised and cleared).</summary>
    public async Task<IReadOnlyList<string>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var outboxNow = await outbox.MeasureAsync(cancellationToken).ConfigureAwait(false); // also the outbox gauges' figures until the next tick
        var outboxOldest = await OutboxOldestByTenantAsync(cancellationToken).ConfigureAwait(false);
        var measures = new List<AlertMeasure>();
        // The unknown-tenant marker too: a captured message whose tenant could not be read still waits for a person.
        foreach (var tenant in tenants.All.Select(i => i.Tenant).Append(FailedSyncStore.UnknownTenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            measures.AddRange(await MeasureAsync(tenant, now, outboxOldest, cancellationToken).ConfigureAwait(false));
        }

        if (options.Value.OutboxDepth is > 0 and var depthLimit)
        {
            measures.Add(new(Deployment, "outbox-depth", null, outboxNow.Depth, depthLimit, "messages",
                string.Create(CultureInfo.InvariantCulture, $"{outboxNow.Depth} messages wait on the outbox queue (the oldest since {Math.Floor(outboxNow.OldestAge.TotalMinutes)} minutes)")));
        }

        var incidents = await storage.TableAsync(HubTable.AlertIncidents, cancellationToken).ConfigureAwait(false);
        var alerts = new List<(AlertMessage Message, string Event)>();
        foreach (var measure in measures)
        {
            var (alert, openIncident) = await DecideAsync(incidents, measure, now, cancellationToken).ConfigureAwait(false);
            if (alert is { } raisedOrCleared)
            {
                alerts.Add(raisedOrCleared);
            }

            if (earlyWarning.Value.Forecasts(measure.Metric)
                && await WarnAsync(incidents, measure, openIncident, now, cancellationToken).ConfigureAwait(false) is { } warning)
            {
                alerts.Add(warning);
            }
        }

        if (options.Value.WebhookUrl is { Length: > 0 } url)
        {
            foreach (var (message, _) in alerts)
            {
                await PostAsync(url, message, cancellationToken).ConfigureAwait(false);
            }
        }

        return alerts.Select(a => a.Event).ToArray();
    }

    /// <summary>The figures of one tenant against its thresholds.</summary>
    public async Task<IReadOnlyList<AlertMeasure>> MeasureAsync(
        string tenant, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset>? outboxOldest, CancellationToken cancellationToken)
    {
        var limits = options.Value.For(tenant);
        var measures = new List<AlertMeasure>();
        var open = await failedSyncs.OpenSummaryAsync(tenant, cancellationToken).ConfigureAwait(false);
        if (limits.OpenFailedSyncs is > 0)
        {
            var failures = open.Count(o => !PerSlipAlerts.Contains(o.ReasonCode));
            measures.Add(new(tenant, "failed-syncs", null, failures, limits.OpenFailedSyncs.Value, "open failed syncs", $"{failures} open failed syncs"));
        }

        if (limits.FailuresPerMinute is > 0)
        {
            var instances = tenants.All.Where(i => i.Tenant == tenant).Select(i => i.Id);
            foreach (var (instance, opened) in FailuresOpenedPerInstance(open.Where(o => !PerSlipAlerts.Contains(o.ReasonCode)), instances, now))
            {
                measures.Add(new(tenant, "failure-rate|" + instance, instance, opened, limits.FailuresPerMinute.Value, "failed syncs a minute",
                    string.Create(CultureInfo.InvariantCulture, $"{opened} failed syncs opened on {instance} in the minute to {now:HH:mm:ss}")));
            }
        }

        if (limits.DeadLetters is > 0)
        {
            var dead = open.Where(o => o.ReasonCode == DeadLettered).ToList();
            measures.Add(new(tenant, "dead-letters", null, dead.Count, limits.DeadLetters.Value, "dead-lettered messages",
                $"{dead.Count} dead-lettered messages waiting for a replay{BySource(dead, now)}"));
        }

        if (limits.Poisoned is > 0)
        {
            var poisoned = open.Where(o => o.FromStorageQueue).ToList();
            measures.Add(new(tenant, "poisoned", null, poisoned.Count, limits.Poisoned.Value, "poisoned messages",
                $"{poisoned.Count} storage-queue messages waiting for a person{BySource(poisoned, now)}"));
        }

        if (limits.OutboxLagMinutes is > 0)
        {
            outboxOldest ??= await OutboxOldestByTenantAsync(cancellationToken).ConfigureAwait(false);
            var lag = outboxOldest.TryGetValue(tenant, out var oldest) ? Math.Max(0, (now - oldest).TotalMinutes) : 0;
            measures.Add(new(tenant, "outbox-lag", null, Math.Floor(lag), limits.OutboxLagMinutes.Value, "minutes",
                string.Create(CultureInfo.InvariantCulture, $"oldest event waiting for the OMS since {Math.Floor(lag)} minutes")));
        }

        if (limits.UnacknowledgedSlipMinutes is > 0)
        {
            var waiting = await slips.ListAsync(tenant, PickSlipState.SentToWms, now, 1, cancellationToken).ConfigureAwait(false);
            var oldestSlip = waiting.Count > 0 ? waiting[0] : default;
            var lag = oldestSlip.Slip is null ? 0 : Math.Max(0, (now - oldestSlip.EnteredAt).TotalMinutes);
            measures.Add(new(tenant, "pickslip-lag", null, Math.Floor(lag), limits.UnacknowledgedSlipMinutes.Value, "minutes",
                oldestSlip.Slip is null ? "no slip waiting for its acknowledgement"
                    : string.Create(CultureInfo.InvariantCulture, $"pick slip {oldestSlip.Slip.PickSlipId} waits for its acknowledgement since {Math.Floor(lag)} minutes")));
        }

        if (limits.DiscrepanciesFlagged is > 0)
        {
            await foreach (var (instance, run) in reconciliations.LatestAsync(tenant, cancellationToken).ConfigureAwait(false))
            {
                measures.Add(new(tenant, "discrepancies|" + instance, instance, run.Flagged, limits.DiscrepanciesFlagged.Value, "flagged differences",
                    string.Create(CultureInfo.InvariantCulture, $"reconciliation run {run.RunId} of {instance} ({run.FinishedAt:O}) flagged {run.Flagged} of {run.Compared} SKUs")));
            }
        }

        return measures;
    }

    /// <summary>
    /// The failure rate per WMS instance: open failed syncs first seen in the minute up to <paramref name="now"/> (after
    /// the previous minute's run, before or at this one), for every one of <paramref name="instances"/> (0 when quiet: a
    /// series needs its quiet minutes to see a climb) and every instance with an open failure (the unknown tenant has
    /// no configured instances). Counted from the open-failure summary the evaluator reads anyway (the age index, one
    /// partition per tenant), so the rate costs no extra query; a failure closed within its minute is not counted,
    /// and one recorded again keeps its first-seen time, so it counts once.
    /// A count, not a fraction of the events accepted that minute: accepted events are counted only in each app
    /// instance's own memory (the wms.events.accepted counter; the evaluator may run on another scaled-out instance),
    /// the inbox is keyed by event, not by time, so a minute's events would be a scan, and OMS -> WMS deliveries that
    /// fail have no accepted event to divide by. A fraction of a quiet minute (1 of 2) would also swing far more than
    /// the count the threshold is set in.
    /// </summary>
    public static IReadOnlyList<(string Instance, int Opened)> FailuresOpenedPerInstance(IEnumerable<OpenFailure> open, IEnumerable<string> instances, DateTimeOffset now)
    {
        var counts = instances.ToDictionary(i => i, _ => 0, StringComparer.Ordinal);
        var from = now - TimeSpan.FromMinutes(1);
        foreach (var failure in open)
        {
            var opened = failure.FirstSeenAt > from && failure.FirstSeenAt <= now ? 1 : 0;
            counts[failure.Instance] = counts.GetValueOrDefault(failure.Instance) + opened;
        }

        return counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)).ToArray();
    }

    /// <summary>": oms-outbox 2 (oldest 35 min), ..." : where the failures wait and for how long.</summary>
    private static string BySource(List<OpenFailure> open, DateTimeOffset now) =>
        open.Count == 0 ? "" : ": " + string.Join(", ", open.GroupBy(o => o.Source.Name, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Count()} (oldest {Math.Floor(Math.Max(0, (now - g.Min(o => o.FirstSeenAt)).TotalMinutes))} min)")));

    /// <summary>
    /// The oldest waiting outbox message per tenant, from a peek at the head of the outbox queue (at most 32: the queue
    /// is first in, first out, so the head holds the oldest). Messages reserved by a running webhook are not visible.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, DateTimeOffset>> OutboxOldestByTenantAsync(CancellationToken cancellationToken)
    {
        var queue = await storage.QueueAsync(storage.OutboxQueueName, cancellationToken).ConfigureAwait(false);
        var oldest = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var message in (await queue.PeekMessagesAsync(32, cancellationToken).ConfigureAwait(false)).Value)
        {
            if (message.InsertedOn is { } at && OutboxMessages.Deserialize(message.Body.ToString()) is { } reference
                && (!oldest.TryGetValue(reference.Tenant, out var seen) || at < seen))
            {
                oldest[reference.Tenant] = at;
            }
        }

        return oldest;
    }

    /// <summary>The threshold incident of <paramref name="measure"/>: the alert to send, if any, and the incident open after this run, if any.</summary>
    private async Task<((AlertMessage, string)? Alert, string? OpenIncident)> DecideAsync(
        TableClient incidents, AlertMeasure measure, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await IncidentAsync(incidents, measure.Tenant, measure.Kind, cancellationToken).ConfigureAwait(false);
        var isOpen = current?.State == AlertIncidentEntity.Open;
        if (measure.Over && !isOpen)
        {
            var incident = NewIncident(measure, measure.Kind, (current?.Count ?? 0) + 1, now);
            if (!await SaveAsync(incidents, current, incident, cancellationToken).ConfigureAwait(false))
            {
                return (null, incident.IncidentId);
            }

            LogRaised(logger, incident.IncidentId, measure.Summary);
            return (Message(incident, measure, "raised"), incident.IncidentId);
        }

        if (!measure.Over && isOpen)
        {
            var cleared = Closed(current!, AlertIncidentEntity.Cleared, measure.Value, now);
            if (await SaveAsync(incidents, current, cleared, cancellationToken).ConfigureAwait(false))
            {
                LogCleared(logger, cleared.IncidentId, measure.Summary);
                return (Message(cleared, measure, "cleared"), null);
            }
        }

        return (null, isOpen ? current!.IncidentId : null);
    }

    /// <summary>
    /// The predicted-breach incident of <paramref name="measure"/>: adds the figure to its series, forecasts it and
    /// moves the incident as <see cref="EarlyWarning.Decide"/> says. A series row or incident row another evaluator
    /// changed first means that evaluator decides this minute: nothing is sent twice.
    /// </summary>
    private async Task<(AlertMessage, string)?> WarnAsync(
        TableClient incidents, AlertMeasure measure, string? thresholdIncident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var warnings = earlyWarning.Value;
        var kind = TableKeys.Join(PredictedBreach, measure.Kind);
        var current = await IncidentAsync(incidents, measure.Tenant, kind, cancellationToken).ConfigureAwait(false);
        var state = current?.State switch
        {
            AlertIncidentEntity.Open => WarningState.Open,
            AlertIncidentEntity.Superseded => WarningState.Superseded,
            _ => WarningState.Quiet,
        };
        var stored = await series.ReadAsync(measure.Tenant, measure.Kind, cancellationToken).ConfigureAwait(false);
        var step = EarlyWarning.Step(stored.Points, state, now, measure.Value, measure.Threshold, warnings);
        if (!await series.TryWriteAsync(measure.Tenant, measure.Kind, stored, step.Points, cancellationToken).ConfigureAwait(false) || step.Change == WarningChange.None)
        {
            return null;
        }

        var forecast = step.Forecast is { } f ? EarlyWarning.Describe(f, measure.Threshold, warnings.HorizonMinutes) : "no forecast";
        var (next, summary) = step.Change switch
        {
            WarningChange.Raised => (NewIncident(measure, kind, (current?.Count ?? 0) + 1, now), $"{measure.Summary}; {forecast}"),
            WarningChange.Cleared => (Closed(current!, AlertIncidentEntity.Cleared, measure.Value, now), $"the trend turned: {measure.Summary}; {forecast}"),
            WarningChange.Superseded => (Closed(current!, AlertIncidentEntity.Superseded, measure.Value, now),
                $"the threshold was reached ({measure.Summary}): the threshold alert {thresholdIncident} takes over"),
            _ => (Held(current, measure, kind, step.State, now), ""),
        };
        if (!await SaveAsync(incidents, current, next, cancellationToken).ConfigureAwait(false) || step.Change == WarningChange.Held)
        {
            return null;
        }

        var warning = measure with { Kind = kind, Summary = summary };
        if (step.Change == WarningChange.Raised)
        {
            LogWarningRaised(logger, next.IncidentId, summary);
        }
        else
        {
            LogCleared(logger, next.IncidentId, summary);
        }

        return Message(next, warning, step.Change == WarningChange.Raised ? "raised" : "cleared", message => message with
        {
            Metric = measure.Metric,
            Forecast = step.Forecast is { } at ? Math.Round(at.AtHorizon, 2) : null,
            HorizonMinutes = warnings.HorizonMinutes,
            MinutesToBreach = step.Forecast?.MinutesToBreach is { } minutes ? Math.Ceiling(minutes) : null,
            SupersededBy = step.Change == WarningChange.Superseded ? thresholdIncident : null,
        });
    }

    private static async Task<AlertIncidentEntity?> IncidentAsync(TableClient incidents, string tenant, string kind, CancellationToken cancellationToken)
    {
        var found = await incidents.GetEntityIfExistsAsync<AlertIncidentEntity>(TableKeys.Escape(tenant), TableKeys.Escape(kind), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return found.HasValue ? found.Value : null;
    }

    /// <summary>Incident number <paramref name="count"/> of <paramref name="kind"/>, open from <paramref name="now"/>.</summary>
    private static AlertIncidentEntity NewIncident(AlertMeasure measure, string kind, int count, DateTimeOffset now) => new()
    {
        PartitionKey = TableKeys.Escape(measure.Tenant), RowKey = TableKeys.Escape(kind), State = AlertIncidentEntity.Open, OpenedAt = now,
        Value = measure.Value, Threshold = measure.Threshold, Count = count, IncidentId = $"{measure.Tenant}/{kind}/{count.ToString(CultureInfo.InvariantCulture)}",
    };

    /// <summary>A silent move (superseded without a warning, or released once the trend turned): no incident is opened or numbered.</summary>
    private static AlertIncidentEntity Held(AlertIncidentEntity? current, AlertMeasure measure, string kind, WarningState state, DateTimeOffset now) =>
        Closed(current ?? NewIncident(measure, kind, 0, now), state == WarningState.Superseded ? AlertIncidentEntity.Superseded : AlertIncidentEntity.Cleared, measure.Value, now);

    private static AlertIncidentEntity Closed(AlertIncidentEntity incident, string state, double value, DateTimeOffset now) => new()
    {
        PartitionKey = incident.PartitionKey, RowKey = incident.RowKey, ETag = incident.ETag, IncidentId = incident.IncidentId, Count = incident.Count,
        OpenedAt = incident.OpenedAt, Threshold = incident.Threshold, State = state, ClearedAt = now, Value = value,
    };

    /// <summary>Adds or replaces the incident row under the ETag read; false when another evaluator changed it first (it sends the alert).</summary>
    private static async Task<bool> SaveAsync(TableClient incidents, AlertIncidentEntity? current, AlertIncidentEntity next, CancellationToken cancellationToken)
    {
        try
        {
            if (current is null)
            {
                await incidents.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await incidents.UpdateEntityAsync(next, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException raced) when (raced.Status is 409 or 412)
        {
            return false;
        }
    }

    private static (AlertMessage, string) Message(AlertIncidentEntity incident, AlertMeasure measure, string state, Func<AlertMessage, AlertMessage>? complete = null)
    {
        var message = new AlertMessage(incident.IncidentId, measure.Tenant, measure.Metric, measure.Instance, state, measure.Value, measure.Threshold,
            measure.Unit, measure.Summary, incident.OpenedAt, incident.ClearedAt);
        message = complete?.Invoke(message) ?? message;
        var cloudEvent = OmsEvent.Create(
            $"{incident.IncidentId}/{state}",
            $"/tenants/{measure.Tenant}/hub/alerts",
            "alert." + state,
            measure.Kind,
            incident.ClearedAt ?? incident.OpenedAt,
            measure.Tenant,
            incident.IncidentId,
            message);
        return (message, cloudEvent);
    }

    private async Task PostAsync(string url, AlertMessage message, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.CreateClient(AlertOptions.HttpClientName).PostAsJsonAsync(url, message, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                LogWebhookFailed(logger, null, message.IncidentId, (int)response.StatusCode);
            }
        }
        catch (HttpRequestException failure)
        {
            LogWebhookFailed(logger, failure, message.IncidentId, 0);
        }
        catch (TaskCanceledException failure) when (!cancellationToken.IsCancellationRequested)
        {
            LogWebhookFailed(logger, failure, message.IncidentId, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert incident {IncidentId} raised: {Summary}")]
    private static partial void LogRaised(ILogger logger, string incidentId, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Early warning {IncidentId} raised: {Summary}")]
    private static partial void LogWarningRaised(ILogger logger, string incidentId, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert incident {IncidentId} cleared: {Summary}")]
    private static partial void LogCleared(ILogger logger, string incidentId, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {IncidentId} could not be posted to the alerts webhook (HTTP {Status})")]
    private static partial void LogWebhookFailed(ILogger logger, Exception? failure, string incidentId, int status);
}
