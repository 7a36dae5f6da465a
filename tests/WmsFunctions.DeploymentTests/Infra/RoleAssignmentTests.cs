using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>Least privilege: the app's identity gets data-plane roles on exactly what its functions use.</summary>
public sealed class RoleAssignmentTests(BicepWorkspace workspace)
{
    private Task<DeploymentSnapshot> SnapshotAsync(string paramFile = "dev.bicepparam") =>
        workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ServiceBus_EveryEntityAnOutputOrTriggerUses_IsDeployedWithItsRoleScopedToIt()
    {
        var snapshot = await SnapshotAsync();

        DeploymentExpectations.AssertNone(DeploymentExpectations.ServiceBusProblems(FunctionCatalog.All, snapshot));
        Assert.Contains(FunctionJsonBinding.Of(FunctionCatalog.All), b => b.Type == "serviceBus"); // the check above ran on something
    }

    [Fact]
    public async Task ServiceBus_EveryRole_IsOnAnEntityAFunctionUses()
    {
        // No grant on the namespace (it would reach every entity) and none on an entity no function uses.
        var snapshot = await SnapshotAsync();
        var ns = (string)snapshot.One("Microsoft.ServiceBus/namespaces")["id"]!;
        var used = FunctionJsonBinding.Of(FunctionCatalog.All)
            .Where(b => b.Type is "serviceBus" or "serviceBusTrigger")
            .Select(b => (
                Role: b.Type == "serviceBus" ? AzureRoles.ServiceBusDataSender : AzureRoles.ServiceBusDataReceiver,
                Entity: b.SettingOf("queueName") is { } queue
                    ? $"{ns}/queues/{snapshot.AppSettings[queue]}"
                    : b.SettingOf("subscriptionName") is { } sub
                        ? $"{ns}/topics/{b.EntityName("topicName", snapshot.AppSettings)}/subscriptions/{snapshot.AppSettings[sub]}"
                        : $"{ns}/topics/{b.EntityName("topicName", snapshot.AppSettings)}"))
            .ToHashSet();

        var grants = snapshot.RoleAssignments
            .Where(a => a.RoleId is AzureRoles.ServiceBusDataSender or AzureRoles.ServiceBusDataReceiver || a.Scope.Contains("/Microsoft.ServiceBus/", StringComparison.OrdinalIgnoreCase))
            .ToList();

        Assert.NotEmpty(grants);
        Assert.All(grants, a => Assert.Contains((a.RoleId, a.Scope), used));
        Assert.DoesNotContain(snapshot.RoleAssignments, a => string.Equals(a.Scope, ns, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ServiceBus_TriggerOnASubscriptionWithoutReceiverRole_IsReported()
    {
        // A later function that reads the OMS subscription: the setting alone is not enough, the identity needs
        // Data Receiver on that subscription, which main.bicep does not grant (receive: false).
        var snapshot = (await SnapshotAsync()).WithExtraAppSettings(new Dictionary<string, string> { ["OMS_SUBSCRIPTION"] = "oms" });
        var trigger = new FunctionDefinition(
            "ReadOms",
            new ServiceBusTrigger("message", FunctionCatalog.ServiceBusConnection, TopicNameSetting: FunctionCatalog.OmsEventsTopicSetting, SubscriptionNameSetting: "OMS_SUBSCRIPTION"),
            [],
            null,
            null);

        var problem = Assert.Single(DeploymentExpectations.ServiceBusProblems([trigger], snapshot));

        Assert.Contains("Azure Service Bus Data Receiver", problem, StringComparison.Ordinal);
        Assert.Contains("/topics/wms-to-oms/subscriptions/oms", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceBus_OutputToAnEntityThatIsNotDeployed_IsReported()
    {
        var snapshot = (await SnapshotAsync()).WithExtraAppSettings(new Dictionary<string, string> { ["WMS_COMMANDS_QUEUE"] = "wms-commands" });
        var output = new FunctionDefinition(
            "SendCommands",
            new TimerTrigger("timer", "RECONCILE_SCHEDULE"),
            [new ServiceBusOutput("commands", FunctionCatalog.ServiceBusConnection, QueueNameSetting: "WMS_COMMANDS_QUEUE")],
            null,
            null);

        var problems = DeploymentExpectations.ServiceBusProblems([output], snapshot);

        Assert.Contains(problems, p => p.Contains("/queues/wms-commands is not deployed", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Azure Service Bus Data Sender", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dev.bicepparam")]
    [InlineData("prod.bicepparam")]
    public async Task RoleAssignments_All_AreDataPlaneRolesOfTheAppIdentity(string paramFile)
    {
        var snapshot = await SnapshotAsync(paramFile);

        Assert.NotEmpty(snapshot.RoleAssignments);
        Assert.All(snapshot.RoleAssignments, a =>
        {
            Assert.False(AzureRoles.Forbidden.ContainsKey(a.RoleId), $"{AzureRoles.Forbidden.GetValueOrDefault(a.RoleId)} on {a.Scope}");
            Assert.True(AzureRoles.Expected.ContainsKey(a.RoleId), $"Unexpected role {a.RoleId} on {a.Scope}: add it to AzureRoles.Expected only with a reason in main.bicep.");
            Assert.Equal("ServicePrincipal", a.PrincipalType);
            Assert.True(DeploymentExpectations.IsPropertyOf(a.PrincipalId, snapshot.AppIdentityId, "principalId"), $"{a.Scope}: principal {a.PrincipalId}");
        });
    }

    [Fact]
    public async Task RoleAssignments_Names_AreGuidOfScopePrincipalAndRole()
    {
        var snapshot = await SnapshotAsync();
        var principal = Assert.Single(snapshot.RoleAssignments.Select(a => a.PrincipalId).Distinct(StringComparer.Ordinal));

        Assert.All(snapshot.RoleAssignments, a => Assert.Equal($"[guid('{a.Scope}', {principal[1..^1]}, '{a.RoleId}')]", a.Name));
    }

    [Fact]
    public async Task RoleAssignments_OutsideServiceBus_AreExactlyTheReasonedOnes()
    {
        var snapshot = await SnapshotAsync();
        string IdOf(string type, Func<string, bool> name) => (string)snapshot.OfType(type).Single(r => name((string)r["name"]!))["id"]!;
        var hostAccount = IdOf("Microsoft.Storage/storageAccounts", n => n.Contains("fn", StringComparison.Ordinal));
        var dataAccount = IdOf("Microsoft.Storage/storageAccounts", n => n.Contains("dt", StringComparison.Ordinal));
        var vault = (string)snapshot.One("Microsoft.KeyVault/vaults")["id"]!;
        var appInsights = (string)snapshot.One("Microsoft.Insights/components")["id"]!;

        // Service Bus roles follow the catalog (tests above); everything else is a fixed, reasoned list.
        var actual = snapshot.RoleAssignments
            .Where(a => !a.Scope.Contains("/Microsoft.ServiceBus/", StringComparison.OrdinalIgnoreCase))
            .Select(a => (Scope: a.Scope.ToUpperInvariant(), Role: AzureRoles.Expected.GetValueOrDefault(a.RoleId, a.RoleId))).Order().ToList();
        var expected = new[]
        {
            (hostAccount, "Storage Blob Data Owner"), // host keys, locks, timers; the deployment package
            (hostAccount, "Storage Table Data Contributor"), // host diagnostic events
            (dataAccount, "Storage Table Data Contributor"), // the hub's tables
            (dataAccount, "Storage Queue Data Contributor"), // outbox queue and its trigger
            (vault, "Key Vault Secrets User"), // Key Vault references
            (appInsights, "Monitoring Metrics Publisher"), // Entra-authenticated telemetry
        }.Select(e => (Scope: e.Item1.ToUpperInvariant(), Role: e.Item2)).Order().ToList();

        Assert.Equal(expected, actual);
    }
}
