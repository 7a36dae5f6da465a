using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.Pipeline.Webhooks;

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
        var instance = new WmsInstanceOptions
        {
            Auth = new WebhookAuthOptions { ApiKeySha256 = [ApiKeys.Hash("key-" + locations[0].Code)] },
            MaxQuantity = 1000,
        };
        foreach (var (code, warehouse) in locations)
        {
            instance.Locations[code] = warehouse;
        }

        instance.SkuAliases["WMS-RED"] = "100234";
        return instance;
    }

    public static TenantDirectory Directory() => new(Microsoft.Extensions.Options.Options.Create(Options()));

    public static WmsInstance East() => Directory().TryGet("acme", "east", out var east) ? east : throw new InvalidOperationException();
}
