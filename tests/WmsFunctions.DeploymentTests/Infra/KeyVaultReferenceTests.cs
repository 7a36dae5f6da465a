namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>Secrets reach the app as Key Vault references resolved with the app's identity, never as values.</summary>
public sealed class KeyVaultReferenceTests(BicepWorkspace workspace)
{
    [Fact]
    public async Task KeyVaultReferences_EachEntry_BecomesAReferenceToTheDeployedVault()
    {
        var snapshot = await workspace.SnapshotAsync(
            "dev-with-secrets",
            """
            using 'main.bicep'

            param environmentName = 'dev'
            param keyVaultReferences = {
              WMS_DEMO_SIGNING_KEY: 'wms-demo-signing-key'
            }
            """,
            TestContext.Current.CancellationToken);
        var vault = (string)snapshot.One("Microsoft.KeyVault/vaults")["id"]!;

        var value = snapshot.AppSettings["WMS_DEMO_SIGNING_KEY"];

        // [format('@Microsoft.KeyVault(SecretUri={0}secrets/{1}/)', reference('<vault id>', ...).vaultUri, 'wms-demo-signing-key')]
        Assert.Contains("@Microsoft.KeyVault(SecretUri={0}secrets/{1}/)", value, StringComparison.Ordinal);
        Assert.Contains($"reference('{vault}'", value, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(".vaultUri, 'wms-demo-signing-key')", value, StringComparison.Ordinal);
        Assert.Equal(snapshot.AppIdentityId, (string?)snapshot.FunctionApp.At("properties.keyVaultReferenceIdentity"));
    }
}
