using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Events;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>The handler against the host's exact bytes: readiness, invocation envelopes, answers and failures.</summary>
public sealed class HostProtocolTests(AzuriteFixture azurite) : IAsyncLifetime
{
    // A queue-trigger invocation as the host's HTTP worker posts it: Data.message is the message body serialized
    // to a JSON string and then serialized again; Metadata values are strings (numbers too) encoded the same way;
    // the JSON body's properties are merged into Metadata; "sys" is an object.
    private const string QueueInvocation = """
        {"Data":{"message":"\"{\\\"tenant\\\":\\\"acme\\\",\\\"instance\\\":\\\"east\\\",\\\"flow\\\":\\\"inventory\\\",\\\"eventId\\\":\\\"proto-1\\\"}\""},"Metadata":{"DequeueCount":"1","ExpirationTime":"\"9999-12-31T23:59:59.9999999+00:00\"","Id":"\"5c1a2a52-0e6f-4bd7-9a0b-3f2b0c1d2e3f\"","InsertionTime":"\"2026-11-23T10:00:00+00:00\"","NextVisibleTime":"\"2026-11-23T10:10:00+00:00\"","PopReceipt":"\"AgAAAAMAAAAAAAAA\"","tenant":"\"acme\"","instance":"\"east\"","flow":"\"inventory\"","eventId":"\"proto-1\"","sys":{"MethodName":"OutboxRelay","UtcNow":"2026-11-23T10:00:01.123Z","RandGuid":"0f8fad5b-d9cb-469f-a165-70867728950e"}}}
        """;

    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<HttpResponseMessage> InvokeAsync(string function, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/" + function) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1042.0");
        return await _hub.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Accepts proto-1 and returns the host's invocation for its outbox message: the exact bytes above, with the id of
    /// the message its inbox row names (the relay publishes for that message only).
    /// </summary>
    private async Task<string> AcceptProto1Async()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await _hub.PostInventoryAsync(InventoryWebhookTests.Tx("proto-1", "adjust", 2))).StatusCode);
        var row = await _hub.Services.GetRequiredService<InboxStore>().FindAsync(new InboxRef("acme", "east", "inventory", "proto-1"), TestContext.Current.CancellationToken);
        return QueueInvocation.Replace("5c1a2a52-0e6f-4bd7-9a0b-3f2b0c1d2e3f", row!.OutboxMessageId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_GetRoot_Answers200()
    {
        var response = await _hub.Http.GetAsync("/", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task QueueInvocation_ExactHostBytes_AnswersOutputsAsAnArrayOfStrings()
    {
        var invocation = await AcceptProto1Async();

        var response = await InvokeAsync("OutboxRelay", invocation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(["Outputs", "Logs", "ReturnValue"], answer.EnumerateObject().Select(p => p.Name));
        var toOms = answer.GetProperty("Outputs").GetProperty("toOms");
        Assert.Equal(JsonValueKind.Array, toOms.ValueKind);
        var message = Assert.Single(toOms.EnumerateArray());
        Assert.Equal(JsonValueKind.String, message.ValueKind);
        Assert.Equal("acme/east/inventory/proto-1", JsonDocument.Parse(message.GetString()!).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task QueueInvocation_BodyEncodedOnlyOnce_IsReadLeniently()
    {
        var node = JsonNode.Parse(await AcceptProto1Async())!;
        node["Data"]!["message"] = """{"tenant":"acme","instance":"east","flow":"inventory","eventId":"proto-1"}""";

        var response = await InvokeAsync("OutboxRelay", node.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("proto-1", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public void LocalHostPayload_IsTheHostsShape_ByteForByte()
    {
        var built = HostPayloads.QueueTrigger(
            "message", "OutboxRelay", """{"tenant":"acme","instance":"east","flow":"inventory","eventId":"proto-1"}""",
            "5c1a2a52-0e6f-4bd7-9a0b-3f2b0c1d2e3f", 1,
            DateTimeOffset.Parse("2026-11-23T10:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.MaxValue,
            DateTimeOffset.Parse("2026-11-23T10:10:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
            "AgAAAAMAAAAAAAAA",
            new DateTime(2026, 11, 23, 10, 0, 1, 123, DateTimeKind.Utc));

        static string WithoutRandGuid(string json)
        {
            var node = JsonNode.Parse(json)!;
            node["Metadata"]!["sys"]!.AsObject().Remove("RandGuid");
            return node.ToJsonString();
        }

        Assert.Equal(WithoutRandGuid(QueueInvocation.Trim()), WithoutRandGuid(built));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""["an array"]""")]
    [InlineData("""{"Data":{},"Metadata":{}}""")]
    [InlineData("""{"Data":{"message":"\"{\\\"tenant\\\":\\\"acme\\\"}\""},"Metadata":{}}""")]
    public async Task UnreadableInvocation_Is400_SoTheHostFailsIt(string body)
    {
        var response = await InvokeAsync("OutboxRelay", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task HandlerFailure_Is500_SoTheHostRedelivers()
    {
        // An inbox row whose flow no handler knows: completing it throws.
        await _hub.Services.GetRequiredService<InboxStore>().AddOrGetAsync(
            new InboxEntity
            {
                PartitionKey = InboxEntity.PartitionFor("acme", "east"),
                RowKey = InboxEntity.RowFor("no-such-flow", "x-1"),
                Tenant = "acme",
                Instance = "east",
                Flow = "no-such-flow",
                EventId = "x-1",
                Command = "{}",
            },
            TestContext.Current.CancellationToken);
        var node = JsonNode.Parse(QueueInvocation)!;
        node["Data"]!["message"] = JsonSerializer.Serialize(JsonSerializer.Serialize(new { tenant = "acme", instance = "east", flow = "no-such-flow", eventId = "x-1" }));

        var response = await InvokeAsync("OutboxRelay", node.ToJsonString());

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task UnknownFunction_Is404()
    {
        var response = await InvokeAsync("NoSuchFunction", QueueInvocation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
