using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>
/// The local host's tools (prepare, seed, demo) and the bench build the core library's container without the web
/// host, from the sample settings. Every service the library registers must resolve there too: a dependency only the
/// web host provides (e.g. IConfiguration) once crashed <c>./run.sh --demo</c> at its reconciliation step.
/// </summary>
public sealed class BareContainerTests
{
    [Fact]
    public async Task EveryCoreService_ResolvesInABareContainer_FromTheSampleSettings()
    {
        var values = JsonNode.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(v => v.Key, v => (string?)v.Value!.GetValue<string>());
        values[StorageOptions.ConnectionName] = "UseDevelopmentStorage=true"; // nothing is called: construction only
        values["HUB_TENANTS_FILE"] = null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var collection = new ServiceCollection().AddLogging().AddWmsCore(configuration);

        await using var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        var unresolved = new List<string>();
        foreach (var type in collection.Where(d => !d.ServiceType.ContainsGenericParameters).Select(d => d.ServiceType).Distinct())
        {
            try
            {
                _ = services.GetServices(type).ToList();
            }
            catch (InvalidOperationException e)
            {
                unresolved.Add($"{type.Name}: {e.Message}");
            }
        }

        Assert.Empty(unresolved);
    }
}
