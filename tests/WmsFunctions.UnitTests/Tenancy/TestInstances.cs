using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Tenancy;

internal static class TestInstances
{
    public static HubOptions Options() => new()
    {
        Tenants =
        {
            ["acme"] = new TenantOptions
            {
                Instances =
                {
                    ["east"] = Instance(("E-A1", "DC1"), ("E-A2", "DC1"), ("E-QA", "DC1-QA")),
                    ["store-12"] = Instance(("S12", "STORE-12")),
                },
            },
            ["globex"] = new TenantOptions { Instances = { ["main"] = Instance(("G-1", "DC1")) } },
        },
    };

    public static WmsInstanceOptions Instance(params (string Code, string Warehouse)[] locations)
    {
        var instance = new WmsInstanceOptions { MaxQuantity = 1000 };
        foreach (var (code, warehouse) in locations)
        {
            instance.Locations[code] = warehouse;
        }

        instance.SkuAliases["WMS-RED"] = "100234";
        return instance;
    }

    /// <summary>Every instance of <see cref="Options"/> with an API key: "key-" + its first location code.</summary>
    public static PerInstance<WebhookAuthOptions> Auth()
    {
        var auth = new PerInstance<WebhookAuthOptions>();
        foreach (var (tenant, options) in Options().Tenants)
        {
            foreach (var (id, instance) in options.Instances)
            {
                auth.Set(tenant, id, new WebhookAuthOptions { ApiKeySha256 = [ApiKeys.Hash("key-" + instance.Locations.Keys.First())] });
            }
        }

        return auth;
    }

    public static TenantDirectory Directory() => new(Microsoft.Extensions.Options.Options.Create(Options()));

    public static WmsInstance East() => Directory().TryGet("acme", "east", out var east) ? east : throw new InvalidOperationException();
}
