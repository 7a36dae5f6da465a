using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Inventory;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.OrderChanges;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.ReturnAuthorizations;
using WmsFunctions.Flows.ReturnReceipts;
using WmsFunctions.Flows.Vendors;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Outbound;
using WmsFunctions.IntegrationTests.Receipts;
using WmsFunctions.IntegrationTests.Returns;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Security;

/// <summary>
/// A JSON name given twice, or twice in different case, is refused on every webhook and every OMS message, and changes
/// nothing: with "last one wins" <c>{"quantity":1, ..., "Quantity":50}</c> applied 50 while every reader of the first key
/// saw 1. One sample per registered flow, so a flow added without one fails <see cref="EveryRegisteredFlow_HasASample"/>.
/// </summary>
public static class StrictJsonSamples
{
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);

    /// <summary>A valid body per WMS -> OMS flow (by flow name).</summary>
    public static IReadOnlyDictionary<string, object> Inbound { get; } = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        [InventoryTransactionFlow.FlowName] = InventoryWebhookTests.Tx("strict-1", "adjust", 1),
        [PurchaseOrderReceiptFlow.FlowName] = PurchaseOrderReceiptTests.Receipt("strict-1", 1),
        [ReturnReceiptFlow.FlowName] = ReturnReceiptTests.Return("strict-1", lines: new { sku = "100234", quantity = 1, disposition = "sellable", location = "E-A1", reasonCode = "TOO-SMALL" }),
        [PickConfirmationFlow.FlowName] = new { eventId = "strict-1", type = "shipped", occurredAt = Earlier, pickSlipId = "PS-1", lines = new[] { new { line = 1, quantity = 1, location = "E-A1" } } },
    };

    /// <summary>A valid CloudEvent per OMS -> WMS flow (by flow name).</summary>
    public static IReadOnlyDictionary<string, string> Outbound { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ItemDownloadFlow.Name] = OutboundHub.CloudEvent("item.changed", "strict-item", ItemDownloadTests.Item(1)),
        [VendorDownloadFlow.Name] = OutboundHub.CloudEvent("vendor.changed", "strict-vendor", VendorDownloadTests.Vendor(1)),
        [PurchaseOrderOutFlow.Name] = OutboundHub.CloudEvent("purchase-order.created", "strict-po", PurchaseOrderOutTests.Po(1)),
        [PickSlipOutFlow.Name] = OutboundHub.CloudEvent("pick-slip.generated", "strict-ps", PickSlipOutTests.Generated("PS-9", 1)),
        [OrderChangeOutFlow.Name] = OutboundHub.CloudEvent("order.modified", "strict-oc", OrderChangeOutTests.Modified("O-9", 2)),
        [ReturnAuthorizationOutFlow.Name] = OutboundHub.CloudEvent("return-authorization.created", "strict-ra", ReturnAuthorizationOutTests.Ra("RA-9", 1, "DC1")),
    };

    public static TheoryData<string, string> InboundCases =>
        [.. HubFlows.WmsToOms.SelectMany(f => new[] { (f.Name, "duplicate"), (f.Name, "case-variant") })];

    public static TheoryData<string, string> OutboundCases =>
        [.. HubFlows.OmsToWms.SelectMany(f => new[] { (f.Name, "duplicate"), (f.Name, "case-variant") })];

    /// <summary>
    /// <paramref name="json"/> with its object at <paramref name="where"/> (a property name, or null for the root) given its
    /// first property once more before the others: the same name again, or the name in upper case, with its value.
    /// </summary>
    public static string WithRepeatedName(string json, string kind, string? where = null)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        var target = where is null ? root : root[where]!.AsObject();
        var (name, value) = target.First();
        var repeated = $"\"{(kind == "duplicate" ? name : name.ToUpperInvariant())}\":{value!.ToJsonString()},";
        var opening = where is null ? "{" : $"\"{where}\":{{";
        var at = json.IndexOf(opening, StringComparison.Ordinal) + opening.Length;
        return json[..at] + repeated + json[at..];
    }
}

public sealed class StrictJsonWebhookTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234", "100235");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public void EveryRegisteredFlow_HasASample()
    {
        Assert.Equal(HubFlows.WmsToOms.Select(f => f.Name).Order(StringComparer.Ordinal), StrictJsonSamples.Inbound.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HubFlows.OmsToWms.Select(f => f.Name).Order(StringComparer.Ordinal), StrictJsonSamples.Outbound.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StrictJsonSamples.InboundCases), MemberType = typeof(StrictJsonSamples))]
    public async Task Webhook_WithANameGivenTwice_IsMalformedJson_AndChangesNothing(string flow, string kind)
    {
        var route = HubFlows.WmsToOms.Single(f => f.Name == flow).Route;
        var body = StrictJsonSamples.WithRepeatedName(JsonSerializer.Serialize(StrictJsonSamples.Inbound[flow]), kind);

        var response = await _hub.PostAsync($"/api/wms/acme/east/{route}", _hub.ApiKeys.AcmeEast, body);

        await AssertMalformedAsync(response, "$.eventId"); // the repeated name comes first, so the original is the second
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Empty(await _hub.RowsAsync(HubTable.FailedSyncs));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Theory]
    [InlineData("""{"eventId":"dup-q","type":"adjust","occurredAt":"2026-11-23T10:00:00Z","sku":"100234","location":"E-A1","quantity":1,"Quantity":50}""", "$.Quantity")]
    [InlineData("""{"eventId":"dup-t","type":"adjust","occurredAt":"2026-11-23T10:00:00Z","sku":"100234","location":"E-A1","quantity":1,"type":"count"}""", "$.type")]
    [InlineData("""{"eventId":"dup-e","type":"adjust","occurredAt":"2026-11-23T10:00:00Z","sku":"100234","location":"E-A1","quantity":1,"EVENTID":"x"}""", "$.EVENTID")]
    public async Task InventoryTransaction_TheHostileTestsBodies_AreRefused_AndNothingIsApplied(string body, string path)
    {
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, body);

        await AssertMalformedAsync(response, path);
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }

    [Fact]
    public async Task PropertyNames_BindExactly_ACaseVariantAloneIsNotTheField()
    {
        // "EventId" is not "eventId": the event has no id (invalid-event naming the field), nothing is applied.
        var response = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast,
            """{"EventId":"case-1","type":"adjust","occurredAt":"2026-11-23T10:00:00Z","sku":"100234","location":"E-A1","quantity":1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("urn:wmsfunctions:problem:invalid-event", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("eventId", out _));
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }

    [Fact]
    public async Task NestedNames_AreCheckedToo()
    {
        var body = JsonSerializer.Serialize(StrictJsonSamples.Inbound[PickConfirmationFlow.FlowName])
            .Replace("\"line\":1,", "\"line\":1,\"Line\":2,", StringComparison.Ordinal);

        await AssertMalformedAsync(await _hub.PostAsync("/api/wms/acme/east/pick-confirmations", _hub.ApiKeys.AcmeEast, body), "$.lines[0].Line");
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
    }

    private static async Task AssertMalformedAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:wmsfunctions:problem:malformed-json", problem.GetProperty("type").GetString());
        Assert.Contains($"'{path}' is given more than once", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

public sealed class StrictJsonOmsMessageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await OutboundHub.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Theory]
    [MemberData(nameof(StrictJsonSamples.OutboundCases), MemberType = typeof(StrictJsonSamples))]
    public async Task OmsMessage_WithANameGivenTwice_InItsData_IsAMalformedFailedSync_AndNothingIsSent(string flow, string kind)
    {
        var definition = HubFlows.OmsToWms.Single(f => f.Name == flow);
        var body = StrictJsonSamples.WithRepeatedName(StrictJsonSamples.Outbound[flow], kind, "data");

        await AssertRefusedAsync(definition.Function, flow, body);
    }

    [Theory]
    [MemberData(nameof(StrictJsonSamples.OutboundCases), MemberType = typeof(StrictJsonSamples))]
    public async Task OmsMessage_WithANameGivenTwice_InItsEnvelope_IsAMalformedFailedSync_AndNothingIsSent(string flow, string kind)
    {
        var definition = HubFlows.OmsToWms.Single(f => f.Name == flow);
        var body = StrictJsonSamples.WithRepeatedName(StrictJsonSamples.Outbound[flow], kind);

        await AssertRefusedAsync(definition.Function, flow, body);
    }

    [Theory]
    [InlineData("2026-11-23T10:00:00")]
    [InlineData("2026-11-23")]
    public async Task OmsMessage_WhoseTimeHasNoOffset_IsAMalformedFailedSync_AndNothingIsSent(string time)
    {
        var body = StrictJsonSamples.Outbound[ItemDownloadFlow.Name].Replace("\"time\":\"2026-11-23T10:00:00Z\"", $"\"time\":\"{time}\"", StringComparison.Ordinal);
        Assert.Contains(time + "\"", body, StringComparison.Ordinal);

        await AssertRefusedAsync("ItemDownload", ItemDownloadFlow.Name, body, "'time' must be an RFC 3339 timestamp with its offset");
    }

    private async Task AssertRefusedAsync(string function, string flow, string body, string why = "is given more than once")
    {
        var invocation = await _hub.SendAsync(function, body);

        Assert.Equal(200, invocation.Status); // completed: the message will not get better
        Assert.Empty(_hub.East.Requests);
        Assert.Empty(_hub.Store.Requests);
        Assert.Empty(await _hub.Hub.RowsAsync(HubTable.OutboundDeliveries));
        var failed = Assert.Single(await _hub.FailedSyncsAsync(FailedSyncStore.Unrouted, flow));
        Assert.Equal("malformed-message", failed.ReasonCode);
        Assert.Contains(why, failed.Detail, StringComparison.Ordinal);
        Assert.Empty(await _hub.Hub.ServiceBus.ReceiveAllAsync(_hub.SubscriptionPath(function), TestContext.Current.CancellationToken));
    }
}
