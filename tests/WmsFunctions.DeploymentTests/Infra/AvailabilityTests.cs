namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// 99.95%: prod survives the loss of a zone (ZRS storage, zone-redundant Flex Consumption plan and Service Bus
/// Premium) and keeps webhook instances warm; dev stays cheap (no zones, scale to zero, Standard tier).
/// </summary>
public sealed class AvailabilityTests(BicepWorkspace workspace)
{
    [Fact]
    public async Task Prod_EveryZonalService_IsZoneRedundant()
    {
        var snapshot = await workspace.SnapshotAsync("prod.bicepparam", TestContext.Current.CancellationToken);

        Assert.Equal(true, (bool?)snapshot.One("Microsoft.Web/serverfarms").At("properties.zoneRedundant"));
        Assert.All(snapshot.OfType("Microsoft.Storage/storageAccounts"), a => Assert.Equal("Standard_ZRS", (string?)a.At("sku.name")));
        var serviceBus = snapshot.One("Microsoft.ServiceBus/namespaces");
        Assert.Equal("Premium", (string?)serviceBus.At("sku.name"));
        Assert.Equal(true, (bool?)serviceBus.At("properties.zoneRedundant"));
    }

    [Fact]
    public async Task Prod_Webhooks_HaveAtLeastTwoAlwaysReadyInstances()
    {
        // The HTTP scale group holds every forwarded webhook; zone redundancy needs 2 per group anyway.
        var snapshot = await workspace.SnapshotAsync("prod.bicepparam", TestContext.Current.CancellationToken);
        var alwaysReady = snapshot.FunctionApp.At("properties.functionAppConfig.scaleAndConcurrency.alwaysReady")!.AsArray();

        var http = Assert.Single(alwaysReady, g => (string?)g!["name"] == "http");
        Assert.True((int)http!["instanceCount"]! >= 2);
    }

    [Fact]
    public async Task Dev_Deployment_StaysCheap()
    {
        var snapshot = await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);

        Assert.Equal(false, (bool?)snapshot.One("Microsoft.Web/serverfarms").At("properties.zoneRedundant"));
        Assert.Empty(snapshot.FunctionApp.At("properties.functionAppConfig.scaleAndConcurrency.alwaysReady")!.AsArray());
        Assert.All(snapshot.OfType("Microsoft.Storage/storageAccounts"), a => Assert.Equal("Standard_LRS", (string?)a.At("sku.name")));
        Assert.Equal("Standard", (string?)snapshot.One("Microsoft.ServiceBus/namespaces").At("sku.name"));
    }
}
