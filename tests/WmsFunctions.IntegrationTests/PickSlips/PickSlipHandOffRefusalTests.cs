using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.PickSlips;

/// <summary>
/// A hand-off that can never succeed (no kind, an unknown tenant or instance) is a failed sync on its first delivery:
/// not five 500s into pickslip-events-poison with nobody told, and not a 200 with a log line.
/// </summary>
public sealed class PickSlipHandOffRefusalTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await HubTestHost.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static JsonObject HandOff(string tenant = "acme", string instance = "east") =>
        JsonSerializer.SerializeToNode(
            new PickSlipHandedOff(
                "h-" + Guid.NewGuid().ToString("N")[..8], tenant, instance, "PS-9", "ORD-9", "generated", "sent", null, "DC1", null, null, null,
                [new PickSlipHandOffLine(1, "100234", 2, "EA", false, 2)], "m-9", 1, "corr-9", DateTimeOffset.UtcNow),
            PickSlipHandedOff.Json)!.AsObject();

    private async Task<IReadOnlyList<WmsFunctions.LocalHost.InvocationRecord>> HandOffAsync(string body)
    {
        var storage = _hub.Services.GetRequiredService<HubStorage>();
        var queue = await storage.QueueAsync(_hub.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<OutboundDeliveryOptions>>().Value.PickSlipEventsQueue, Ct);
        await queue.SendMessageAsync(body, Ct);
        return await _hub.Functions.DrainAsync("PickSlipHandOff", Ct);
    }

    private Task<IReadOnlyList<FailedSyncEntity>> FailedAsync(string tenant, string instance) =>
        _hub.Services.GetRequiredService<FailedSyncStore>().QueryAsync(new FailedSyncQuery(tenant, instance, PickSlipHandOffMessages.FlowName), Ct);

    [Fact]
    public async Task HandOff_WithoutKind_IsAFailedSyncOnItsFirstDelivery()
    {
        var body = HandOff();
        body.Remove("kind");

        var invocations = await HandOffAsync(body.ToJsonString());

        Assert.Equal(200, Assert.Single(invocations).Status); // once: no retries, nothing for the poison queue
        var failed = Assert.Single(await FailedAsync(FailedSyncStore.UnknownTenant, FailedSyncStore.Unrouted));
        Assert.Equal(("malformed-message", "queue", 1), (failed.ReasonCode, failed.OriginKind, failed.Attempts));
        Assert.Contains("kind", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(_hub.App.Configuration["PICKSLIP_EVENTS_QUEUE"], failed.Origin);
    }

    [Fact]
    public async Task HandOff_NotJson_IsAFailedSyncOnItsFirstDelivery()
    {
        var invocations = await HandOffAsync("{\"handOffId\":");

        Assert.Equal(200, Assert.Single(invocations).Status);
        Assert.Equal("malformed-message", Assert.Single(await FailedAsync(FailedSyncStore.UnknownTenant, FailedSyncStore.Unrouted)).ReasonCode);
    }

    [Theory]
    [InlineData("initech", "east", "_unknown", "unknown-tenant")]
    [InlineData("acme", "west", "acme", "unknown-instance")]
    public async Task HandOff_ForAnUnconfiguredTenantOrInstance_IsAFailedSync_NotDropped(string tenant, string instance, string filedUnder, string reason)
    {
        var invocations = await HandOffAsync(HandOff(tenant, instance).ToJsonString());

        Assert.Equal(200, Assert.Single(invocations).Status);
        var failed = Assert.Single(await FailedAsync(filedUnder, FailedSyncStore.Unrouted));
        Assert.Equal((reason, "pick-slip", "PS-9"), (failed.ReasonCode, failed.EntityType, failed.EntityId));
        Assert.Null(await _hub.Services.GetRequiredService<PickSlipOrchestrator>().GetAsync(tenant, "PS-9", Ct));
    }
}
