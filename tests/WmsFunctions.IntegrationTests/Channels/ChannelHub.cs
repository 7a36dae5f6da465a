using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Channels;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Channels;

/// <summary>
/// The hub (with its loopback WMS instances, <see cref="OutboundHub"/>) and two marketplaces on loopback, configured
/// as channels of tenant acme:
///   amazon  60% share, Absolute stock updates, profile 1001, order source "Amazon US"
///   ebay    40% share, Relative stock updates
/// Both have DC "1" = OMS location DC1 (east's areas E-A1 and E-A2) and DC "2" = DC2 (east's area E-B1).
/// Availability publications are throttled to one per SKU per 60 s of the (fake) clock.
/// </summary>
public sealed class ChannelHub : IAsyncDisposable
{
    private ChannelHub(OutboundHub outbound, LoopbackMarketplace amazon, LoopbackMarketplace ebay)
    {
        Outbound = outbound;
        Amazon = amazon;
        Ebay = ebay;
    }

    public OutboundHub Outbound { get; }

    public HubTestHost Hub => Outbound.Hub;

    public LoopbackMarketplace Amazon { get; }

    public LoopbackMarketplace Ebay { get; }

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public string ChannelsTopic => Hub.App.Configuration["CHANNELS_TOPIC"]!;

    public static async Task<ChannelHub> StartAsync(AzuriteFixture azurite, TimeProvider? time = null, Action<Dictionary<string, string?>>? settings = null)
    {
        var amazon = await LoopbackMarketplace.StartAsync();
        var ebay = await LoopbackMarketplace.StartAsync();
        var outbound = await OutboundHub.StartAsync(azurite, time, values =>
        {
            HubTestHost.AddLocations(values, "acme", "east", ("E-B1", "DC2"));
            values["Hub:Tenants:acme:Instances:east:Outbound:Warehouses:DC2"] = "EAST-B";
            values["CHANNELS_PUBLISH_WINDOW_SECONDS"] = "60";
            Channel(values, "amazon", amazon, 60, "Absolute");
            values["Hub:Tenants:acme:Channels:Marketplaces:amazon:OrderSource"] = "Amazon US";
            values["Hub:Tenants:acme:Channels:Marketplaces:amazon:Orders:ProfileIds:0"] = "1001";
            Channel(values, "ebay", ebay, 40, "Relative");
            settings?.Invoke(values);
        });
        return new ChannelHub(outbound, amazon, ebay);
    }

    private static void Channel(Dictionary<string, string?> values, string id, LoopbackMarketplace marketplace, int percent, string updates)
    {
        var c = $"Hub:Tenants:acme:Channels:Marketplaces:{id}:";
        var tokenSetting = $"MKT_{id.ToUpperInvariant()}_TOKEN";
        values[c + "BaseUrl"] = marketplace.BaseUrl;
        values[c + "AccessTokenSetting"] = tokenSetting;
        values[tokenSetting] = marketplace.Token;
        values[c + "DistributionCenters:1:0"] = "DC1";
        values[c + "DistributionCenters:2:0"] = "DC2";
        values[c + "Allocation:Percent"] = percent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values[c + "StockUpdates"] = updates;
        values[c + "Orders:PageSize"] = "2";
        values[c + "Resilience:MaxRetryAttempts"] = "3";
        values[c + "Resilience:BaseDelay"] = "00:00:00.010";
        values[c + "Resilience:MaxDelay"] = "00:00:00.050";
        values[c + "Resilience:MaxRetryAfter"] = "00:00:05";
    }

    /// <summary>Runs the order pull as the host's timer does, then the outbox relay; returns the OMS-bound order events.</summary>
    public async Task<IReadOnlyList<JsonElement>> PullAsync()
    {
        var function = Hub.FunctionApp["ChannelOrderPull"];
        var now = DateTime.UtcNow;
        var (status, _) = await Hub.Functions.InvokeAsync(function.Name, HostPayloads.TimerTrigger(function.BindingName, function.Name, null, now.AddMinutes(2), false, now), Ct);
        Assert.Equal(200, status);
        return (await Hub.RelayAsync()).Select(e => JsonDocument.Parse(e).RootElement).Where(e => e.GetProperty("type").GetString()!.Contains("channel.order", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The channels read what the hub told the OMS (their subscription), then the availability signals run.</summary>
    public async Task<IReadOnlyList<JsonElement>> FeedAndPublishAsync()
    {
        var feed = await Hub.Functions.DrainAsync("ChannelFeed", Ct);
        Assert.All(feed, i => Assert.Equal(200, i.Status));
        return await PublishAsync();
    }

    /// <summary>Runs the availability signals now visible; returns the availability events sent to the channels topic.</summary>
    public async Task<IReadOnlyList<JsonElement>> PublishAsync()
    {
        var stock = await Hub.Functions.DrainAsync("ChannelStock", Ct);
        Assert.All(stock, i => Assert.Equal(200, i.Status));
        return stock.SelectMany(i => i.Sent).Where(s => s.Entity == ChannelsTopic).Select(s => JsonDocument.Parse(s.Body).RootElement).ToList();
    }

    /// <summary>Invokes ChannelStock with one message, as the host would deliver a (delayed) flush when it becomes visible.</summary>
    public async Task<IReadOnlyList<JsonElement>> SignalAsync(StockSignal signal)
    {
        var function = Hub.FunctionApp["ChannelStock"];
        var now = DateTimeOffset.UtcNow;
        var payload = HostPayloads.QueueTrigger(
            function.BindingName, function.Name, JsonSerializer.Serialize(signal, WebJson),
            "m-" + Guid.NewGuid().ToString("N"), 1, now, now.AddDays(7), now.AddMinutes(10), "pop", now.UtcDateTime);
        var (status, body) = await Hub.Functions.InvokeAsync(function.Name, payload, Ct);
        Assert.Equal(200, status);
        return LocalFunctionsHost.OutputsOf(function, body).Where(o => o.Entity == ChannelsTopic).Select(o => JsonDocument.Parse(o.Body).RootElement).ToList();
    }

    /// <summary>Sends an OMS-bound event to the OMS topic, as the hub's flows do (the channels' subscription gets a copy).</summary>
    public Task PublishToOmsTopicAsync(string cloudEvent) => Hub.ServiceBus.SendAsync(Hub.Topic, cloudEvent, Ct);

    public Task CountAsync(string sku, string location, long quantity, string eventId) =>
        PostOkAsync(new { eventId, type = "overlay", occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1), sku, location, quantity });

    public async Task PostOkAsync(object transaction)
    {
        var response = await Hub.PostInventoryAsync(transaction);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
    }

    public async Task<IReadOnlyList<FailedSyncEntity>> FailedSyncsAsync(string channel) =>
        await Hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery("acme", "channel:" + channel), Ct);

    public async Task<ChannelOrderEntity?> OrderAsync(string channel, string orderId)
    {
        var table = await Hub.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.Channels, Ct);
        var found = await table.GetEntityIfExistsAsync<ChannelOrderEntity>("acme", ChannelKeys.Order(channel, orderId), cancellationToken: Ct);
        return found.HasValue ? found.Value : null;
    }

    public async Task<SkuAvailability> AvailabilityAsync(string sku) =>
        await Hub.Services.GetRequiredService<AvailabilityCalculator>().ComputeAsync("acme", sku, Ct);

    public async Task<DateTimeOffset?> WatermarkAsync(string channel)
    {
        var table = await Hub.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.Channels, Ct);
        var found = await table.GetEntityIfExistsAsync<ChannelWatermarkEntity>("acme", ChannelKeys.Watermark(channel), cancellationToken: Ct);
        return found.HasValue ? found.Value!.Watermark : null;
    }

    public static OmsEvent Parse(JsonElement element) => OmsEvent.Parse(element.GetRawText());

    public async ValueTask DisposeAsync()
    {
        await Outbound.DisposeAsync();
        await Amazon.DisposeAsync();
        await Ebay.DisposeAsync();
    }
}
