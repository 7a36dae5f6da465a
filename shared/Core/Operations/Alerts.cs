using System.Globalization;
using System.Net.Http.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.Reconciliation;
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
        OutboxLagMinutes = OutboxLagMinutes ?? defaults.OutboxLagMinutes,
        UnacknowledgedSlipMinutes = UnacknowledgedSlipMinutes ?? defaults.UnacknowledgedSlipMinutes,
        DiscrepanciesFlagged = DiscrepanciesFlagged ?? defaults.DiscrepanciesFlagged,
    };
}

/// <summary>One measured figure of a tenant against its threshold. <see cref="Kind"/> names the incident (with the instance for discrepancies).</summary>
public sealed record AlertMeasure(string Tenant, string Kind, string? Instance, double Value, double Threshold, string Unit, string Summary)
{
    public bool Over => Threshold > 0 && Value >= Threshold;
}

/// <summary>The data of an alert CloudEvent (<c>alert.raised</c> / <c>alert.cleared</c>).</summary>
public sealed record AlertMessage(
    string IncidentId, string Tenant, string Kind, string? Instance, string State, double Value, double Threshold, string Unit, string Summary,
    DateTimeOffset OpenedAt, DateTimeOffset? ClearedAt);

/// <summary>One incident per tenant and kind: open while the figure stays over its threshold.</summary>
public sealed class AlertIncidentEntity : ITableEntity
{
    public const string Open = "Open";
    public const string Cleared = "Cleared";

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
/// </summary>
public sealed partial class AlertEvaluator(
    HubStorage storage,
    OutboxMessages outbox,
    TenantDirectory tenants,
    FailedSyncStore failedSyncs,
    PickSlipOrchestrator slips,
    ReconciliationStore reconciliations,
    IOptions<AlertOptions> options,
    IHttpClientFactory http,
    TimeProvider time,
    ILogger<AlertEvaluator> logger)
{
    public const string DeadLettered = DeadLetters.Reason;

    private static readonly HashSet<string> PerSlipAlerts = new(["overdue-acknowledgement", "overdue-shipment"], StringComparer.Ordinal);

    /// <summary>Measures every tenant and returns the alert CloudEvents to send (raised and cleared).</summary>
    public async Task<IReadOnlyList<string>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await outbox.MeasureAsync(cancellationToken).ConfigureAwait(false); // the outbox gauges' figures until the next tick
        var outboxOldest = await OutboxOldestByTenantAsync(cancellationToken).ConfigureAwait(false);
        var incidents = await storage.TableAsync(HubTable.AlertIncidents, cancellationToken).ConfigureAwait(false);
        var alerts = new List<(AlertMessage Message, string Event)>();
        // The unknown-tenant marker too: a captured message whose tenant could not be read still waits for a person.
        foreach (var tenant in tenants.All.Select(i => i.Tenant).Append(FailedSyncStore.UnknownTenant).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            foreach (var measure in await MeasureAsync(tenant, now, outboxOldest, cancellationToken).ConfigureAwait(false))
            {
                if (await DecideAsync(incidents, measure, now, cancellationToken).ConfigureAwait(false) is { } alert)
                {
                    alerts.Add(alert);
                }
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

    private async Task<(AlertMessage, string)?> DecideAsync(TableClient incidents, AlertMeasure measure, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var partition = TableKeys.Escape(measure.Tenant);
        var row = TableKeys.Escape(measure.Kind);
        var found = await incidents.GetEntityIfExistsAsync<AlertIncidentEntity>(partition, row, cancellationToken: cancellationToken).ConfigureAwait(false);
        var current = found.HasValue ? found.Value : null;
        var isOpen = current?.State == AlertIncidentEntity.Open;
        try
        {
            if (measure.Over && !isOpen)
            {
                var count = (current?.Count ?? 0) + 1;
                var incident = new AlertIncidentEntity
                {
                    PartitionKey = partition, RowKey = row, State = AlertIncidentEntity.Open, OpenedAt = now, Value = measure.Value, Threshold = measure.Threshold, Count = count,
                    IncidentId = $"{measure.Tenant}/{measure.Kind}/{count.ToString(CultureInfo.InvariantCulture)}",
                };
                if (current is null)
                {
                    await incidents.AddEntityAsync(incident, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await incidents.UpdateEntityAsync(incident, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                LogRaised(logger, incident.IncidentId, measure.Summary);
                return Message(incident, measure, "raised");
            }

            if (!measure.Over && isOpen)
            {
                current!.State = AlertIncidentEntity.Cleared;
                current.ClearedAt = now;
                current.Value = measure.Value;
                await incidents.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                LogCleared(logger, current.IncidentId, measure.Summary);
                return Message(current, measure, "cleared");
            }
        }
        catch (RequestFailedException raced) when (raced.Status is 409 or 412)
        {
            // another evaluator decided the same incident at the same moment: it sends the alert
        }

        return null;
    }

    private static (AlertMessage, string) Message(AlertIncidentEntity incident, AlertMeasure measure, string state)
    {
        var message = new AlertMessage(incident.IncidentId, measure.Tenant, measure.Kind.Split('|')[0], measure.Instance, state, measure.Value, measure.Threshold,
            measure.Unit, measure.Summary, incident.OpenedAt, incident.ClearedAt);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert incident {IncidentId} cleared: {Summary}")]
    private static partial void LogCleared(ILogger logger, string incidentId, string summary);

    [LoggerMessage(Level = LogLevel.Error, Message = "Alert {IncidentId} could not be posted to the alerts webhook (HTTP {Status})")]
    private static partial void LogWebhookFailed(ILogger logger, Exception? failure, string incidentId, int status);
}
