using System.Text.Json.Nodes;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// Azure Monitor as main.bicep deploys it, for dev and prod alike: diagnostic settings of the five resources, an
/// alert for every queue and subscription of <see cref="FunctionCatalog"/>, the hub's alerts on the agreed metric
/// names, all notifying the action group, and the operators' workbook.
/// </summary>
public sealed class MonitoringTests(BicepWorkspace workspace)
{
    public static TheoryData<string> Environments() => ["dev.bicepparam", "prod.bicepparam"];

    private static string WorkbookPath => Path.Combine(BicepWorkspace.SourceDirectory, "workbooks", "operations.workbook.json");

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task DiagnosticSettings_FiveResources_SendLogsAndMetricsToTheWorkspace(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        DeploymentExpectations.AssertNone(MonitoringExpectations.DiagnosticProblems(snapshot));
        // 3 resources + 2 accounts, each account with its blob, queue and table services.
        Assert.Equal(3 + (2 * 4), snapshot.OfType(MonitoringExpectations.DiagnosticSettingType).Count);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Alerts_EveryQueueTrigger_HasAPoisonAlert(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        DeploymentExpectations.AssertNone(MonitoringExpectations.MissingPoisonAlerts(FunctionCatalog.All, snapshot));
        Assert.Contains(FunctionJsonBinding.Of(FunctionCatalog.All), b => b.Type == "queueTrigger" && !b.IsFailureWatcher); // the check above ran on something
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Alerts_EveryServiceBusSubscription_HasADeadLetterAlert(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        DeploymentExpectations.AssertNone(MonitoringExpectations.MissingDeadLetterAlerts(FunctionCatalog.All, snapshot));
        Assert.Contains(FunctionJsonBinding.Of(FunctionCatalog.All), b => b.Type == "serviceBusTrigger" && !b.IsFailureWatcher);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Alerts_Every_IsEnabledAndNotifiesTheActionGroup(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        DeploymentExpectations.AssertNone(MonitoringExpectations.UnnotifiedAlerts(snapshot));
        Assert.True(snapshot.OfType(MonitoringExpectations.MetricAlertType).Count + snapshot.OfType(MonitoringExpectations.LogAlertType).Count > 10);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Alerts_HubRules_WatchFailureRateErrorsLagAndOpenFailedSyncs(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var appInsights = (string)snapshot.One("Microsoft.Insights/components")["id"]!;
        var rules = snapshot.OfType(MonitoringExpectations.LogAlertType);
        JsonObject Rule(string kind) => Assert.Single(rules, r => (string?)r.At("tags.wms-alert") == kind);
        JsonObject Condition(JsonObject rule) => rule.At("properties.criteria.allOf")!.AsArray().Single()!.AsObject();

        Assert.All(rules, r => Assert.Equal(appInsights, (string?)r.At("properties.scopes")!.AsArray().Single(), StringComparer.OrdinalIgnoreCase));
        Assert.Contains("requests", MonitoringExpectations.LogAlertQuery(Rule("failure-rate")), StringComparison.Ordinal);
        Assert.Contains("exceptions", MonitoringExpectations.LogAlertQuery(Rule("function-errors")), StringComparison.Ordinal);
        // End-to-end lag p95 over 2 s, per tenant and instance.
        var lag = Rule("lag-p95");
        Assert.Contains("'wms.e2e.lag'", MonitoringExpectations.LogAlertQuery(lag), StringComparison.Ordinal);
        Assert.Contains("95)", MonitoringExpectations.LogAlertQuery(lag), StringComparison.Ordinal);
        Assert.Equal(2000, (int?)Condition(lag)["threshold"]);
        Assert.Equal("GreaterThan", (string?)Condition(lag)["operator"]);
        Assert.Equal(["tenant", "instance"], Condition(lag)["dimensions"]!.AsArray().Select(d => (string?)d!["name"]));
        // Any open failed sync.
        var failedSyncs = Rule("failed-syncs-open");
        Assert.Contains("'wms.failed_syncs.open'", MonitoringExpectations.LogAlertQuery(failedSyncs), StringComparison.Ordinal);
        Assert.Equal(0, (int?)Condition(failedSyncs)["threshold"]);
        Assert.Equal("GreaterThan", (string?)Condition(failedSyncs)["operator"]);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Alerts_Queries_NameOnlyTheAgreedMetrics(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        var names = snapshot.OfType(MonitoringExpectations.LogAlertType).SelectMany(r => MonitoringExpectations.MetricNamesIn(MonitoringExpectations.LogAlertQuery(r))).ToList();

        Assert.Contains("wms.queue.poisoned", names);
        Assert.All(names, name => Assert.True(MonitoringExpectations.MetricNames.Contains(name), $"A rule reads '{name}', which the handler does not publish."));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Availability_HealthEndpoint_IsTestedAndAlerted(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var health = Assert.Single(FunctionCatalog.All, f => f.Name == "Health");
        var path = health.HandlerRoute(FunctionCatalog.RoutePrefix); // /api/health, anonymous

        var test = snapshot.One("Microsoft.Insights/webtests");
        var url = (string)test.At("properties.Request.RequestUrl")!;
        var alert = Assert.Single(snapshot.OfType(MonitoringExpectations.MetricAlertType), a =>
            (string?)a.At("properties.criteria")?["odata.type"] == "Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria");

        Assert.Contains($"https://{{0}}{path}'", url, StringComparison.Ordinal);
        Assert.Contains($"reference('{snapshot.FunctionApp["id"]}'", url, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(200, (int?)test.At("properties.ValidationRules.ExpectedHttpStatusCode"));
        Assert.Equal((string?)test["id"], (string?)alert.At("properties.criteria")!["webTestId"]);
        var locations = test.At("properties.Locations")!.AsArray().Count;
        var failedLocations = (int)alert.At("properties.criteria")!["failedLocationCount"]!;
        Assert.InRange(failedLocations, 1, locations - 1); // one region's network is not an outage, and the alert can fire
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Workbook_IsDeployedFromTheCheckedInFile(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var appInsights = (string)snapshot.One("Microsoft.Insights/components")["id"]!;

        var workbook = snapshot.One("Microsoft.Insights/workbooks");
        var deployed = JsonNode.Parse((string)workbook.At("properties.serializedData")!)!.AsObject();
        var checkedIn = JsonNode.Parse(await File.ReadAllTextAsync(WorkbookPath, TestContext.Current.CancellationToken))!.AsObject();

        Assert.Equal(appInsights, (string?)workbook.At("properties.sourceId"), StringComparer.OrdinalIgnoreCase);
        Assert.Equal([appInsights], deployed["fallbackResourceIds"]!.AsArray().Select(id => (string?)id));
        Assert.True(JsonNode.DeepEquals(checkedIn["items"], deployed["items"]), "The deployed workbook's items differ from workbooks/operations.workbook.json.");
    }

    [Fact]
    public void Workbook_Json_HasTheOperatorsChartsOverAgreedMetricsOnly()
    {
        var workbook = JsonNode.Parse(File.ReadAllText(WorkbookPath))!.AsObject();
        var groups = workbook["items"]!.AsArray().Where(i => (int?)i!["type"] == 12).Select(i => (Name: (string)i!["name"]!, Items: i!["content"]!["items"]!.AsArray())).ToList();

        Assert.Equal("Notebook/1.0", (string?)workbook["version"]);
        // The operators' main charts: throughput, lag, failures by reason, per instance.
        Assert.Equal(["throughput", "lag", "failures", "per-instance"], groups.Select(g => g.Name));
        Assert.All(groups, group => Assert.Contains(group.Items, item => (int?)item!["type"] == 3 && !string.IsNullOrWhiteSpace((string?)item["content"]!["query"])));
        var names = Queries(workbook).SelectMany(MonitoringExpectations.MetricNamesIn).ToHashSet(StringComparer.Ordinal);
        Assert.All(names, name => Assert.True(MonitoringExpectations.MetricNames.Contains(name), $"The workbook reads '{name}', which the handler does not publish."));
        Assert.Superset(new HashSet<string>(["wms.events.accepted", "wms.e2e.lag", "wms.events.refused", "wms.failed_syncs.open"], StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task ActionGroup_WebhookUris_AreSecureAndNeverInAParamFile()
    {
        var template = await workspace.CompiledMainAsync(TestContext.Current.CancellationToken);

        var receiverType = template["parameters"]!["alertWebhookReceivers"]!["items"]!["$ref"]!.GetValue<string>().Split('/')[^1];
        Assert.Equal("securestring", (string?)template["definitions"]![receiverType]!["properties"]!["serviceUri"]!["type"]);
        foreach (var file in Directory.EnumerateFiles(BicepWorkspace.SourceDirectory, "*.bicepparam"))
        {
            var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            Assert.DoesNotContain("://", text, StringComparison.Ordinal); // no URL at all, so no webhook either
            Assert.Contains("param alertWebhookReceivers = json(readEnvironmentVariable(", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Expectations_QueueTriggerWithoutAlert_IsReported()
    {
        // A later queue function whose queue nobody added to main.bicep's list.
        var snapshot = (await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken))
            .WithExtraAppSettings(new Dictionary<string, string> { ["REPRICE_QUEUE"] = "reprice" });
        var function = new FunctionDefinition("Reprice", new QueueTrigger("item", "REPRICE_QUEUE", StorageOptions.ConnectionName), [], null, null);

        var problem = Assert.Single(MonitoringExpectations.MissingPoisonAlerts([function, .. FailureWatchersOf(function)], snapshot));

        Assert.Contains("'reprice'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expectations_SubscriptionWithoutAlert_IsReported()
    {
        // A later function reading a topic no hub function reads yet.
        var snapshot = (await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken))
            .WithExtraAppSettings(new Dictionary<string, string> { ["OPS_TOPIC"] = "wms-alerts", ["OPS_SUBSCRIPTION"] = "ops" });
        var function = new FunctionDefinition(
            "ReadAlerts",
            new ServiceBusTrigger("message", FunctionCatalog.ServiceBusConnection, TopicNameSetting: "OPS_TOPIC", SubscriptionNameSetting: "OPS_SUBSCRIPTION"),
            [],
            null,
            null);

        var problem = Assert.Single(MonitoringExpectations.MissingDeadLetterAlerts([function], snapshot));

        Assert.Contains("wms-alerts/ops", problem, StringComparison.Ordinal);
    }

    private static IEnumerable<FunctionDefinition> FailureWatchersOf(FunctionDefinition function) =>
        global::WmsFunctions.Handler.Operations.FailureWatchers.For(function);

    private static IEnumerable<string> Queries(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "query" && p.Value is JsonValue v && v.TryGetValue<string>(out var q) ? [q] : Queries(p.Value)),
        JsonArray a => a.SelectMany(Queries),
        _ => [],
    };
}
