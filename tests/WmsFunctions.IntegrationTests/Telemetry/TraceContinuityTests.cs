using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Outbound;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.IntegrationTests.Telemetry;

/// <summary>
/// One event, one trace, across every hop the hub owns: a WMS's inventory event from its webhook (the WMS's
/// traceparent) through the outbox queue to the CloudEvent for the OMS; an OMS pick slip from its CloudEvent's
/// traceparent through the Service Bus function to the POST the WMS receives. Spans are read from OpenTelemetry's
/// in-memory exporter; every test host of the run shares the process's listeners, so spans are picked by trace id.
/// </summary>
public sealed class TraceContinuityTests(AzuriteFixture azurite)
{
    private readonly LockedCollection<Activity> _spans = new();

    [Fact]
    public async Task InventoryEvent_FromWebhookToPublishedCloudEvent_IsOneTrace()
    {
        await using var hub = await HubTestHost.StartAsync(azurite, builder: Record);
        await hub.SeedItemsAsync("acme", "100234");
        var wms = ActivityTraceId.CreateRandom();

        // The WMS's own span around its call (this process's HTTP client writes the traceparent of its span, a child).
        // It ends with the call: the relay below is invoked outside it, so only the outbox message can carry the trace on.
        using (new Activity("wms").SetParentId(wms, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            var response = await hub.PostInventoryAsync(InventoryWebhookTests.Tx("trace-1", "adjust", 3));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        var cloudEvent = JsonNode.Parse(Assert.Single(await hub.RelayAsync()))!;

        var published = TraceContext.From((string?)cloudEvent["traceparent"], (string?)cloudEvent["tracestate"]);
        Assert.Equal(wms.ToHexString(), published?.TraceId);
        var inbox = Assert.Single(await hub.RowsAsync(HubTable.Inbox));
        Assert.Equal(wms.ToHexString(), TraceContext.From(inbox.GetString("TraceParent"), null)?.TraceId);

        var trace = SpansOf(wms);
        var webhook = Assert.Single(trace, s => s.DisplayName == "webhook inventory");
        var relay = Assert.Single(trace, s => s.DisplayName == "OutboxRelay");
        Assert.Equal(ActivityKind.Consumer, relay.Kind);
        Assert.Equal(webhook.SpanId, relay.ParentSpanId); // the outbox message carried the webhook's span
        Assert.Equal(("acme", "east", "inventory", "trace-1"), (Tag(relay, "tenant"), Tag(relay, "instance"), Tag(relay, "flow"), Tag(relay, "event_id")));
        Assert.Contains(trace, s => s.DisplayName == "apply inventory" && s.ParentSpanId != default);
        Assert.Contains(trace, s => s.DisplayName == "outbox reserve");
        Assert.Contains(trace, s => s.DisplayName == "inbox insert");
        Assert.Contains(trace, s => s.DisplayName == "outbox release");
        Assert.Contains(trace, s => s.SpanId.ToHexString() == published!.TraceParent[36..52]); // the CloudEvent names a span of this trace
    }

    [Fact]
    public async Task PickSlip_FromOmsMessageToWmsPost_IsOneTrace()
    {
        await using var hub = await OutboundHub.StartAsync(azurite, host: Record);
        var oms = ActivityTraceId.CreateRandom();
        var message = JsonNode.Parse(OutboundHub.CloudEvent("pick-slip.generated", "ps-trace", PickSlipOutTests.Generated("PS-T", 1)))!;
        message["traceparent"] = $"00-{oms}-{ActivitySpanId.CreateRandom()}-01";
        message["tracestate"] = "oms=1";

        var invocation = await hub.SendAsync("PickSlipOut", message.ToJsonString());

        Assert.Equal(200, invocation.Status);
        var post = Assert.Single(hub.East.To("/pick-slips"));
        var received = TraceContext.From(post.Header("traceparent"), post.Header("tracestate"));
        Assert.Equal(oms.ToHexString(), received?.TraceId);
        Assert.Equal("oms=1", received?.TraceState);

        var trace = SpansOf(oms);
        var function = Assert.Single(trace, s => s.DisplayName == "PickSlipOut");
        Assert.Equal(ActivityKind.Consumer, function.Kind);
        var delivery = Assert.Single(trace, s => s.DisplayName == "deliver " + PickSlipOutFlow.Name && Tag(s, "instance") == "east");
        var send = Assert.Single(trace, s => s.DisplayName == "wms send" && s.ParentSpanId == delivery.SpanId);
        Assert.Contains(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == send.SpanId && s.SpanId.ToHexString() == received!.TraceParent[36..52]);
    }

    /// <summary>Every span recorded (100%) into <see cref="_spans"/>, besides the host's own configuration.</summary>
    private void Record(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(_spans));

    private List<Activity> SpansOf(ActivityTraceId trace) => _spans.Snapshot().Where(s => s.TraceId == trace).ToList();

    private static string? Tag(Activity span, string name) => span.GetTagItem(name) as string;
}

/// <summary>
/// The in-memory exporter's collection, safe to read while spans of other test hosts (the process's listeners are
/// shared) are still being added.
/// </summary>
public sealed class LockedCollection<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public int Count
    {
        get
        {
            lock (_items)
            {
                return _items.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    public List<T> Snapshot()
    {
        lock (_items)
        {
            return [.. _items];
        }
    }

    public void Add(T item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }

    public void Clear()
    {
        lock (_items)
        {
            _items.Clear();
        }
    }

    public bool Contains(T item) => Snapshot().Contains(item);

    public void CopyTo(T[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

    public bool Remove(T item)
    {
        lock (_items)
        {
            return _items.Remove(item);
        }
    }

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
