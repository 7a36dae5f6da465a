using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Audit;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>The audit log through the operator API: by correlation id, entity, instance and time range, in pages.</summary>
public sealed class AuditQueryTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date, TimeSpan.Zero).AddDays(-2).AddHours(22);
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite);
        var audit = _hub.Services.GetRequiredService<AuditLog>();
        var entries = new[]
        {
            new AuditEntry("acme", T0, "items", "delivered", Instance: "east", EntityType: "item", EntityId: "100234", CorrelationId: "c-1"),
            new AuditEntry("acme", T0.AddHours(1), "items", "refused", Instance: "store-12", EntityType: "item", EntityId: "100234", CorrelationId: "c-2"),
            new AuditEntry("acme", T0.AddHours(3), "inventory", "applied", Instance: "east", EntityType: "event", EntityId: "e-1", CorrelationId: "c-1"),
            new AuditEntry("acme", T0.AddHours(26), "operations", "resolved", Instance: "east", EntityType: "item", EntityId: "100234", CorrelationId: "c-3", Actor: "operator-key:abc"),
            new AuditEntry("globex", T0.AddHours(1), "items", "delivered", Instance: "main", EntityType: "item", EntityId: "100234", CorrelationId: "c-1"),
        };
        var n = 0;
        foreach (var entry in entries)
        {
            await audit.WriteAsync(entry, "k" + n++, TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private async Task<string[]> OutcomesAsync(string query, string tenant = "acme")
    {
        var range = $"from={Uri.EscapeDataString(T0.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(2).ToString("O"))}";
        var response = await OperatorCalls.GetAsync(_hub, $"/api/ops/{tenant}/audit?{range}{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await OperatorCalls.JsonAsync(response)).GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()!).ToArray();
    }

    [Fact]
    public async Task ByEachKey_OnlyThatTenantsEntries_OldestFirst()
    {
        Assert.Equal(["delivered", "applied"], await OutcomesAsync("&correlationId=c-1"));
        Assert.Equal(["delivered", "refused", "resolved"], await OutcomesAsync("&entityType=item&entityId=100234"));
        Assert.Equal(["delivered", "applied", "resolved"], await OutcomesAsync("&instance=east"));
        Assert.Equal(["delivered", "refused", "applied", "resolved"], await OutcomesAsync(""));
        Assert.Equal(["delivered"], await OutcomesAsync("&correlationId=c-1", tenant: "globex"));
    }

    [Fact]
    public async Task TimeRange_BoundsEveryKey()
    {
        var from = Uri.EscapeDataString(T0.AddMinutes(30).ToString("O"));
        var to = Uri.EscapeDataString(T0.AddHours(4).ToString("O"));

        async Task<int> Count(string query) =>
            (await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(_hub, $"/api/ops/acme/audit?from={from}&to={to}{query}"))).GetProperty("entries").GetArrayLength();

        Assert.Equal(1, await Count("&correlationId=c-1"));
        Assert.Equal(1, await Count("&entityType=item&entityId=100234"));
        Assert.Equal(1, await Count("&instance=east"));
        Assert.Equal(2, await Count(""));
    }

    [Fact]
    public async Task Pages_FollowTheContinuation_AcrossDays()
    {
        var range = $"from={Uri.EscapeDataString(T0.AddHours(-1).ToString("O"))}&to={Uri.EscapeDataString(T0.AddDays(2).ToString("O"))}";
        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await OperatorCalls.JsonAsync(await OperatorCalls.GetAsync(_hub,
                $"/api/ops/acme/audit?{range}&instance=east&take=1" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation))));
            seen.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()!));
            continuation = page.GetProperty("continuation").GetString();
        }
        while (continuation is not null && ++pages < 10);

        Assert.Equal(["delivered", "applied", "resolved"], seen);
    }

    [Fact]
    public async Task BadRange_IsAProblem()
    {
        var response = await OperatorCalls.GetAsync(_hub, "/api/ops/acme/audit?from=yesterday&continuation=%%%");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:invalid-query", (await OperatorCalls.JsonAsync(response)).GetProperty("type").GetString());
    }
}
