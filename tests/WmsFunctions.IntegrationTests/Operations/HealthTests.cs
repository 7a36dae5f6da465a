using System.Net;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>Readiness: anonymous, no tenant data, 503 as problem details when a dependency is down.</summary>
public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ready_Is200_WithTheChecksAndTheLag_AndNoTenantData()
    {
        await using var hub = await HubTestHost.StartAsync(azurite);
        await hub.SeedItemsAsync("acme", "100234");
        Assert.Equal(HttpStatusCode.Accepted, (await hub.PostInventoryAsync(new { eventId = "h-1", type = "adjust", occurredAt = DateTimeOffset.UtcNow, sku = "WMS-RED", location = "E-A1", quantity = 1 })).StatusCode);

        var response = await hub.Http.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var body = await OperatorCalls.JsonAsync(response);
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(["table-storage", "settings", "tenants-file"], body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(1, body.GetProperty("lag").GetProperty("outboxApproximateMessages").GetInt32()); // the event waits for the relay
        Assert.DoesNotContain("acme", text, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageUnreachable_Is503_ProblemDetails()
    {
        // A storage endpoint nobody listens on: the handler starts (tables are created on first use), readiness says why not.
        const string Down = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZG93bg==;" +
            "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1";
        await using var hub = await HubTestHost.StartAsync(azurite, configure: values => values[StorageOptions.ConnectionName] = Down);

        var response = await hub.Http.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await OperatorCalls.JsonAsync(response);
        Assert.Equal("urn:wmsfunctions:problem:not-ready", body.GetProperty("type").GetString());
        Assert.Equal("down", body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "table-storage").GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("correlationId").GetString())); // as every problem the handler answers
        Assert.DoesNotContain("ZG93bg", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSetting_Is503()
    {
        await using var hub = await HubTestHost.StartAsync(azurite, configure: values => values["ALERTS_SCHEDULE"] = "");

        var response = await hub.Http.GetAsync("/api/health", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("ALERTS_SCHEDULE", (await OperatorCalls.JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
