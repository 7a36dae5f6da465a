using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using WmsFunctions.Flows.Stock;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Security;

/// <summary>Every scheme an instance can be configured for, against the handler and Azurite, with the exact forwarded requests.</summary>
public sealed class WebhookSecurityTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string SignedUrl = "/api/wms/acme/signed/inventory-transactions";
    private const string OAuthUrl = "/api/wms/acme/oauth/inventory-transactions";
    private static readonly DateTimeOffset Earlier = DateTimeOffset.UtcNow.AddMinutes(-30);

    private readonly SecuredInstances _secured = new();
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        _hub = await HubTestHost.StartAsync(azurite, configure: _secured.Configure);
        await _hub.SeedItemsAsync("acme", "100234", "100235");
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _secured.Dispose();
    }

    private static string Adjust(string eventId, long quantity = 2, string location = "SG-1", string sku = "100234") =>
        JsonSerializer.Serialize(new { eventId, type = "adjust", occurredAt = Earlier, sku, location, quantity });

    private Task<HttpResponseMessage> PostSignedAsync(string body, params (string, string)[] headers) =>
        _hub.PostAsync(SignedUrl, body, headers);

    private Task<HttpResponseMessage> PostBearerAsync(string body, string token, string url = OAuthUrl) =>
        _hub.PostAsync(url, body, [("Authorization", "Bearer " + token)]);

    private async Task<long?> OnHandAsync() =>
        (await _hub.Services.GetRequiredService<StockLedger>().GetSnapshotAsync("acme", "DC1", "100234", TestContext.Current.CancellationToken))?.OnHand;

    private static async Task<string?> ProblemTypeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("type").GetString();

    private async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string problemType)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:wmsfunctions:problem:" + problemType, await ProblemTypeAsync(response));
        Assert.Empty(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Empty(await _hub.RowsAsync(HubTable.Stock));
        Assert.Empty(await _hub.RowsAsync(HubTable.WebhookDeliveries));
        Assert.Equal(0, await _hub.OutboxMessagesAsync());
        var refusal = Assert.Single(await _hub.RowsAsync(HubTable.Audit));
        Assert.Equal(("refused", problemType), (refusal.GetString("Outcome"), refusal.GetString("Reason")));
    }

    // ---- Standard Webhooks ----

    [Fact]
    public async Task Signed_ValidSignature_IsAccepted_Applied_AndPublished()
    {
        var body = Adjust("sig-1");

        var response = await PostSignedAsync(body, _secured.Sign("msg_1", body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, await OnHandAsync());
        var published = JsonDocument.Parse(Assert.Single(await _hub.RelayAsync())).RootElement;
        Assert.Equal("acme/signed/inventory/sig-1", published.GetProperty("id").GetString());
        var delivery = Assert.Single(await _hub.RowsAsync(HubTable.WebhookDeliveries));
        Assert.Equal(("msg_1", "Completed", "sig-1"), (delivery.GetString("WebhookId"), delivery.GetString("Status"), delivery.GetString("EventId")));
    }

    [Fact]
    public async Task Signed_ForwardedRequestWithHostHeadersAndOddFormatting_IsVerifiedOnTheRawBytes()
    {
        // What the host forwards: the original bytes (here with tabs, a newline and non-ASCII text) and every header.
        var body = "{\t\"eventId\": \"sig-raw\", \"type\":\"adjust\",\n \"occurredAt\":\"" + Earlier.ToString("O") +
                   "\", \"sku\":\"100234\", \"location\":\"SG-1\", \"quantity\":1, \"reference\":\"Kühlraum – Tor 3\"}";
        (string, string)[] host = [("x-functions-key", "host-function-key"), ("X-Forwarded-For", "203.0.113.7"), ("X-ARR-LOG-ID", Guid.NewGuid().ToString())];

        var response = await PostSignedAsync(body, [.. _secured.Sign("msg_raw", body), .. host]);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Signed_TamperedBody_Is401_AndNothingIsWritten()
    {
        var signed = Adjust("sig-2", quantity: 2);
        var tampered = Adjust("sig-2", quantity: 200);

        var response = await PostSignedAsync(tampered, _secured.Sign("msg_2", signed));

        Assert.StartsWith("StandardWebhooks", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Signed_WithASecretTheInstanceDoesNotHave_Is401()
    {
        var body = Adjust("sig-3");

        var response = await PostSignedAsync(body, _secured.Sign("msg_3", body, null, StandardWebhooks.NewSecret()));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Signed_DuringRotation_TwoSignatures_OrEitherSecretAlone_AreAccepted()
    {
        var body = Adjust("rot-1");
        var both = await PostSignedAsync(body, _secured.Sign("msg_rot_1", body, null, StandardWebhooks.NewSecret(), _secured.NextSecret));
        var oldOnly = Adjust("rot-2");
        var old = await PostSignedAsync(oldOnly, _secured.Sign("msg_rot_2", oldOnly, null, _secured.Secret));
        var nextOnly = Adjust("rot-3");
        var next = await PostSignedAsync(nextOnly, _secured.Sign("msg_rot_3", nextOnly, null, _secured.NextSecret));

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted], [both.StatusCode, old.StatusCode, next.StatusCode]);
        Assert.Equal(6, await OnHandAsync());
    }

    // Well past the 5-minute window: the exact boundary (300 valid, 301 refused) is unit-tested with a fixed clock
    // (StandardWebhooksTests); here a request may take seconds on a loaded machine, which would eat a 1 s margin.
    [Theory]
    [InlineData(-360)]
    [InlineData(360)]
    [InlineData(-86_400)]
    public async Task Signed_StaleOrFutureTimestamp_Is401(int offsetSeconds)
    {
        var body = Adjust("sig-time");

        var response = await PostSignedAsync(body, _secured.Sign("msg_time", body, DateTimeOffset.UtcNow.AddSeconds(offsetSeconds)));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("detail").GetString();
        Assert.Contains(offsetSeconds < 0 ? "old" : "ahead", detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedHeaders => new()
    {
        { "no headers at all", "" },
        { "no webhook-id", "webhook-id" },
        { "no signature", "webhook-signature" },
        { "timestamp not a number", "webhook-timestamp=yesterday" },
        { "unsigned version only", "webhook-signature=v2,AAAA" },
        { "signature not base64", "webhook-signature=v1,###" },
        { "id with spaces", "webhook-id=msg 1" },
    };

    [Theory]
    [MemberData(nameof(MalformedHeaders))]
    public async Task Signed_MissingOrMalformedHeaders_Are401(string why, string change)
    {
        var body = Adjust("sig-bad");
        var headers = _secured.Sign("msg_bad", body).ToDictionary(h => h.Name, h => h.Value);
        if (change.Length == 0)
        {
            headers.Clear();
        }
        else if (change.Split('=', 2) is [var name, var value])
        {
            headers[name] = value;
        }
        else
        {
            headers.Remove(change);
        }

        var response = await PostSignedAsync(body, [.. headers.Select(h => (h.Key, h.Value))]);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Signed_InstanceRefusesAnApiKey_TheSchemeIsConfiguration()
    {
        var response = await _hub.PostAsync(SignedUrl, _hub.ApiKeys.AcmeEast, Adjust("sig-key"));

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Signed_SameWebhookIdAndBody_ThreeTimes_GetsTheOriginalAnswer_AppliedOnce()
    {
        var body = Adjust("replay-1", quantity: 3);
        var first = await PostSignedAsync(body, _secured.Sign("msg_replay", body));
        var firstAnswer = await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        for (var retry = 0; retry < 2; retry++)
        {
            // Each attempt is signed afresh (new timestamp), as a sender's retry is.
            var again = await PostSignedAsync(body, _secured.Sign("msg_replay", body, DateTimeOffset.UtcNow.AddSeconds(retry + 1)));
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
            Assert.Equal(firstAnswer, await again.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        }

        Assert.Equal(3, await OnHandAsync());
        Assert.Single(await _hub.RelayAsync());
        Assert.Single(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Equal(2, (await _hub.RowsAsync(HubTable.Audit)).Count(a => a.GetString("Outcome") == "duplicate"));
    }

    [Fact]
    public async Task Signed_SameMessageSixTimesAtOnce_IsAppliedOnce_EveryOtherAttemptReplaysOrIsAskedToRetry()
    {
        var body = Adjust("burst-1", quantity: 5);
        var headers = _secured.Sign("msg_burst", body);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostSignedAsync(body, headers)));

        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.Conflict }));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Accepted && !r.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(5, await OnHandAsync());
        var again = await PostSignedAsync(body, _secured.Sign("msg_burst", body)); // once settled, the answer is the stored one
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task Signed_ReusedWebhookId_WithAnotherBody_Is422_EvenForAnotherEvent_AndChangesNothing()
    {
        var body = Adjust("reuse-1", quantity: 3);
        await PostSignedAsync(body, _secured.Sign("msg_reuse", body));
        var other = Adjust("reuse-2", quantity: 30);

        var response = await PostSignedAsync(other, _secured.Sign("msg_reuse", other));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:webhook-id-reused", await ProblemTypeAsync(response));
        Assert.Equal(3, await OnHandAsync());
        Assert.Single(await _hub.RowsAsync(HubTable.Inbox));
        Assert.Single(await _hub.RelayAsync());
    }

    [Fact]
    public async Task Signed_ReusedWebhookId_OnAnotherWebhook_Is422()
    {
        var body = Adjust("reuse-3");
        await PostSignedAsync(body, _secured.Sign("msg_cross", body));

        var response = await _hub.PostAsync("/api/wms/acme/signed/return-receipts", body, _secured.Sign("msg_cross", body));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:webhook-id-reused", await ProblemTypeAsync(response));
    }

    [Fact]
    public async Task Signed_RefusedDelivery_LeavesNoDeliveryRow_SoTheSameMessageIsAcceptedOnceItCanBe()
    {
        var body = Adjust("later-1", sku: "100999");
        var refused = await PostSignedAsync(body, _secured.Sign("msg_later", body));
        Assert.Equal("urn:wmsfunctions:problem:unknown-sku", await ProblemTypeAsync(refused));
        Assert.Empty(await _hub.RowsAsync(HubTable.WebhookDeliveries));

        await _hub.SeedItemsAsync("acme", "100999"); // the item download arrives
        var retried = await PostSignedAsync(body, _secured.Sign("msg_later", body));

        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Signed_DeliveryStillInProgress_Is409_UntilItsLeaseRunsOut_ThenTakenOver()
    {
        var body = Adjust("crash-1");
        var table = await _hub.Services.GetRequiredService<HubStorage>().TableAsync(HubTable.WebhookDeliveries, TestContext.Current.CancellationToken);
        var row = new WebhookDeliveryEntity
        {
            PartitionKey = WebhookDeliveryEntity.PartitionFor("acme", "signed"),
            RowKey = WebhookDeliveryEntity.RowFor("msg_crash"),
            WebhookId = "msg_crash",
            Flow = "inventory",
            BodyHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(body))),
            ReceivedAt = DateTimeOffset.UtcNow,
            LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(30), // a request is (or died) handling it
        };
        await table.AddEntityAsync(row, TestContext.Current.CancellationToken);

        var busy = await PostSignedAsync(body, _secured.Sign("msg_crash", body));
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("urn:wmsfunctions:problem:delivery-in-progress", await ProblemTypeAsync(busy));

        row.LeaseUntil = DateTimeOffset.UtcNow.AddSeconds(-1); // the lease ran out: the request died
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, TestContext.Current.CancellationToken);
        var takenOver = await PostSignedAsync(body, _secured.Sign("msg_crash", body));

        Assert.Equal(HttpStatusCode.Accepted, takenOver.StatusCode);
        Assert.Equal("Completed", Assert.Single(await _hub.RowsAsync(HubTable.WebhookDeliveries)).GetString("Status"));
    }

    [Fact]
    public async Task Signed_AnotherInstancesLocation_Is403_AndNothingIsWritten()
    {
        var body = Adjust("iso-1", location: "E-A1"); // acme/east's area

        var response = await PostSignedAsync(body, _secured.Sign("msg_iso", body));

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "location-not-allowed");
    }

    [Fact]
    public async Task Signed_OversizedBody_Is413_AndNothingIsWritten()
    {
        var body = JsonSerializer.Serialize(new { eventId = "big", reference = new string('x', 70_000) });

        var response = await PostSignedAsync(body, _secured.Sign("msg_big", body));

        await AssertRefusedAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
    }

    // ---- OAuth 2.0 bearer ----

    [Fact]
    public async Task Bearer_ValidToken_IsAccepted()
    {
        var response = await PostBearerAsync(Adjust("jwt-1", location: "O-1"), _secured.Token());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, await OnHandAsync());
    }

    public static TheoryData<string> BadTokens => new() { "wrong issuer", "wrong audience", "expired", "wrong key", "alg none", "garbage", "missing" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bearer_BadToken_Is401_WithABearerChallenge_AndNothingIsWritten(string why)
    {
        using var otherKey = System.Security.Cryptography.RSA.Create(2048);
        var token = why switch
        {
            "wrong issuer" => _secured.Token(issuer: "https://idp.test/globex"),
            "wrong audience" => _secured.Token(audience: "api://wmsfunctions/acme/east"),
            "expired" => _secured.Token(now: DateTimeOffset.UtcNow.AddHours(-2)),
            "wrong key" => _secured.Token(key: otherKey),
            "alg none" => AlgNone(_secured.Token()),
            "garbage" => "not-a-jwt",
            _ => null,
        };

        var response = token is null
            ? await _hub.PostAsync(OAuthUrl, Adjust("jwt-bad", location: "O-1"), [])
            : await PostBearerAsync(Adjust("jwt-bad", location: "O-1"), token);

        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Bearer_TokenOfThisInstance_OnAnotherInstance_Is401()
    {
        var response = await _hub.PostAsync(SignedUrl, Adjust("jwt-other"), [("Authorization", "Bearer " + _secured.Token())]);

        await AssertRefusedAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Bearer_AnotherInstancesLocation_Is403_AndNothingIsWritten()
    {
        var response = await PostBearerAsync(Adjust("jwt-iso", location: "S12"), _secured.Token());

        await AssertRefusedAsync(response, HttpStatusCode.Forbidden, "location-not-allowed");
    }

    [Fact]
    public async Task ApiKeyInstances_StillWork_AndRefuseABearerToken()
    {
        var accepted = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", _hub.ApiKeys.AcmeEast, Adjust("key-1", location: "E-A1"));
        var refused = await _hub.PostAsync("/api/wms/acme/east/inventory-transactions", Adjust("key-2", location: "E-A1"), [("Authorization", "Bearer " + _secured.Token())]);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("ApiKey header=\"X-Api-Key\"", refused.Headers.WwwAuthenticate.ToString());
        Assert.Single(await _hub.RowsAsync(HubTable.Audit), a => a.GetString("Outcome") == "refused");
    }

    private static string AlgNone(string token)
    {
        var parts = token.Split('.');
        var header = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{parts[1]}.";
    }
}
