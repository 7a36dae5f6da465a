using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using WmsFunctions.Storage;
using WmsFunctions.WebhookSecurity;

namespace WmsFunctions.LocalHost;

internal static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes a tenants file from the template with a new random API key per WMS instance: the hashes go into
    /// the tenants file the handler reads, the keys themselves into a local keys file for the caller. Nothing
    /// secret is ever in the repository.
    /// </summary>
    public static async Task<int> PrepareAsync(string template, string tenantsPath, string keysPath)
    {
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(template))!.AsObject();
        var keys = new JsonObject();
        foreach (var (tenantId, tenant) in tenants["Hub"]!["Tenants"]!.AsObject())
        {
            var tenantKeys = new JsonObject();
            foreach (var (instanceId, instance) in tenant!["Instances"]!.AsObject())
            {
                var key = ApiKeys.NewKey();
                instance!["Auth"]!["ApiKeySha256"] = new JsonArray(ApiKeys.Hash(key));
                tenantKeys[instanceId] = key;
            }

            keys[tenantId] = tenantKeys;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tenantsPath))!);
        await File.WriteAllTextAsync(tenantsPath, tenants.ToJsonString(Indented));
        await File.WriteAllTextAsync(keysPath, keys.ToJsonString(Indented));
        return 0;
    }

    public static async Task<int> RunAsync(string appRoot, Uri handlerUrl, CancellationToken cancellationToken)
    {
        var (host, _) = Create(appRoot, handlerUrl);
        host.Invoked += record =>
        {
            var outcome = record.Status is >= 200 and < 300 ? "ok" : $"failed ({record.Status})";
            Console.WriteLine($"[host] {record.Function}: {outcome}");
            foreach (var (entity, body) in record.Sent)
            {
                using var sent = JsonDocument.Parse(body);
                var root = sent.RootElement;
                Console.WriteLine($"[host]   -> Service Bus '{entity}': {root.GetProperty("type").GetString()} {root.GetProperty("subject").GetString()} (id {root.GetProperty("id").GetString()})");
            }
        };
        Console.WriteLine($"[host] polling queue and Service Bus triggers of {appRoot} for {handlerUrl}");
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var port = int.TryParse(configuration[WmsStandIn.PortSetting], out var p) ? p : WmsStandIn.DefaultPort;
        var wms = new WmsStandIn(HubStorage.CreateClients(configuration).Queues, port, name => configuration[name]);
        await Task.WhenAll(host.RunAsync(cancellationToken), wms.RunAsync(cancellationToken));
        return 0;
    }

    /// <summary>The stand-in host, wired from the same settings the handler reads (environment variables).</summary>
    public static (LocalFunctionsHost Host, ServiceBusStandIn ServiceBus) Create(string appRoot, Uri handlerUrl)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var queues = HubStorage.CreateClients(configuration).Queues;
        var app = FunctionApp.Load(appRoot, name => configuration[name]);
        var serviceBus = new ServiceBusStandIn(queues, TimeProvider.System, ServiceBusStandIn.SubscriptionsOf(app));
        var http = new HttpClient { BaseAddress = handlerUrl, Timeout = TimeSpan.FromSeconds(100) };
        return (new LocalFunctionsHost(app, http, queues, serviceBus, TimeProvider.System), serviceBus);
    }
}
