using System.Text;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Outbound;

/// <summary>
/// The per-instance circuit breaker and the OAuth token cache, on a fake clock (Polly and the token cache both
/// take the hub's TimeProvider), and the rule that no secret ever reaches a log line, the audit or a failed sync.
/// </summary>
public sealed class CircuitAndCredentialTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Function = "ItemDownload";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private OutboundHub _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await OutboundHub.StartAsync(azurite, _time, values =>
        {
            var east = "Hub:Tenants:acme:Instances:east:Outbound:Resilience:";
            values[east + "MaxRetryAttempts"] = "0";
            values[east + "MinimumThroughput"] = "2";
            values[east + "FailureRatio"] = "0.5";
            values[east + "SamplingDuration"] = "00:01:00";
            values[east + "BreakDuration"] = "00:00:30";
        });

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    private static string Item(string id, string warehouse, long version = 1) =>
        OutboundHub.CloudEvent("item.changed", id, ItemDownloadTests.Item(version, sku: "SKU-" + id, warehouses: [warehouse]));

    [Fact]
    public async Task Circuit_OpensAfterFailures_FailsFastWithoutCallingTheWms_SparesOtherInstances_AndClosesAfterTheBreak()
    {
        _hub.East.Enqueue(Reply.Unavailable(), Reply.Unavailable());
        Assert.Equal(200, await _hub.InvokeAsync(Function, Item("c1", "DC1")));
        Assert.Equal(200, await _hub.InvokeAsync(Function, Item("c2", "DC1")));

        // (Each east delivery that fails is deferred to the retry queue and the message completes: 200.)
        // Open: the third message fails at once, the WMS is not called.
        Assert.Equal(200, await _hub.InvokeAsync(Function, Item("c3", "DC1")));
        Assert.Equal(2, _hub.East.Requests.Count);
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("WMS acme/east: circuit opened for 00:00:30", StringComparison.Ordinal));

        // The store instance has its own circuit.
        Assert.Equal(200, await _hub.InvokeAsync(Function, Item("s1", "STORE-12")));
        Assert.Single(_hub.Store.Requests);

        // Still open 29 s later; after the break a trial call goes through, succeeds, and the circuit closes.
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(200, await _hub.InvokeAsync(Function, Item("c3", "DC1"), deliveryCount: 2));
        Assert.Equal(2, _hub.East.Requests.Count);
        _time.Advance(TimeSpan.FromSeconds(2));
        foreach (var id in new[] { "c1", "c2", "c3" })
        {
            Assert.Equal(200, await _hub.InvokeAsync(Function, Item(id, "DC1"), deliveryCount: 3));
        }

        Assert.Equal(5, _hub.East.Requests.Count);
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("WMS acme/east: circuit closed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OAuthToken_IsFetchedOnce_ReusedAcrossDeliveries_AndFetchedAgainBeforeItExpires()
    {
        _hub.Store.TokenLifetimeSeconds = 600;
        _hub.Store.RequireBearer = true;

        await _hub.SendAsync(Function, Item("t1", "STORE-12"));
        await _hub.SendAsync(Function, Item("t2", "STORE-12"));
        _time.Advance(TimeSpan.FromSeconds(541)); // within the last minute of its 10 minutes: refresh first
        await _hub.SendAsync(Function, Item("t3", "STORE-12"));

        Assert.Equal(2, _hub.Store.TokenRequests);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], _hub.Store.Requests.Select(r => r.Header("Authorization")));
    }

    [Fact]
    public async Task OAuthToken_RevokedEarly_The401IsAnsweredWithOneFreshToken()
    {
        _hub.Store.RequireBearer = true;
        await _hub.SendAsync(Function, Item("r1", "STORE-12"));
        _hub.Store.RevokeTokens();

        var invocation = await _hub.SendAsync(Function, Item("r2", "STORE-12"));

        Assert.Equal(200, invocation.Status);
        Assert.Equal(["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"], _hub.Store.Requests.Select(r => r.Header("Authorization")));
        Assert.Empty(await _hub.FailedSyncsAsync("store-12"));
    }

    [Fact]
    public async Task Secrets_NeverAppearInLogs_TheAuditOrFailedSyncs()
    {
        _hub.Store.RequireBearer = true;
        _hub.East.Enqueue(Reply.Problem(422, "urn:wms:problem:invalid", "no"));
        await _hub.SendAsync(Function, Item("x1", "DC1"));
        await _hub.SendAsync(Function, Item("x2", "STORE-12"));
        _hub.Store.RevokeTokens();
        await _hub.SendAsync(Function, Item("x3", "STORE-12"));

        var secrets = new[]
        {
            _hub.EastApiKey,
            _hub.Store.ClientSecret,
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_hub.Store.ClientId}:{_hub.Store.ClientSecret}")),
        }.Concat(_hub.Store.IssuedTokens).ToList();
        Assert.Equal(5, secrets.Count); // two tokens were issued, so the check below covers them
        Assert.NotEmpty(_hub.Logs.Lines);
        Assert.Contains(_hub.Logs.Lines, l => l.Contains("fetched an access token", StringComparison.Ordinal));
        var stored = (await _hub.Hub.RowsAsync(HubTable.Audit)).Concat(await _hub.Hub.RowsAsync(HubTable.FailedSyncs))
            .SelectMany(row => ((IDictionary<string, object>)row).Values.OfType<string>()).ToList();
        Assert.NotEmpty(stored);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(_hub.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(stored, v => v.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task RefusedClientCredentials_AreAFailedSync_NotRetried_AndNameOnlyTheSetting()
    {
        await using var hub = await OutboundHub.StartAsync(azurite, _time, values => values[OutboundHub.StoreSecretSetting] = "wrong-secret");

        var invocation = await hub.SendAsync(Function, Item("w1", "STORE-12"));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(hub.Store.Requests);
        Assert.Equal(1, hub.Store.TokenRequests);
        var failed = Assert.Single(await hub.FailedSyncsAsync("store-12"));
        Assert.Equal("wms-auth-failed", failed.ReasonCode);
        Assert.Equal("The token endpoint of WMS instance 'acme/store-12' refused the client credentials (401).", failed.Detail);
        Assert.DoesNotContain(hub.Logs.Lines, l => l.Contains("wrong-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MissingApiKeySetting_IsAFailedSync_NamingTheSetting()
    {
        await using var hub = await OutboundHub.StartAsync(azurite, _time, values => values.Remove(OutboundHub.EastApiKeySetting));

        var invocation = await hub.SendAsync(Function, Item("k1", "DC1"));

        Assert.Equal(200, invocation.Status);
        Assert.Empty(hub.East.Requests);
        var failed = Assert.Single(await hub.FailedSyncsAsync("east"));
        Assert.Equal(("wms-auth-failed", $"The setting '{OutboundHub.EastApiKeySetting}' that holds the credential of WMS instance 'acme/east' is not set."), (failed.ReasonCode, failed.Detail));
    }
}
