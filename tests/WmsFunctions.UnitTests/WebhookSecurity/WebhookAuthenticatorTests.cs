using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Tenancy;
using WmsFunctions.UnitTests.Tenancy;

namespace WmsFunctions.UnitTests.WebhookSecurity;

/// <summary>The scheme an instance is configured for decides what is checked, against the hub's (fake) clock.</summary>
public sealed class WebhookAuthenticatorTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"eventId":"e-1"}""");

    private readonly FakeTimeProvider _time = new(Now);
    private readonly RSA _key = RSA.Create(2048);
    private readonly string _secret = StandardWebhooks.NewSecret();
    private readonly TenantDirectory _directory;
    private readonly PerInstance<WebhookAuthOptions> _auth = TestInstances.Auth();
    private readonly IConfiguration _configuration;

    public WebhookAuthenticatorTests()
    {
        var options = TestInstances.Options();
        var signed = TestInstances.Instance(("SG-1", "DC1"));
        _auth.Set("acme", "signed", new WebhookAuthOptions { Scheme = WebhookAuthOptions.StandardWebhooksScheme, SecretSettings = ["WMS_SIGNED"] });
        var oauth = TestInstances.Instance(("O-1", "DC1"));
        _auth.Set("acme", "oauth", new WebhookAuthOptions
        {
            Scheme = WebhookAuthOptions.BearerScheme,
            Issuer = "https://idp.test/acme",
            Audience = "api://wmsfunctions/acme/east",
            SigningKeysJwks = BearerTokensTests.Jwks(_key, "k1"),
        });
        options.Tenants["acme"].Instances["signed"] = signed;
        options.Tenants["acme"].Instances["oauth"] = oauth;
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["WMS_SIGNED"] = _secret }).Build();
        _directory = new TenantDirectory(Options.Create(options));
    }

    public void Dispose() => _key.Dispose();

    private WebhookAuthenticator Authenticator => new(Options.Create(_auth), _configuration, new BearerTokens(_time), _time);

    private WmsInstance Instance(string id) => _directory.TryGet("acme", id, out var instance) ? instance : throw new InvalidOperationException(id);

    private WebhookHeaders Signed(DateTimeOffset at, byte[]? body = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        _ = StandardWebhooks.TryParseSecret(_secret, out var key);
        return new WebhookHeaders(null, null, "msg_1", timestamp, StandardWebhooks.Sign(key, "msg_1", timestamp, body ?? Body));
    }

    [Fact]
    public async Task StandardWebhooks_FreshAndSigned_Passes_ThenTheSameHeadersGoStaleAsTheClockMoves()
    {
        var headers = Signed(Now);
        var signed = Instance("signed");

        Assert.Null(await Authenticator.CheckHeadersAsync(signed, headers));
        Assert.Null(Authenticator.CheckBody(signed, headers, Body));

        _time.Advance(StandardWebhooks.Tolerance + TimeSpan.FromSeconds(1));
        var stale = await Authenticator.CheckHeadersAsync(signed, headers);
        Assert.NotNull(stale);
        Assert.Contains("old", stale.Detail, StringComparison.Ordinal);
        Assert.StartsWith("StandardWebhooks", stale.Challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StandardWebhooks_SignedAhead_IsRefusedUntilTheClockCatchesUp()
    {
        var headers = Signed(Now.AddMinutes(6));

        Assert.NotNull(await Authenticator.CheckHeadersAsync(Instance("signed"), headers));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await Authenticator.CheckHeadersAsync(Instance("signed"), headers));
    }

    [Fact]
    public void StandardWebhooks_AnotherBody_FailsTheBodyCheck() =>
        Assert.NotNull(Authenticator.CheckBody(Instance("signed"), Signed(Now), Encoding.UTF8.GetBytes("""{"eventId":"e-2"}""")));

    [Fact]
    public async Task Bearer_TokenExpiresWithTheHubsClock()
    {
        var token = BearerTokensTests.Token(_key, "k1", Now, lifetime: TimeSpan.FromMinutes(5));
        var headers = new WebhookHeaders(null, "Bearer " + token, null, null, null);

        Assert.Null(await Authenticator.CheckHeadersAsync(Instance("oauth"), headers));
        _time.Advance(TimeSpan.FromMinutes(6));
        var expired = await Authenticator.CheckHeadersAsync(Instance("oauth"), headers);
        Assert.Equal(("The token has expired.", "Bearer error=\"invalid_token\""), (expired?.Detail, expired?.Challenge));
    }

    [Fact]
    public async Task EachInstance_AcceptsOnlyItsOwnScheme()
    {
        var apiKey = new WebhookHeaders("key-E-A1", null, null, null, null);
        var token = new WebhookHeaders(null, "Bearer " + BearerTokensTests.Token(_key, "k1", Now), null, null, null);

        Assert.Null(await Authenticator.CheckHeadersAsync(Instance("east"), apiKey));
        Assert.NotNull(await Authenticator.CheckHeadersAsync(Instance("east"), token));
        Assert.NotNull(await Authenticator.CheckHeadersAsync(Instance("oauth"), apiKey));
        Assert.NotNull(await Authenticator.CheckHeadersAsync(Instance("signed"), apiKey));
        Assert.NotNull(await Authenticator.CheckHeadersAsync(Instance("signed"), token));
    }
}
