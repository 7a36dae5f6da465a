using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Operations;

/// <summary>One dependency or figure of the readiness answer (never tenant data, never a secret).</summary>
public sealed record HealthCheckResult(string Name, string Status, string Detail);

/// <summary>Sync lag without tenant data: the oldest message waiting in the outbox and how many wait.</summary>
public sealed record HealthLag(double? OutboxOldestAgeSeconds, int? OutboxApproximateMessages);

/// <summary>
/// What waits for a person, without tenant data: open failed syncs in all, and per place they wait (a storage queue's
/// poison watcher or the queue's own refusal, a Service Bus subscription's dead letters, or the flow that recorded
/// them), each with the age of its oldest; and the messages still sitting in each poison queue (normally 0: the
/// watchers take them at once). Per tenant, the same counts drive the alerts.
/// </summary>
public sealed record HealthFailures(int Open, double? OldestAgeSeconds, IReadOnlyList<HealthWaiting> Waiting, IReadOnlyList<HealthPoisonBacklog> PoisonBacklogs);

/// <summary>Open failed syncs of one origin: kind (poison-queue, queue, dead-letter, flow) and its queue, subscription or flow.</summary>
public sealed record HealthWaiting(string Kind, string Origin, int Open, double OldestAgeSeconds);

public sealed record HealthPoisonBacklog(string Queue, int? ApproximateMessages);

public sealed record HealthReport(string Status, IReadOnlyList<HealthCheckResult> Checks, HealthLag Lag, HealthFailures? Failures = null)
{
    public bool Ready => Status == "ready";
}

/// <summary>
/// Readiness: Table Storage answers within <see cref="StorageTimeout"/>, the configuration is complete (every app
/// setting a function.json names is set, the tenants file, when named, exists and parses), the outbox lag, and what
/// waits for a person (<see cref="HealthFailures"/>: figures, never a reason to be not ready).
/// Safe to answer anonymously: names and figures only.
/// </summary>
public sealed class HealthCheck(
    TableServiceClient tables,
    HubStorage storage,
    OutboxMessages outbox,
    IConfiguration configuration,
    TenantDirectory tenants,
    FailedSyncStore failedSyncs,
    PoisonedMessages poisoned,
    TimeProvider time)
{
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(3);

    public const string TenantsFileSetting = "HUB_TENANTS_FILE";

    public async Task<HealthReport> CheckAsync(IEnumerable<string> requiredSettings, CancellationToken cancellationToken)
    {
        var checks = new List<HealthCheckResult>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageTimeout);
        var storageUp = false;
        try
        {
            await foreach (var _ in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages(pageSizeHint: 1).ConfigureAwait(false))
            {
                break;
            }

            storageUp = true;
            checks.Add(new("table-storage", "up", "answered"));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            checks.Add(new("table-storage", "down", $"no answer within {StorageTimeout.TotalSeconds:0} s"));
        }
        catch (RequestFailedException failure)
        {
            checks.Add(new("table-storage", "down", $"HTTP {failure.Status}"));
        }
        catch (Exception failure) when (failure is AggregateException or System.Net.Http.HttpRequestException)
        {
            checks.Add(new("table-storage", "down", "unreachable"));
        }

        var missing = requiredSettings.Where(s => string.IsNullOrWhiteSpace(configuration[s])).Order(StringComparer.Ordinal).ToArray();
        checks.Add(missing.Length == 0
            ? new("settings", "ok", "every setting the functions name is set")
            : new("settings", "missing", "not set: " + string.Join(", ", missing)));

        checks.Add(TenantsFile());

        HealthLag lag = new(null, null);
        if (storageUp)
        {
            try
            {
                var measured = await outbox.MeasureAsync(timeout.Token).ConfigureAwait(false);
                lag = new HealthLag(Math.Round(measured.OldestAge.TotalSeconds), measured.Depth);
            }
            catch (Exception failure) when (failure is RequestFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                checks.Add(new("outbox-queue", "down", "the outbox queue did not answer"));
            }
        }

        HealthFailures? failures = null;
        if (storageUp)
        {
            try
            {
                failures = await FailuresAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is RequestFailedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                checks.Add(new("failed-syncs", "down", "the failed-sync index did not answer"));
            }
        }

        var ready = checks.All(c => c.Status is "up" or "ok");
        return new HealthReport(ready ? "ready" : "not-ready", checks, lag, failures);
    }

    /// <summary>Counts what waits for a person (every tenant's age index, and the unknown-tenant marker's) and each poison queue's backlog.</summary>
    public async Task<HealthFailures> FailuresAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var open = new List<OpenFailure>();
        foreach (var tenant in tenants.All.Select(i => i.Tenant).Append(FailedSyncStore.UnknownTenant).Distinct(StringComparer.Ordinal))
        {
            open.AddRange(await failedSyncs.OpenSummaryAsync(tenant, cancellationToken).ConfigureAwait(false));
        }

        double Age(DateTimeOffset at) => Math.Max(0, Math.Round((now - at).TotalSeconds));
        var waiting = open.GroupBy(o => o.Source)
            .OrderBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Name, StringComparer.Ordinal)
            .Select(g => new HealthWaiting(g.Key.Kind, g.Key.Name, g.Count(), Age(g.Min(o => o.FirstSeenAt))))
            .ToArray();
        var poisonQueues = new List<HealthPoisonBacklog>();
        foreach (var queue in poisoned.Queues.OrderBy(q => q.QueueName, StringComparer.Ordinal))
        {
            var poison = await storage.QueueAsync(queue.QueueName + "-poison", cancellationToken).ConfigureAwait(false);
            poisonQueues.Add(new(poison.Name, (await poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount));
        }

        return new HealthFailures(open.Count, open.Count == 0 ? null : Age(open.Min(o => o.FirstSeenAt)), waiting, poisonQueues);
    }

    private HealthCheckResult TenantsFile()
    {
        if (configuration[TenantsFileSetting] is not { Length: > 0 } file)
        {
            return new("tenants-file", "ok", "none named: tenants come from app settings");
        }

        var path = Path.GetFullPath(file, AppContext.BaseDirectory);
        if (!File.Exists(path))
        {
            return new("tenants-file", "missing", "the file HUB_TENANTS_FILE names does not exist");
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var _ = System.Text.Json.JsonDocument.Parse(stream);
            return new("tenants-file", "ok", "parses");
        }
        catch (System.Text.Json.JsonException)
        {
            return new("tenants-file", "invalid", "the tenants file is not valid JSON");
        }
    }
}
