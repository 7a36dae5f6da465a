using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// What Azure Monitor must watch, checked against a snapshot: every queue and subscription a function of the catalog
/// reads has its alert, every alert notifies the action group, and the five resources send their logs to the
/// workspace. Each method returns the problems it finds (empty when all is well), so tests can also feed it made-up
/// functions to show that it catches what is missing.
/// </summary>
public static partial class MonitoringExpectations
{
    public const string MetricAlertType = "Microsoft.Insights/metricAlerts";
    public const string LogAlertType = "Microsoft.Insights/scheduledQueryRules";
    public const string DiagnosticSettingType = "Microsoft.Insights/diagnosticSettings";

    /// <summary>
    /// The metric instruments of the handler's meter "WmsFunctions", as they land in Application Insights
    /// <c>customMetrics</c> (the names every part of issue 16 agreed on). A query that names another wms.* metric
    /// reads a series that never exists and stays silent.
    /// </summary>
    public static IReadOnlySet<string> MetricNames { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "wms.events.accepted", "wms.events.refused", "wms.events.replayed", "wms.events.duplicate",
        "wms.e2e.lag", "wms.outbox.depth", "wms.outbox.oldest_age", "wms.failed_syncs.open", "wms.queue.poisoned",
        "wms.servicebus.dead_lettered", "wms.partner.call.duration", "wms.partner.circuit.state",
        "wms.reconciliation.differences", "wms.channel.publication_lag",
    };

    /// <summary>The wms.* metric names a query text mentions.</summary>
    public static IReadOnlyList<string> MetricNamesIn(string query) =>
        MetricName().Matches(query).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Every storage queue a queue trigger reads (poison watchers aside: theirs is the same queue) has an
    /// enabled log alert over <c>wms.queue.poisoned</c> for that queue.</summary>
    public static IReadOnlyList<string> MissingPoisonAlerts(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var rules = snapshot.OfType(LogAlertType).Where(IsEnabled).Select(r => (Rule: r, Query: LogAlertQuery(r))).ToList();
        var problems = new List<string>();
        foreach (var binding in FunctionJsonBinding.Of(functions).Where(b => b.Type == "queueTrigger" && !b.IsFailureWatcher))
        {
            var queue = binding.EntityName("queueName", snapshot.AppSettings);
            if (string.IsNullOrEmpty(queue))
            {
                problems.Add($"{binding}: its queue name cannot be resolved from the app settings.");
                continue;
            }

            if (!rules.Any(r => r.Query.Contains("'wms.queue.poisoned'", StringComparison.Ordinal) && r.Query.Contains($"'{queue}'", StringComparison.Ordinal)))
            {
                problems.Add($"{binding}: no enabled log alert over wms.queue.poisoned for queue '{queue}'.");
            }
        }

        return problems;
    }

    /// <summary>Every subscription a Service Bus trigger reads has an enabled metric alert on the namespace's
    /// DeadletteredMessages for its topic (the metric's EntityName is the queue or topic).</summary>
    public static IReadOnlyList<string> MissingDeadLetterAlerts(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var ns = (string)snapshot.One("Microsoft.ServiceBus/namespaces")["id"]!;
        var watched = snapshot.OfType(MetricAlertType)
            .Where(a => IsEnabled(a) && (a.At("properties.scopes")?.AsArray().Any(s => string.Equals((string?)s, ns, StringComparison.OrdinalIgnoreCase)) ?? false))
            .SelectMany(a => a.At("properties.criteria.allOf")?.AsArray() ?? [])
            .Where(c => (string?)c?["metricName"] == "DeadletteredMessages")
            .SelectMany(c => c!["dimensions"]?.AsArray() ?? [])
            .Where(d => (string?)d?["name"] == "EntityName" && (string?)d["operator"] == "Include")
            .SelectMany(d => d!["values"]!.AsArray().Select(v => (string?)v))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var binding in FunctionJsonBinding.Of(functions).Where(b => b.Type == "serviceBusTrigger" && !b.IsFailureWatcher))
        {
            var entity = binding.EntityName("queueName", snapshot.AppSettings) ?? binding.EntityName("topicName", snapshot.AppSettings);
            var subscription = binding.EntityName("subscriptionName", snapshot.AppSettings);
            if (string.IsNullOrEmpty(entity))
            {
                problems.Add($"{binding}: its queue or topic cannot be resolved from the app settings.");
            }
            else if (!watched.Contains(entity))
            {
                problems.Add($"{binding}: no enabled DeadletteredMessages alert for {entity}{(subscription is null ? "" : $"/{subscription}")} on {ns}.");
            }
        }

        return problems;
    }

    /// <summary>Every alert rule (metric and log) is enabled and notifies the deployment's one action group.</summary>
    public static IReadOnlyList<string> UnnotifiedAlerts(DeploymentSnapshot snapshot)
    {
        var group = (string)snapshot.One("Microsoft.Insights/actionGroups")["id"]!;
        var problems = new List<string>();
        foreach (var alert in snapshot.OfType(MetricAlertType).Concat(snapshot.OfType(LogAlertType)))
        {
            var groups = (string?)alert["type"] == LogAlertType
                ? alert.At("properties.actions.actionGroups")?.AsArray().Select(g => (string?)g)
                : alert.At("properties.actions")?.AsArray().Select(a => (string?)a?["actionGroupId"]);
            if (!(groups ?? []).Contains(group, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{alert["name"]}: does not notify {group}.");
            }

            if (!IsEnabled(alert))
            {
                problems.Add($"{alert["name"]}: is not enabled.");
            }
        }

        return problems;
    }

    /// <summary>
    /// The function app, the Service Bus namespace, the Key Vault and both storage accounts each have a diagnostic
    /// setting into the deployment's workspace with metrics and (except a storage account, which has none) logs on;
    /// a storage account's request logs live on its blob, queue and table services, so each of those has one too.
    /// </summary>
    public static IReadOnlyList<string> DiagnosticProblems(DeploymentSnapshot snapshot)
    {
        var workspace = (string)snapshot.One("Microsoft.OperationalInsights/workspaces")["id"]!;
        var settings = snapshot.OfType(DiagnosticSettingType);
        var accounts = snapshot.OfType("Microsoft.Storage/storageAccounts").Select(a => (string)a["id"]!).ToList();
        var covered = new List<(string Id, bool Logs)>
        {
            ((string)snapshot.FunctionApp["id"]!, true),
            ((string)snapshot.One("Microsoft.ServiceBus/namespaces")["id"]!, true),
            ((string)snapshot.One("Microsoft.KeyVault/vaults")["id"]!, true),
        };
        foreach (var account in accounts)
        {
            covered.Add((account, false));
            covered.AddRange(new[] { "blobServices", "queueServices", "tableServices" }.Select(service => ($"{account}/{service}/default", true)));
        }

        var problems = new List<string>();
        if (accounts.Count != 2)
        {
            problems.Add($"expected the host and the data storage accounts, found {accounts.Count}.");
        }

        foreach (var (id, logs) in covered)
        {
            var setting = settings.FirstOrDefault(s =>
                ((string)s["id"]!).StartsWith($"{id}/providers/{DiagnosticSettingType}/", StringComparison.OrdinalIgnoreCase)
                && string.Equals((string?)s.At("properties.workspaceId"), workspace, StringComparison.OrdinalIgnoreCase));
            if (setting is null)
            {
                problems.Add($"{id}: no diagnostic setting into {workspace}.");
                continue;
            }

            if (!AnyEnabled(setting, "metrics"))
            {
                problems.Add($"{id}: its diagnostic setting sends no metrics.");
            }

            if (logs && !AnyEnabled(setting, "logs"))
            {
                problems.Add($"{id}: its diagnostic setting sends no logs.");
            }
        }

        return problems;
    }

    /// <summary>The query of a log alert's (single) condition.</summary>
    public static string LogAlertQuery(JsonObject rule) =>
        string.Concat((rule.At("properties.criteria.allOf")?.AsArray() ?? []).Select(c => (string?)c?["query"] ?? ""));

    private static bool IsEnabled(JsonObject alert) => (bool?)alert.At("properties.enabled") == true;

    private static bool AnyEnabled(JsonObject setting, string kind) =>
        setting.At($"properties.{kind}")?.AsArray().Any(entry => (bool?)entry?["enabled"] == true) ?? false;

    [GeneratedRegex(@"\bwms\.[a-z0-9_]+(\.[a-z0-9_]+)*")]
    private static partial Regex MetricName();
}
