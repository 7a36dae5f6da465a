using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>Identity-only access, TLS 1.2, no secrets leaving the deployment; for dev and prod alike.</summary>
public sealed partial class HardeningTests(BicepWorkspace workspace)
{
    public static TheoryData<string> Environments() => ["dev.bicepparam", "prod.bicepparam"];

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task StorageAccounts_All_AcceptOnlyEntraIdOverTls12(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var accounts = snapshot.OfType("Microsoft.Storage/storageAccounts");

        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, account =>
        {
            var name = (string)account["name"]!;
            Assert.True((bool?)account.At("properties.allowSharedKeyAccess") == false, $"{name}: shared keys allowed");
            Assert.True((string?)account.At("properties.minimumTlsVersion") == "TLS1_2", $"{name}: TLS");
            Assert.True((bool?)account.At("properties.supportsHttpsTrafficOnly") == true, $"{name}: HTTP allowed");
            Assert.True((bool?)account.At("properties.allowBlobPublicAccess") == false, $"{name}: public blobs allowed");
        });
        Assert.All(snapshot.OfType("Microsoft.Storage/storageAccounts/blobServices/containers"), c => Assert.Equal("None", (string?)c.At("properties.publicAccess")));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task KeyVault_UsesRbacWithSoftDeleteAndPurgeProtection(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var vault = snapshot.One("Microsoft.KeyVault/vaults");

        Assert.Equal(true, (bool?)vault.At("properties.enableRbacAuthorization"));
        Assert.Equal(true, (bool?)vault.At("properties.enablePurgeProtection"));
        Assert.Equal(true, (bool?)vault.At("properties.enableSoftDelete"));
        Assert.Null(vault.At("properties.accessPolicies"));
        Assert.Contains(snapshot.RoleAssignments, a => a.RoleId == AzureRoles.KeyVaultSecretsUser && string.Equals(a.Scope, (string)vault["id"]!, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task ServiceBus_LocalAuth_IsDisabledAndEntitiesDeadLetter(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);
        var ns = snapshot.One("Microsoft.ServiceBus/namespaces");

        Assert.Equal(true, (bool?)ns.At("properties.disableLocalAuth"));
        Assert.Equal("1.2", (string?)ns.At("properties.minimumTlsVersion"));
        var readable = snapshot.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions").Concat(snapshot.OfType("Microsoft.ServiceBus/namespaces/queues")).ToList();
        Assert.NotEmpty(readable);
        Assert.All(readable, entity =>
        {
            Assert.Equal(true, (bool?)entity.At("properties.deadLetteringOnMessageExpiration"));
            Assert.InRange((int?)entity.At("properties.maxDeliveryCount") ?? 0, 3, 20);
            Assert.Equal(false, (bool?)entity.At("properties.requiresSession")); // a custom handler's output cannot set a session id
        });
    }

    [Fact]
    public async Task ServiceBus_EveryTopic_HasASubscription()
    {
        // A topic without subscriptions accepts messages and drops them.
        var snapshot = await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);

        Assert.All(snapshot.OfType("Microsoft.ServiceBus/namespaces/topics"), topic =>
            Assert.Contains(snapshot.OfType("Microsoft.ServiceBus/namespaces/topics/subscriptions"), s => ((string)s["id"]!).StartsWith((string)topic["id"]! + "/subscriptions/", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Outputs_CompiledTemplate_CarryNoKeyConnectionStringOrSecret()
    {
        var template = await workspace.CompiledMainAsync(TestContext.Current.CancellationToken);

        var problems = OutputProblems(template, "main.bicep").ToList();

        Assert.NotEmpty(template["outputs"]!.AsObject());
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Outputs_Deployed_CarryNoKeyConnectionStringOrSecret(string paramFile)
    {
        var snapshot = await workspace.SnapshotAsync(paramFile, TestContext.Current.CancellationToken);

        Assert.All(snapshot.Outputs, output =>
        {
            Assert.DoesNotMatch(SecretName(), output.Key);
            Assert.DoesNotMatch(SecretValue(), output.Value?.ToJsonString() ?? "");
        });
    }

    [Fact]
    public async Task AppSettings_NoValue_IsAKeyOrConnectionString()
    {
        var snapshot = await workspace.SnapshotAsync("dev.bicepparam", TestContext.Current.CancellationToken);

        // APPLICATIONINSIGHTS_CONNECTION_STRING only locates the component (local auth is off on it), and a Key
        // Vault reference names a secret without holding it.
        var suspicious = snapshot.AppSettings.Where(s =>
            s.Key != "APPLICATIONINSIGHTS_CONNECTION_STRING"
            && !s.Value.Contains("@Microsoft.KeyVault(SecretUri=", StringComparison.Ordinal)
            && SecretValue().IsMatch(s.Value));

        Assert.Empty(suspicious);
    }

    /// <summary>Outputs of the template and of every nested (module) template: no secret-like name, and no value
    /// built from a list*() call or a key or connection-string property.</summary>
    private static IEnumerable<string> OutputProblems(JsonObject template, string where)
    {
        foreach (var (name, output) in template["outputs"]?.AsObject() ?? [])
        {
            if (SecretName().IsMatch(name))
            {
                yield return $"{where}: output '{name}' has a secret-like name.";
            }

            var value = output?["value"]?.ToJsonString() ?? "";
            if (SecretValue().IsMatch(value))
            {
                yield return $"{where}: output '{name}' = {value}";
            }
        }

        foreach (var resource in Resources(template).Where(r => (string?)r["type"] == "Microsoft.Resources/deployments"))
        {
            if (resource.At("properties.template") is JsonObject nested)
            {
                foreach (var problem in OutputProblems(nested, (string?)resource["name"] ?? "module"))
                {
                    yield return problem;
                }
            }
        }
    }

    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject symbolic => symbolic.Select(p => p.Value).OfType<JsonObject>(), // languageVersion 2.0
        _ => [],
    };

    [GeneratedRegex("key|secret|password|connectionstring|sas", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex(@"\blist[A-Za-z]*\(|connectionstring|instrumentationkey|accountkey|sharedaccess|primarykey|secondarykey|secret|AccountKey=", RegexOptions.IgnoreCase)]
    private static partial Regex SecretValue();
}
