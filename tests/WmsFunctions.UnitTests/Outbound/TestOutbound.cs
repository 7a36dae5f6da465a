using Microsoft.Extensions.Options;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.UnitTests.Outbound;

/// <summary>Outbound instances for pure tests: east (hub-json, eaches as ordered) and store (generic-xml, counts eaches).</summary>
internal static class TestOutbound
{
    /// <summary>What every instance has, and the Outbound sections of those that receive something.</summary>
    public sealed record Configuration(HubOptions Hub, PerInstance<WmsOutboundOptions> Outbound)
    {
        public OutboundOptionsValidator Validator() => new(Options.Create(Hub), HubFlows.OmsToWms, [new("hub-json"), new("generic-xml"), new("x12")]);
    }

    public static Configuration Sections(Action<WmsOutboundOptions>? east = null)
    {
        var options = new HubOptions();
        var eastInstance = Instance("hub-json", ("E-A1", "DC1"), ("E-QA", "DC1-QA"));
        eastInstance.SkuAliases["WMS-RED"] = "100234";
        var eastOutbound = new WmsOutboundOptions
        {
            BaseUrl = "https://east.example.test/api",
            Auth = new OutboundAuthOptions { ApiKeySetting = "EAST_KEY" },
            Flows = [.. HubFlows.OmsToWms.Select(f => f.Name)],
            Warehouses = { ["DC1"] = "EAST" },
            Units = { ["EA"] = "EACH", ["CS"] = "CASE" },
            Carriers = { ["UPS"] = "UPSN" },
            Services = { ["GROUND"] = "GND" },
            ReasonCodes = { ["DMG"] = "DAMAGED" },
        };
        east?.Invoke(eastOutbound);
        var store = Instance("generic-xml", ("S12", "STORE-12"));
        var storeOutbound = new WmsOutboundOptions
        {
            BaseUrl = "https://store.example.test/",
            Auth = new OutboundAuthOptions { Scheme = OutboundAuthOptions.OAuth2Scheme, TokenUrl = "https://store.example.test/token", ClientId = "hub", ClientSecretSetting = "STORE_SECRET" },
            Flows = [ItemDownloadFlow.Name],
            Warehouses = { ["STORE-12"] = "S12" },
            Units = { ["EA"] = "EA" },
            QuantitiesInEaches = true,
        };
        options.Tenants["acme"] = new TenantOptions { Instances = { ["east"] = eastInstance, ["store-12"] = store, ["inbound-only"] = Instance("hub-json", ("X", "DC1")) } };
        return new Configuration(options, new PerInstance<WmsOutboundOptions>().Set("acme", "east", eastOutbound).Set("acme", "store-12", storeOutbound));
    }

    public static WmsInstanceOptions Instance(string adapter, params (string Code, string Warehouse)[] locations)
    {
        var instance = new WmsInstanceOptions { Adapter = adapter };
        foreach (var (code, warehouse) in locations)
        {
            instance.Locations[code] = warehouse;
        }

        return instance;
    }

    public static OutboundDirectory Directory(Action<WmsOutboundOptions>? east = null)
    {
        var sections = Sections(east);
        return new(Options.Create(sections.Hub), Options.Create(sections.Outbound));
    }

    public static OutboundInstance East(Action<WmsOutboundOptions>? east = null) => Directory(east).All.Single(i => i.Id == "east");

    public static OutboundInstance Store() => Directory().All.Single(i => i.Id == "store-12");
}
