using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.Operations;

/// <summary>Who may call the operator API: bearer tokens with the operator role and tenants, development keys per tenant.</summary>
public sealed class OperatorAuthTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Issuer = "https://login.test/ops";
    private const string Audience = "api://wmsfunctions/operations";
    private readonly RSA _idp = RSA.Create(2048);
    private readonly string _acmeOnlyKey = WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey();
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync()
    {
        var key = _idp.ExportParameters(false);
        _hub = await HubTestHost.StartAsync(azurite, configure: values =>
        {
            values["Hub:Operators:Keys:acme-desk:ApiKeySha256"] = WmsFunctions.Pipeline.Webhooks.ApiKeys.Hash(_acmeOnlyKey);
            values["Hub:Operators:Keys:acme-desk:Tenants:0"] = "acme";
            values["Hub:Operators:Bearer:Issuer"] = Issuer;
            values["Hub:Operators:Bearer:Audience"] = Audience;
            values["Hub:Operators:Bearer:SigningKeysJwks"] =
                $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"ops-1","n":"{{Base64UrlEncoder.Encode(key.Modulus)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent)}}"}]}""";
            values["Hub:Operators:Bearer:TenantMap:tid-acme"] = "acme";
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _idp.Dispose();
    }

    private string Token(string[]? roles = null, string[]? tenants = null, string audience = Audience, TimeSpan? lifetime = null, DateTimeOffset? at = null)
    {
        var now = at ?? DateTimeOffset.UtcNow;
        var claims = new List<Claim> { new("sub", "user-42"), new("preferred_username", "alice@acme.test") };
        claims.AddRange((roles ?? ["wms.operator"]).Select(r => new Claim("roles", r)));
        claims.AddRange((tenants ?? ["tid-acme"]).Select(t => new Claim("tenants", t)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_idp) { KeyId = "ops-1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    private Task<HttpResponseMessage> ResolveAsync(string tenant, string? key, string? bearer) =>
        OperatorCalls.SendAsync(_hub, HttpMethod.Post, $"/api/ops/{tenant}/failed-syncs/bm90LWFuLWlk/resolve", """{"reason":"done"}""", key ?? "", bearer);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("urn:wmsfunctions:problem:" + type, (await OperatorCalls.JsonAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task NoCredentials_Is401_WithAChallengeForBothSchemes()
    {
        var response = await OperatorCalls.SendAsync(_hub, HttpMethod.Get, "/api/ops/acme/failed-syncs", null, null, null);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
        Assert.Contains("X-Operator-Key", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Is401()
    {
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, "/api/ops/acme/failed-syncs", key: WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey()), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task KeyOfAnotherTenant_Is403_AndChangesNothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await OperatorCalls.GetAsync(_hub, "/api/ops/acme/failed-syncs", key: _acmeOnlyKey)).StatusCode);

        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, "/api/ops/globex/failed-syncs", key: _acmeOnlyKey), HttpStatusCode.Forbidden, "forbidden");
        var stock = await OperatorCalls.PostAsync(_hub, "/api/ops/globex/stock-overrides",
            new { instance = "main", location = "G-1", sku = "100234", quantity = 5, reason = "count" }, key: _acmeOnlyKey);
        await AssertProblemAsync(stock, HttpStatusCode.Forbidden, "forbidden");
        Assert.DoesNotContain(await _hub.RowsAsync(HubTable.Inbox), r => r.GetString("Tenant") == "globex");
    }

    [Fact]
    public async Task ValidToken_WithRoleAndTenant_IsAllowed_AndNamedInTheAudit()
    {
        await _hub.SeedItemsAsync("acme", "100234");
        var response = await OperatorCalls.PostAsync(_hub, "/api/ops/acme/stock-overrides",
            new { overrideId = "ovr-auth-1", instance = "east", location = "E-A1", sku = "100234", quantity = 7, reason = "cycle count" }, bearer: Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("operator:alice@acme.test (user-42)", (await OperatorCalls.JsonAsync(response)).GetProperty("actor").GetString());
    }

    [Fact]
    public async Task ExpiredToken_Is401()
    {
        var expired = Token(at: DateTimeOffset.UtcNow.AddHours(-2), lifetime: TimeSpan.FromMinutes(10));
        var response = await ResolveAsync("acme", null, expired);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains("expired", (await OperatorCalls.JsonAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A token signed by the operators' identity provider with this header, and a valid payload but for <paramref name="exp"/>.</summary>
    private string HandSigned(string header, string? exp = null)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"user-42","roles":["wms.operator"],"tenants":["tid-acme"],"iat":{{now}},"nbf":{{now}},"exp":{{exp ?? (now + 600).ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";
        var signed = $"{Part(header)}.{Part(payload)}";
        return $"{signed}.{Base64UrlEncoder.Encode(_idp.SignData(System.Text.Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))}";
    }

    [Fact]
    public async Task TokenWithACritHeader_OrAnExpiryAsAString_Is401()
    {
        const string Header = """{"alg":"RS256","kid":"ops-1","typ":"JWT"}""";
        var expiry = $"\"{DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds()}\"";

        await AssertProblemAsync(await ResolveAsync("acme", null, HandSigned(Header)), HttpStatusCode.NotFound, "failed-sync-not-found"); // the same token, plain, gets in
        await AssertProblemAsync(await ResolveAsync("acme", null, HandSigned("""{"alg":"RS256","kid":"ops-1","typ":"JWT","crit":["x-ext"],"x-ext":1}""")), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblemAsync(await ResolveAsync("acme", null, HandSigned(Header, expiry)), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task TokenForAnotherAudience_Is401()
    {
        await AssertProblemAsync(await ResolveAsync("acme", null, Token(audience: "api://something-else")), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task TokenWithoutTheOperatorRole_Is403()
    {
        await AssertProblemAsync(await ResolveAsync("acme", null, Token(roles: ["wms.reader"])), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task TokenForAnotherTenant_Is403()
    {
        await AssertProblemAsync(await ResolveAsync("globex", null, Token()), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblemAsync(await ResolveAsync("acme", null, Token(tenants: ["tid-unmapped"])), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task PickSlipEndpoints_AreTenantScopedToo()
    {
        await AssertProblemAsync(await OperatorCalls.GetAsync(_hub, "/api/ops/globex/pick-slips?state=sent-to-wms", key: _acmeOnlyKey), HttpStatusCode.Forbidden, "forbidden");
    }

    /// <summary>Every function the catalog declares for operators, as a call on tenant <paramref name="tenant"/> (other route values made up).</summary>
    private static IEnumerable<(string Function, HttpMethod Method, string Path)> OperatorCallsOf(string tenant) =>
        FunctionCatalog.All.Where(f => f.Trigger is HttpTrigger { Audience: HttpAudience.Operator }).SelectMany(f =>
        {
            var path = f.HandlerRoute(FunctionCatalog.RoutePrefix).Replace("{tenant}", tenant, StringComparison.Ordinal);
            path = Regex.Replace(path, "{[^}]+}", "x-1");
            return ((HttpTrigger)f.Trigger).Methods.Select(m => (f.Name, new HttpMethod(m), path));
        });

    /// <summary>A body the endpoint could act on if it ran, so only the missing credentials can refuse it.</summary>
    private static string? BodyFor(HttpMethod method) => method == HttpMethod.Post ? """{"reason":"check","instance":"east"}""" : null;

    [Fact]
    public async Task EveryOperatorFunction_WithoutCredentials_Is401ProblemDetails_AndAudited()
    {
        var calls = OperatorCallsOf("acme").ToList();
        Assert.True(calls.Count >= 15, $"only {calls.Count} operator functions in the catalog");

        foreach (var (function, method, path) in calls)
        {
            var response = await OperatorCalls.SendAsync(_hub, method, path, BodyFor(method), key: null, bearer: null);

            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{function} ({method} {path}) answered {(int)response.StatusCode} without credentials");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await OperatorCalls.JsonAsync(response);
            Assert.Equal("urn:wmsfunctions:problem:unauthorized", problem.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("correlationId").GetString()), function);
            Assert.Contains("X-Operator-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        var refusals = (await _hub.RowsAsync(HubTable.Audit))
            .Where(r => r.GetString("Tenant") == AuditLog.UnauthenticatedTenant && r.GetString("Reason") == "unauthorized")
            .Select(r => r.GetString("Summary")).ToList();
        Assert.All(calls, call => Assert.Contains(refusals, summary => summary.StartsWith($"{call.Method} {call.Path}:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task EveryOperatorFunction_ForATenantTheKeyIsNotFor_Is403ProblemDetails()
    {
        foreach (var (function, method, path) in OperatorCallsOf("globex"))
        {
            var response = await OperatorCalls.SendAsync(_hub, method, path, BodyFor(method), _acmeOnlyKey, bearer: null);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{function} ({method} {path}) answered {(int)response.StatusCode} to acme's key");
            Assert.Equal("urn:wmsfunctions:problem:forbidden", (await OperatorCalls.JsonAsync(response)).GetProperty("type").GetString());
        }
    }
}
