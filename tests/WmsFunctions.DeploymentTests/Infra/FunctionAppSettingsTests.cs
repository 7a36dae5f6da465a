using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// The app settings main.bicep gives the function app (dev parameters), against what every function.json of
/// <see cref="FunctionCatalog"/> and the handler itself read.
/// </summary>
public sealed class FunctionAppSettingsTests(BicepWorkspace workspace)
{
    private Task<DeploymentSnapshot> DevAsync() => workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);

    [Fact]
    public async Task AppSettings_EverySettingAFunctionJsonNames_IsSet()
    {
        var snapshot = await DevAsync();

        DeploymentExpectations.AssertNone(DeploymentExpectations.MissingSettings(FunctionCatalog.All, snapshot));
    }

    [Fact]
    public async Task AppSettings_EveryConnectionAFunctionJsonNames_IsIdentityBased()
    {
        var snapshot = await DevAsync();

        DeploymentExpectations.AssertNone(DeploymentExpectations.ConnectionProblems(FunctionCatalog.All, snapshot));
        Assert.Contains(FunctionJsonBinding.Of(FunctionCatalog.All), b => b.Connection is not null); // the check above ran on something
    }

    [Fact]
    public async Task AppSettings_HostStorage_IsIdentityBasedOnTheHostAccount()
    {
        var snapshot = await DevAsync();
        var settings = snapshot.AppSettings;

        Assert.False(settings.ContainsKey("AzureWebJobsStorage"), "AzureWebJobsStorage must not be a connection string.");
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.True(DeploymentExpectations.IsPropertyOf(settings["AzureWebJobsStorage__clientId"], snapshot.AppIdentityId, "clientId"));
        var hostAccount = Assert.Single(snapshot.ReferencedIds(settings["AzureWebJobsStorage__blobServiceUri"], "Microsoft.Storage/storageAccounts"));
        // The data account is a different one: the host's internals and the hub's data never share an account.
        var dataAccount = Assert.Single(snapshot.ReferencedIds(settings["HubStorage__tableServiceUri"], "Microsoft.Storage/storageAccounts"));
        Assert.NotEqual(hostAccount, dataAccount);
        // The deployment package lives in the host account and is read with the same identity.
        var deployment = snapshot.FunctionApp.At("properties.functionAppConfig.deployment.storage")!;
        Assert.Contains($"'{hostAccount}'", (string)deployment["value"]!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("UserAssignedIdentity", (string?)deployment["authentication"]?["type"]);
        Assert.Equal(snapshot.AppIdentityId, (string?)deployment["authentication"]?["userAssignedIdentityResourceId"]);
    }

    [Fact]
    public async Task AppSettings_HandlerSettings_AreSetToTheDeployedNames()
    {
        var snapshot = await DevAsync();
        var settings = snapshot.AppSettings;

        Assert.Equal("tenants.json", settings[HandlerApp.TenantsFileSetting]);
        Assert.Equal("Hub", settings[StorageOptions.TablePrefixSetting]);
        Assert.Equal("oms-outbox", settings[StorageOptions.OutboxQueueSetting]);
        Assert.Equal("wms-to-oms", settings[FunctionCatalog.OmsEventsTopicSetting]);
        var queueEndpoint = settings["HubStorage__queueServiceUri"];
        var dataAccount = Assert.Single(snapshot.ReferencedIds(queueEndpoint, "Microsoft.Storage/storageAccounts"));
        Assert.True(DeploymentExpectations.IsPropertyOf(queueEndpoint, dataAccount, "primaryEndpoints.queue"), queueEndpoint);
    }

    [Fact]
    public async Task Tables_EveryHubTable_IsDeployedInTheDataAccount()
    {
        var snapshot = await DevAsync();
        var account = Assert.Single(snapshot.ReferencedIds(snapshot.AppSettings["HubStorage__tableServiceUri"], "Microsoft.Storage/storageAccounts"));
        var prefix = snapshot.AppSettings[StorageOptions.TablePrefixSetting];

        var missing = Enum.GetNames<HubTable>()
            .Select(table => $"{account}/tableServices/default/tables/{prefix}{table}")
            .Where(id => snapshot.Find(id) is null);

        Assert.Empty(missing);
        var roles = snapshot.RoleAssignments.Where(a => string.Equals(a.Scope, account, StringComparison.OrdinalIgnoreCase)).Select(a => a.RoleId);
        Assert.Contains(AzureRoles.StorageTableDataContributor, roles);
    }

    [Fact]
    public async Task StorageQueues_EveryQueueTrigger_ReadsADeployedQueueWithPoisonQueueAndRole()
    {
        var snapshot = await DevAsync();

        DeploymentExpectations.AssertNone(DeploymentExpectations.StorageQueueProblems(FunctionCatalog.All, snapshot));
        Assert.Contains(FunctionJsonBinding.Of(FunctionCatalog.All), b => b.Type == "queueTrigger");
    }

    [Fact]
    public async Task Runtime_FunctionApp_IsFlexConsumptionCustomHandler()
    {
        var snapshot = await DevAsync();
        var app = snapshot.FunctionApp;
        var plan = snapshot.One("Microsoft.Web/serverfarms");

        Assert.Equal("custom", (string?)app.At("properties.functionAppConfig.runtime.name"));
        Assert.Equal("FlexConsumption", (string?)plan.At("sku.tier"));
        Assert.Equal(true, (bool?)plan.At("properties.reserved")); // Linux
        Assert.Equal("functionapp,linux", (string?)app["kind"]);
        Assert.Equal(true, (bool?)app.At("properties.httpsOnly"));
        Assert.Equal(snapshot.AppIdentityId, (string?)app.At("properties.keyVaultReferenceIdentity"));
        // Flex Consumption takes the worker runtime from functionAppConfig and rejects it as an app setting.
        Assert.False(snapshot.AppSettings.ContainsKey("FUNCTIONS_WORKER_RUNTIME"));
    }

    [Fact]
    public async Task Monitoring_AppInsights_UsesTheIdentityAndNoKey()
    {
        var snapshot = await DevAsync();
        var settings = snapshot.AppSettings;

        // [format('ClientId={0};Authorization=AAD', reference('<identity id>', ...).clientId)]
        var authentication = settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"];
        Assert.Contains("ClientId={0};Authorization=AAD", authentication, StringComparison.Ordinal);
        Assert.Contains($"reference('{snapshot.AppIdentityId}'", authentication, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith(".clientId)]", authentication, StringComparison.Ordinal);
        Assert.False(settings.ContainsKey("APPINSIGHTS_INSTRUMENTATIONKEY"));
        var appInsights = snapshot.One("Microsoft.Insights/components");
        Assert.Equal(true, (bool?)appInsights.At("properties.DisableLocalAuth"));
        Assert.Contains(snapshot.RoleAssignments, a => a.RoleId == AzureRoles.MonitoringMetricsPublisher && string.Equals(a.Scope, (string)appInsights["id"]!, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Expectations_FunctionWithAScheduleBicepDoesNotSet_IsReported()
    {
        // A later timer function whose %SETTING% nobody added to main.bicep.
        var snapshot = await DevAsync();
        var timer = new FunctionDefinition("Reconcile", new TimerTrigger("timer", "RECONCILE_SCHEDULE"), [], null, null);

        var problem = Assert.Single(DeploymentExpectations.All([timer], snapshot));
        Assert.Contains("RECONCILE_SCHEDULE", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expectations_ConnectionWithoutIdentitySettings_IsReported()
    {
        var snapshot = await DevAsync();
        var output = new FunctionDefinition(
            "Relay",
            new QueueTrigger("item", StorageOptions.OutboxQueueSetting, StorageOptions.ConnectionName),
            [new ServiceBusOutput("toOms", "OtherBus", TopicNameSetting: FunctionCatalog.OmsEventsTopicSetting)],
            null,
            null);

        var problems = DeploymentExpectations.ConnectionProblems([output], snapshot);

        Assert.Contains(problems, p => p.Contains("OtherBus__credential", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("OtherBus__clientId", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("OtherBus__fullyQualifiedNamespace", StringComparison.Ordinal));
    }
}
