using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>
/// Every flow a failed sync can name has a replay path, or says why it cannot have one. The flows a failed sync can
/// name are the declared ones (<see cref="FailedSyncFlows"/>): the store refuses any other, so no recorder can write a
/// flow that was not decided on. The registered flows come from the running hub's services, not from a list here.
/// </summary>
public sealed class FailedSyncFlowRegistryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    private IServiceProvider Services => _hub.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _hub = await HubTestHost.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public void EveryRegisteredFlow_AndEveryDeclaredFlow_HasAReplayPath_OrADeclaredReason()
    {
        var declared = Services.GetRequiredService<FailedSyncFlows>();
        var replayer = Services.GetRequiredService<FailedSyncReplayer>();
        var registered = Services.GetServices<IInboundFlow>().Select(f => f.Name)
            .Concat(Services.GetServices<IOutboundFlow>().Select(f => f.Definition.Name))
            .Concat(HubFlows.WmsToOms.Select(f => f.Name))
            .Concat(HubFlows.OmsToWms.Select(f => f.Name))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(HubFlows.WmsToOms.Count + HubFlows.OmsToWms.Count, registered.Count);

        Assert.All(registered, name =>
        {
            Assert.True(declared.TryGet(name, out var flow), $"Registered flow '{name}' is not declared as a failed-sync flow.");
            Assert.True(flow.Replayable, $"Registered flow '{name}' is declared not replayable.");
        });
        Assert.All(declared.All, flow =>
        {
            if (flow.Replayable)
            {
                Assert.True(replayer.ReplayableFlows.Contains(flow.Name), $"Flow '{flow.Name}' is declared replayable but no replay path takes it.");
            }
            else
            {
                Assert.True(flow.NotReplayableBecause!.Length >= 40, $"Flow '{flow.Name}' must say why it cannot be replayed.");
                Assert.False(replayer.ReplayableFlows.Contains(flow.Name), $"Flow '{flow.Name}' is declared not replayable but has a replay path.");
            }

            Assert.Contains(flow.Direction, new[] { FailedSyncDirection.OmsToWms, FailedSyncDirection.WmsToOms, FailedSyncDirection.MarketplaceToOms, FailedSyncDirection.HubToMarketplace });
        });
        Assert.All(replayer.ReplayableFlows, name => Assert.True(declared.TryGet(name, out var flow) && flow.Replayable, $"Replay path for undeclared flow '{name}'."));

        // What the issue named: channel orders, channel stock, shipments back to a channel, X12 interchanges; and the
        // messages captured from each storage queue the hub owns, replayed through that queue (docs/failures.md).
        var queues = Services.GetRequiredService<WmsFunctions.Pipeline.Retries.PoisonedMessages>().Queues.Select(q => q.Flow);
        Assert.Superset(
            new HashSet<string>(["channel-orders", "channel-stock", "channel-shipments", "x12", .. registered, .. queues], StringComparer.Ordinal),
            replayer.ReplayableFlows.ToHashSet(StringComparer.Ordinal));
        Assert.Equal(
            [WmsFunctions.Flows.Channels.ChannelFeedConsumer.DeadLetterFlow, PickSlipOrchestrator.FlowName], // ordinal order
            declared.All.Where(f => !f.Replayable).Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFlowNobodyDeclared_CannotBeRecorded()
    {
        var store = Services.GetRequiredService<FailedSyncStore>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.RecordAsync(
            new FailedSync("acme", "east", FailedSyncDirection.OmsToWms, "teleport", "thing", "T-1", "m-1", "broken", "detail", "corr", "{}"), Ct));

        Assert.Empty(await store.QueryAsync(new FailedSyncQuery("acme", "east"), Ct));
    }

    [Fact]
    public async Task APickSlipFlag_IsAnsweredNotReplayable_WithItsDeclaredReason_AndStaysOpen()
    {
        await Services.GetRequiredService<FailedSyncStore>().RecordAsync(
            new FailedSync("acme", "east", FailedSyncDirection.WmsToOms, PickSlipOrchestrator.FlowName, "pick-slip", "PS-1", "wms:east|e-1", "short-pick", "short", "corr", "{}"), Ct);
        var id = Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub)).GetProperty("id").GetString()!;

        var replay = await OperatorCalls.PostAsync(_hub, $"/api/ops/acme/failed-syncs/{id}/replay", null);

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        var problem = await OperatorCalls.JsonAsync(replay);
        Assert.Equal("urn:wmsfunctions:problem:not-replayable", problem.GetProperty("type").GetString());
        Assert.Contains("pick-slip flag", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Single(await OperatorCalls.FailedSyncsAsync(_hub));
    }
}
