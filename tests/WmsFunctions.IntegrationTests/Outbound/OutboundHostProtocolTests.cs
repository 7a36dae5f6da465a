using System.Globalization;
using System.Text.Json.Nodes;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>The OMS -> WMS functions against the host's exact Service Bus invocation bytes.</summary>
public sealed class OutboundHostProtocolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Body = """{"specversion":"1.0","id":"p-1","source":"/oms","type":"com.wmsfunctions.oms.vendor.changed","tenant":"acme","data":{"vendorId":"V-1","version":1,"name":"N","active":true}}""";

    // As the host's HTTP worker posts a Service Bus trigger (cardinality one, dataType string): Data.message is the body
    // serialized to a JSON string and again; Metadata strings and times are encoded the same way, numbers are strings,
    // both property bags are objects, and the JSON body's top-level properties are merged in.
    private const string ServiceBusInvocation = """
        {"Data":{"message":"\"{\\\"specversion\\\":\\\"1.0\\\",\\\"id\\\":\\\"p-1\\\",\\\"source\\\":\\\"/oms\\\",\\\"type\\\":\\\"com.wmsfunctions.oms.vendor.changed\\\",\\\"tenant\\\":\\\"acme\\\",\\\"data\\\":{\\\"vendorId\\\":\\\"V-1\\\",\\\"version\\\":1,\\\"name\\\":\\\"N\\\",\\\"active\\\":true}}\""},"Metadata":{"DeliveryCount":"3","EnqueuedTimeUtc":"\"2026-11-23T10:00:00Z\"","MessageId":"\"7f3c2a\"","SequenceNumber":"42","CorrelationId":"\"corr-1\"","ContentType":"\"application/json\"","ApplicationProperties":{},"UserProperties":{},"specversion":"\"1.0\"","id":"\"p-1\"","source":"\"/oms\"","type":"\"com.wmsfunctions.oms.vendor.changed\"","tenant":"\"acme\"","data":{"vendorId":"V-1","version":1,"name":"N","active":true},"sys":{"MethodName":"VendorDownload","UtcNow":"2026-11-23T10:00:01.123Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
        """;

    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public void LocalHostPayload_IsTheHostsServiceBusShape_ByteForByte()
    {
        var built = HostPayloads.ServiceBusTrigger(
            "message", "VendorDownload", Body, "7f3c2a", 3, 42,
            DateTimeOffset.Parse("2026-11-23T10:00:00Z", CultureInfo.InvariantCulture), "corr-1", "application/json", null,
            new Dictionary<string, string>(), new DateTime(2026, 11, 23, 10, 0, 1, 123, DateTimeKind.Utc));

        static string WithoutRandGuid(string json)
        {
            var node = JsonNode.Parse(json)!;
            node["Metadata"]!["sys"]!.AsObject().Remove("RandGuid");
            return node.ToJsonString();
        }

        Assert.Equal(WithoutRandGuid(ServiceBusInvocation.Trim()), WithoutRandGuid(built));
    }

    [Fact]
    public async Task ExactHostBytes_AreDecoded_Delivered_AndAnsweredWithLogLinesOnly()
    {
        var (status, answer) = await _hub.Hub.Functions.InvokeAsync("VendorDownload", ServiceBusInvocation.Trim(), TestContext.Current.CancellationToken);

        Assert.Equal(200, status);
        var json = JsonNode.Parse(answer)!;
        Assert.Empty(json["Outputs"]!.AsObject());
        Assert.Equal(["VendorDownload: done", "VendorDownload: east: delivered", "VendorDownload: store-12: delivered"], json["Logs"]!.AsArray().Select(l => (string)l!));
        var sent = Assert.Single(_hub.East.To("/vendors"));
        Assert.Equal("p-1", sent.Header("Idempotency-Key"));
        var audit = (await _hub.AuditAsync("vendors")).Single(a => a.GetString("Instance") == "east");
        Assert.Equal(("delivered", 1, "p-1"), (audit.GetString("Outcome"), audit.GetInt32("Attempt"), audit.GetString("EventId")));
    }
}
