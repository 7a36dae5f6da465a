using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.LocalHost;

internal static class Commands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>
    /// Writes a tenants file from the template with fresh credentials per WMS instance, by its scheme. ApiKey: a new
    /// key, its hash into the tenants file. StandardWebhooks: a new whsec_ secret per named setting, exported from
    /// the secrets file (an app setting, as in Azure). Bearer: a new RSA key pair, the public key (JWKS) into the
    /// tenants file. Keys, secrets and private keys go to the local keys file for the caller; nothing secret is ever
    /// in the repository or in the tenants file.
    /// </summary>
    public static async Task<int> PrepareAsync(string template, string tenantsPath, string keysPath, string? secretsPath)
    {
        var tenants = JsonNode.Parse(await File.ReadAllTextAsync(template))!.AsObject();
        var keys = new JsonObject();
        var secrets = new StringBuilder();
        foreach (var (tenantId, tenant) in tenants["Hub"]!["Tenants"]!.AsObject())
        {
            var tenantKeys = new JsonObject();
            foreach (var (instanceId, instance) in tenant!["Instances"]!.AsObject())
            {
                var auth = instance!["Auth"]!.AsObject();
                switch ((string?)auth["Scheme"] ?? WebhookAuthOptions.ApiKeyScheme)
                {
                    case WebhookAuthOptions.StandardWebhooksScheme:
                        var named = new JsonObject();
                        foreach (var setting in auth["SecretSettings"]!.AsArray().Select(s => (string)s!))
                        {
                            var secret = StandardWebhooks.NewSecret();
                            named[setting] = secret;
                            secrets.Append(CultureInfo.InvariantCulture, $"export {setting}='{secret}'\n");
                        }

                        tenantKeys[instanceId] = named;
                        break;
                    case WebhookAuthOptions.BearerScheme:
                        using (var rsa = RSA.Create(2048))
                        {
                            var key = rsa.ExportParameters(false);
                            auth["SigningKeysJwks"] = $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"{{instanceId}}-1","n":"{{Base64UrlEncoder.Encode(key.Modulus)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent)}}"}]}""";
                            tenantKeys[instanceId] = rsa.ExportPkcs8PrivateKeyPem();
                        }

                        break;
                    default:
                        var apiKey = ApiKeys.NewKey();
                        auth["ApiKeySha256"] = new JsonArray(ApiKeys.Hash(apiKey));
                        tenantKeys[instanceId] = apiKey;
                        break;
                }
            }

            keys[tenantId] = tenantKeys;
        }

        // A development operator key for the operations API, granted every tenant of the file (in Azure: bearer tokens).
        var operatorKey = ApiKeys.NewKey();
        tenants["Hub"]!["Operators"] = new JsonObject
        {
            ["Keys"] = new JsonObject
            {
                ["local-dev"] = new JsonObject
                {
                    ["ApiKeySha256"] = ApiKeys.Hash(operatorKey),
                    ["Tenants"] = new JsonArray(tenants["Hub"]!["Tenants"]!.AsObject().Select(t => (JsonNode)JsonValue.Create(t.Key)!).ToArray()),
                },
            },
        };
        keys["_operator"] = operatorKey;

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tenantsPath))!);
        await File.WriteAllTextAsync(tenantsPath, tenants.ToJsonString(Indented));
        await File.WriteAllTextAsync(keysPath, keys.ToJsonString(Indented));
        if (secretsPath is not null)
        {
            await File.WriteAllTextAsync(secretsPath, secrets.ToString());
        }

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
        var wms = new WmsStandIn(HubStorage.CreateClients(configuration).Queues, port, name => configuration[name]) { Stock = DemoReconciliation.Stock };
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
