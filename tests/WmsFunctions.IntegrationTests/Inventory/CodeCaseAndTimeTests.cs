using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Inventory;

/// <summary>
/// The leniencies decided (docs/webhooks.md, "Codes, areas and time"): codes the hub configures (locations, SKU aliases)
/// match ignoring case and book to the configured spelling; an OMS SKU matches the item catalog exactly; a time without
/// its offset, or a bare date, is refused naming the field.
/// </summary>
public sealed class CodeCaseAndTimeTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        await _hub.SeedItemsAsync("acme", "100234", "MUG-1");
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private Task<HttpResponseMessage> PostAsync(string eventId, string sku, string location, string occurredAt = "2026-11-23T10:00:00Z") =>
        _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast,
            $$"""{"eventId":"{{eventId}}","type":"adjust","occurredAt":"{{occurredAt}}","sku":"{{sku}}","location":"{{location}}","quantity":3}""");

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

    [Fact]
    public async Task LowerCaseAliasAndLocation_AreTheConfiguredOnes()
    {
        var response = await PostAsync("case-1", "wms-red", "e-a1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var snapshot = await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken);
        Assert.Equal(3, snapshot!.OnHand);
        Assert.Contains("\"east:E-A1\"", snapshot.Areas, StringComparison.Ordinal); // the configured spelling: no second area
        Assert.DoesNotContain("e-a1", snapshot.Areas, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LowerCaseOmsSku_WithoutAnAlias_IsUnknownSku()
    {
        var response = await PostAsync("case-2", "mug-1", "E-A1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:unknown-sku", (await JsonAsync(response)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("case-3", "MUG-1", "E-A1")).StatusCode);
    }

    [Theory]
    [InlineData("2026-11-23T10:00:00")]
    [InlineData("2026-11-23")]
    public async Task OccurredAt_WithoutAnOffset_IsInvalidEvent_NamingTheField_AndChangesNothing(string occurredAt)
    {
        var response = await PostAsync("time-1", "100234", "E-A1", occurredAt);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await JsonAsync(response);
        Assert.Equal("urn:wmsfunctions:problem:invalid-event", problem.GetProperty("type").GetString());
        Assert.Equal(ZonelessTimeException.Rule, problem.GetProperty("errors").GetProperty("occurredAt")[0].GetString());
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
    }
}
