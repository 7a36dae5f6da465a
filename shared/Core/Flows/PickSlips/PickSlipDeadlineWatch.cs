using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Flows.PickSlips;

public sealed class PickSlipOptions
{
    /// <summary>Storage queue of escalation checks (timer -> escalation function); shared with function.json.</summary>
    public const string EscalationQueueSetting = "PICKSLIP_ESCALATION_QUEUE";

    public string EscalationQueue { get; set; } = "pickslip-escalations";

    /// <summary>How many days back the deadline scan looks for hints (a deadline older than that was handled).</summary>
    public int LookbackDays { get; set; } = 14;

    /// <summary>At most this many escalation checks per scan; the rest come with the next one.</summary>
    public int ScanBatch { get; set; } = 500;

    public static void Configure(PickSlipOptions options, IConfiguration configuration) =>
        options.EscalationQueue = configuration[EscalationQueueSetting] ?? options.EscalationQueue;
}

/// <summary>"Check whether this slip missed this deadline": the durable unit of work between scan and escalation.</summary>
public sealed record EscalationCheck(string Tenant, string PickSlipId, DeadlineKind Kind, DateTimeOffset DueAt);

/// <summary>What an escalation sends: the OMS status event and an alert for people.</summary>
public sealed record Escalation(string? StatusEvent, string? Alert);

/// <summary>
/// The "durable timers" of the orchestration. A timer-triggered scan finds slips whose deadline passed through
/// the deadline hints (never a scan of every slip) and puts one escalation check per slip on a queue; the
/// queue-triggered escalation applies "deadline missed" exactly once per slip and deadline and returns the
/// status event and the alert. The queue makes it durable: a failed escalation is retried by the host, and a
/// check enqueued twice escalates once.
/// </summary>
public sealed partial class PickSlipDeadlineWatch(
    PickSlipOrchestrator slips,
    PickSlipDeadlineDirectory deadlineDirectory,
    HubStorage storage,
    AuditLog audit,
    IOptions<PickSlipOptions> options,
    TimeProvider time,
    ILogger<PickSlipDeadlineWatch> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Enqueues an escalation check for every due deadline hint, then drops the hint. Returns how many.</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var due = await slips.FindDueAsync(time.GetUtcNow(), settings.LookbackDays, settings.ScanBatch, cancellationToken).ConfigureAwait(false);
        var queue = await storage.QueueAsync(settings.EscalationQueue, cancellationToken).ConfigureAwait(false);
        foreach (var slip in due)
        {
            await queue.SendMessageAsync(
                JsonSerializer.Serialize(new EscalationCheck(slip.Tenant, slip.PickSlipId, slip.Kind, slip.DueAt), Json),
                timeToLive: TimeSpan.FromSeconds(-1),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            await slips.ForgetDeadlineHintAsync(slip, cancellationToken).ConfigureAwait(false);
        }

        if (due.Count > 0)
        {
            LogScanned(logger, due.Count);
        }

        return due.Count;
    }

    public static EscalationCheck? ReadCheck(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<EscalationCheck>(text, Json) is { Tenant.Length: > 0, PickSlipId.Length: > 0 } check ? check : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Escalates the slip if it really missed the deadline; the same check again gives the same messages.</summary>
    public async Task<Escalation> EscalateAsync(EscalationCheck check, CancellationToken cancellationToken)
    {
        var slip = await slips.GetAsync(check.Tenant, check.PickSlipId, cancellationToken).ConfigureAwait(false);
        if (slip is null || deadlineDirectory.For(slip.Tenant, slip.Instance, slip.ServiceLevel) is not { } deadlines)
        {
            LogGone(logger, check.Tenant, check.PickSlipId);
            return new Escalation(null, null);
        }

        var eventId = string.Create(CultureInfo.InvariantCulture, $"{check.Kind}|{check.DueAt.UtcTicks}");
        var result = await slips.ApplyAsync(
            check.Tenant, check.PickSlipId, "timer", eventId, new DeadlineMissed(check.Kind),
            deadlines, correlationId: eventId, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != PickSlipOutcome.AppliedAndFlagged)
        {
            return new Escalation(null, null);
        }

        var escalated = result.Slip!;
        await audit.WriteAsync(
            new AuditEntry(escalated.Tenant, check.DueAt, "pickslips", "escalated", Instance: escalated.Instance,
                EntityType: "pick-slip", EntityId: escalated.PickSlipId, EventId: eventId, Reason: result.FlagReason, Summary: result.Summary),
            $"pickslip|{escalated.PickSlipId}|{eventId}",
            cancellationToken).ConfigureAwait(false);

        var alert = OmsEvent.Create(
            $"{escalated.Tenant}/alerts/pickslips/{escalated.PickSlipId}/{check.Kind}",
            $"/tenants/{escalated.Tenant}/pickslips",
            "alert.pickslip-overdue",
            escalated.PickSlipId,
            check.DueAt,
            escalated.Tenant,
            eventId,
            new PickSlipOverdueAlert(escalated.PickSlipId, escalated.OrderId, escalated.Instance, escalated.Warehouse,
                check.Kind == DeadlineKind.Acknowledge ? "acknowledgement" : "shipment", check.DueAt, escalated.State.Name(), result.Summary));
        return new Escalation(result.StatusEvent, alert);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deadline scan queued {Count} escalation checks")]
    private static partial void LogScanned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Escalation check for pick slip {Tenant}/{PickSlipId}: the slip or its instance is gone")]
    private static partial void LogGone(ILogger logger, string tenant, string pickSlipId);
}

/// <summary>The data of an overdue-slip alert.</summary>
public sealed record PickSlipOverdueAlert(
    string PickSlipId, string OrderId, string Instance, string Warehouse, string Missed, DateTimeOffset DueAt, string State, string Summary);
