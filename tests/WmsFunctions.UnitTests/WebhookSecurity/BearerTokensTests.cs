using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.WebhookSecurity;

public sealed class BearerTokensTests : IDisposable
{
    private const string Issuer = "https://idp.test/acme";
    private const string Audience = "api://wmsfunctions/acme/east";

    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly FakeTimeProvider _time = new(Now);

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
    }

    internal static string Jwks(RSA key, string kid)
    {
        var p = key.ExportParameters(false);
        return $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"{{kid}}","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}]}""";
    }

    internal static string Token(RSA key, string kid, DateTimeOffset now, string issuer = Issuer, string audience = Audience,
        TimeSpan? lifetime = null, string algorithm = SecurityAlgorithms.RsaSha256, string subject = "wms-east")
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    private BearerCredentials Credentials(string? subject = null, params string[] algorithms) =>
        (BearerCredentials)WebhookCredentials.Create(
            new WebhookAuthOptions
            {
                Scheme = WebhookAuthOptions.BearerScheme,
                Issuer = Issuer,
                Audience = Audience,
                Subject = subject,
                SigningKeysJwks = Jwks(_key, "k1"),
                Algorithms = [.. algorithms],
            },
            _ => null);

    private Task<string?> ValidateAsync(string token, BearerCredentials? credentials = null) =>
        new BearerTokens(_time).ValidateAsync(token, credentials ?? Credentials());

    [Fact]
    public async Task Validate_TokenFromTheConfiguredIssuerForThisAudience_IsValid() =>
        Assert.Null(await ValidateAsync(Token(_key, "k1", Now)));

    [Fact]
    public async Task Validate_WrongIssuer_IsRefused() =>
        Assert.Equal("The token's issuer is not accepted.", await ValidateAsync(Token(_key, "k1", Now, issuer: "https://idp.test/globex")));

    [Fact]
    public async Task Validate_WrongAudience_IsRefused() =>
        Assert.Equal("The token's audience is not this WMS instance.", await ValidateAsync(Token(_key, "k1", Now, audience: "api://wmsfunctions/acme/store-12")));

    [Fact]
    public async Task Validate_Expired_IsRefused_ButWithinTheSkewIsAccepted()
    {
        var token = Token(_key, "k1", Now, lifetime: TimeSpan.FromMinutes(5));

        _time.Advance(TimeSpan.FromMinutes(5) + BearerTokens.ClockSkew - TimeSpan.FromSeconds(1));
        Assert.Null(await ValidateAsync(token));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("The token has expired.", await ValidateAsync(token));
    }

    [Fact]
    public async Task Validate_NotYetValid_IsRefused() =>
        Assert.Equal("The token is not valid yet.", await ValidateAsync(Token(_key, "k1", Now.AddMinutes(2))));

    [Fact]
    public async Task Validate_SignedWithAnotherKey_IsRefused()
    {
        Assert.Equal("The token's signature does not verify with the configured keys.", await ValidateAsync(Token(_otherKey, "k1", Now)));
        Assert.Equal("The token's signature does not verify with the configured keys.", await ValidateAsync(Token(_otherKey, "other", Now)));
    }

    [Fact]
    public async Task Validate_AlgNone_IsRefused()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var payload = $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"wms-east","nbf":{{Now.ToUnixTimeSeconds()}},"exp":{{Now.AddMinutes(10).ToUnixTimeSeconds()}}}""";

        Assert.NotNull(await ValidateAsync($"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(payload)}."));
        Assert.NotNull(await ValidateAsync($"{Part("""{"alg":"none","typ":"JWT"}""")}.{Part(payload)}"));
    }

    [Fact]
    public async Task Validate_AlgorithmOutsideTheAllowList_IsRefused()
    {
        var ps256 = Token(_key, "k1", Now, algorithm: SecurityAlgorithms.RsaSsaPssSha256);

        Assert.Equal("The token's signature algorithm is not accepted.", await ValidateAsync(ps256));
        Assert.Null(await ValidateAsync(ps256, Credentials(null, SecurityAlgorithms.RsaSsaPssSha256)));
    }

    [Fact]
    public async Task Validate_SymmetricHs256Token_IsRefused()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Expires = Now.AddMinutes(5).UtcDateTime,
            NotBefore = Now.UtcDateTime,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)), SecurityAlgorithms.HmacSha256),
        };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.NotNull(await ValidateAsync(token));
    }

    [Fact]
    public async Task Validate_WithoutExpiry_IsRefused()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(_key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        };
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);

        Assert.Equal("The token has no expiry.", await ValidateAsync(token));
    }

    [Fact]
    public async Task Validate_ConfiguredSubject_MustMatch()
    {
        Assert.Null(await ValidateAsync(Token(_key, "k1", Now, subject: "wms-east"), Credentials("wms-east")));
        Assert.Equal("The token's subject is not this WMS instance's client.", await ValidateAsync(Token(_key, "k1", Now, subject: "wms-store"), Credentials("wms-east")));
    }

    [Fact]
    public async Task Validate_KeyGivenAsPem_Works()
    {
        var credentials = (BearerCredentials)WebhookCredentials.Create(
            new WebhookAuthOptions { Scheme = "Bearer", Issuer = Issuer, Audience = Audience, SigningKeysPem = [_key.ExportSubjectPublicKeyInfoPem()] },
            _ => null);

        Assert.Null(await ValidateAsync(Token(_key, "any", Now), credentials));
        Assert.NotNull(await ValidateAsync(Token(_otherKey, "any", Now), credentials));
    }

    /// <summary>A token signed RS256 with <see cref="_key"/> (kid k1), its header and payload exactly as given.</summary>
    private string HandSigned(string header, string payload)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var signed = $"{Part(header)}.{Part(payload)}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), System.Security.Cryptography.HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64UrlEncoder.Encode(signature)}";
    }

    private static string Payload(string? exp = null, string? nbf = null, string? iat = null) =>
        $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"wms-east","iat":{{iat ?? Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}},"nbf":{{nbf ?? Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}},"exp":{{exp ?? Now.AddMinutes(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""";

    private const string Header = """{"alg":"RS256","kid":"k1","typ":"JWT"}""";

    [Fact]
    public async Task Validate_HandSignedToken_IsValid() => // the tokens below differ from this one only where they say
        Assert.Null(await ValidateAsync(HandSigned(Header, Payload())));

    [Theory]
    [InlineData("""{"alg":"RS256","kid":"k1","typ":"JWT","crit":["exp-ext"],"exp-ext":true}""")] // an extension the hub does not understand
    [InlineData("""{"alg":"RS256","kid":"k1","typ":"JWT","crit":[]}""")] // an empty list must not be sent (RFC 7515 4.1.11)
    [InlineData("""{"alg":"RS256","kid":"k1","typ":"JWT","crit":["alg"]}""")] // nor one naming a standard parameter
    public async Task Validate_CritHeader_IsRefused(string header) =>
        Assert.Equal("The token names critical header parameters (crit) the hub does not understand.", await ValidateAsync(HandSigned(header, Payload())));

    [Theory]
    [InlineData("exp")]
    [InlineData("nbf")]
    [InlineData("iat")]
    public async Task Validate_TimeClaimAsAString_IsRefused(string claim)
    {
        var quoted = $"\"{Now.AddMinutes(claim == "exp" ? 10 : 0).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}\"";
        var payload = claim switch { "exp" => Payload(exp: quoted), "nbf" => Payload(nbf: quoted), _ => Payload(iat: quoted) };

        Assert.Equal($"The token's '{claim}' is not a NumericDate (a JSON number of seconds).", await ValidateAsync(HandSigned(Header, payload)));
    }

    [Theory]
    [InlineData("Bearer abc.def.ghi", "abc.def.ghi")]
    [InlineData("bearer abc.def.ghi", "abc.def.ghi")]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("Bearer", null)]
    [InlineData(null, null)]
    public void FromAuthorizationHeader_TakesOnlyBearerTokens(string? header, string? expected) =>
        Assert.Equal(expected, BearerTokens.FromAuthorizationHeader(header));
}
