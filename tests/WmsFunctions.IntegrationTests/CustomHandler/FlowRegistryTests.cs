using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Flows;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>
/// The checklist of docs/architecture.md ("Adding a flow"), held to the registry: every registered flow has its
/// function, a replay path for its failures, its contract entry and, OMS -> WMS, a writer in every dialect that writes
/// documents its own way. A flow added to the registry without one of them fails here.
/// </summary>
public sealed class FlowRegistryTests
{
    public static TheoryData<string> InboundFlows => [.. HubFlows.WmsToOms.Select(f => f.Name)];

    public static TheoryData<string> OutboundFlows => [.. HubFlows.OmsToWms.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(InboundFlows))]
    public void InboundFlow_HasItsWebhook_ItsReplay_AndItsOpenApiPath(string name)
    {
        var flow = HubFlows.WmsToOms.Single(f => f.Name == name);

        var function = Assert.Single(FunctionCatalog.All, f => f.Name == flow.Function);
        var trigger = Assert.IsType<HttpTrigger>(function.Trigger);
        Assert.Equal(($"wms/{{tenant}}/{{instance}}/{flow.Route}", HttpAudience.Wms, "POST"), (trigger.Route, trigger.Audience, string.Join(",", trigger.Methods)));
        Assert.Equal(FailedSyncDirection.WmsToOms, Replayer.DirectionOf(flow.Name));
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(RepoPaths.File("functions/openapi/v1.json")))!["paths"]![$"/api/{trigger.Route}"]?["post"]);
    }

    [Theory]
    [MemberData(nameof(OutboundFlows))]
    public void OutboundFlow_HasItsFunction_ItsReplay_ItsContractPath_AndAWriterInEveryDialect(string name)
    {
        var flow = HubFlows.OmsToWms.Single(f => f.Name == name);

        var function = Assert.Single(FunctionCatalog.All, f => f.Name == flow.Function);
        var trigger = Assert.IsType<ServiceBusTrigger>(function.Trigger);
        Assert.Equal((flow.Topic, OmsToWmsFunction.SubscriptionSetting), (trigger.TopicName, trigger.SubscriptionNameSetting));
        Assert.Equal(FailedSyncDirection.OmsToWms, Replayer.DirectionOf(flow.Name));
        Assert.NotNull(JsonNode.Parse(File.ReadAllText(RepoPaths.File("functions/openapi/wms-outbound.json")))!["paths"]![$"/{flow.Name}"]?["post"]);

        // The one dispatch from a document to its writer method knows the flow's document (a dialect's writer only
        // describes it here; nothing is written).
        var document = (WmsDocument)RuntimeHelpers.GetUninitializedObject(flow.DocumentType);
        Assert.StartsWith("CW", GenericXmlDocuments.Instance.Write(document).MessageType, StringComparison.Ordinal);
    }

    [Fact]
    public void FlowsAndFunctions_HaveUniqueNames_AcrossBothDirections()
    {
        var flows = HubFlows.WmsToOms.Select(f => f.Name).Concat(HubFlows.OmsToWms.Select(f => f.Name)).ToList();

        Assert.Equal(flows.Count, flows.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(FunctionCatalog.All.Count, FunctionCatalog.All.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count());
    }

    private static FailedSyncReplayer Replayer { get; } = BareReplayer();

    /// <summary>The replayer as the hub builds it, from the sample settings (nothing is called).</summary>
    private static FailedSyncReplayer BareReplayer()
    {
        var values = JsonNode.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(v => v.Key, v => (string?)v.Value!.GetValue<string>());
        values[StorageOptions.ConnectionName] = "UseDevelopmentStorage=true";
        values["HUB_TENANTS_FILE"] = null;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddWmsCore(configuration).BuildServiceProvider().GetRequiredService<FailedSyncReplayer>();
    }
}
