using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>
/// Two more WMS instances of tenant acme for the hub under test, one per non-API-key scheme:
/// acme/signed (Standard Webhooks, two secrets while rotating; SG-1 -> DC1) and acme/oauth (bearer JWTs; O-1 -> DC1).
/// </summary>
public sealed class SecuredInstances : IDisposable
{
    public const string SecretSetting = "WMS_ACME_SIGNED_SECRET";
    public const string NextSecretSetting = "WMS_ACME_SIGNED_SECRET_NEXT";
    public const string Issuer = "https://idp.test/acme";
    public const string Audience = "api://wmsfunctions/acme/oauth";

    public string Secret { get; } = StandardWebhooks.NewSecret();

    public string NextSecret { get; } = StandardWebhooks.NewSecret();

    public RSA SigningKey { get; } = RSA.Create(2048);

    public void Configure(Dictionary<string, string?> settings)
    {
        const string Signed = "Hub:Tenants:acme:Instances:signed:";
        settings[Signed + "Auth:Scheme"] = "StandardWebhooks";
        settings[Signed + "Auth:SecretSettings:0"] = SecretSetting;
        settings[Signed + "Auth:SecretSettings:1"] = NextSecretSetting;
        settings[SecretSetting] = Secret;
        settings[NextSecretSetting] = NextSecret;
        HubTestHost.AddLocations(settings, "acme", "signed", ("SG-1", "DC1"));

        const string OAuth = "Hub:Tenants:acme:Instances:oauth:";
        var key = SigningKey.ExportParameters(false);
        settings[OAuth + "Auth:Scheme"] = "Bearer";
        settings[OAuth + "Auth:Issuer"] = Issuer;
        settings[OAuth + "Auth:Audience"] = Audience;
        settings[OAuth + "Auth:SigningKeysJwks"] =
            $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"idp-1","n":"{{Base64UrlEncoder.Encode(key.Modulus)}}","e":"{{Base64UrlEncoder.Encode(key.Exponent)}}"}]}""";
        HubTestHost.AddLocations(settings, "acme", "oauth", ("O-1", "DC1"));
    }

    /// <summary>The Standard Webhooks headers for a body, signed with the given secrets (the current one by default).</summary>
    public (string Name, string Value)[] Sign(string webhookId, string body, DateTimeOffset? at = null, params string[] secrets)
    {
        var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signatures = (secrets.Length == 0 ? [Secret] : secrets)
            .Select(secret => StandardWebhooks.Sign(Decode(secret), webhookId, timestamp, Encoding.UTF8.GetBytes(body)));
        return
        [
            (StandardWebhooks.IdHeader, webhookId),
            (StandardWebhooks.TimestampHeader, timestamp),
            (StandardWebhooks.SignatureHeader, string.Join(' ', signatures)),
        ];
    }

    public string Token(string? issuer = null, string? audience = null, DateTimeOffset? now = null, TimeSpan? lifetime = null, RSA? key = null)
    {
        var at = now ?? DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Subject = new ClaimsIdentity([new Claim("sub", "wms-oauth")]),
            IssuedAt = at.UtcDateTime,
            NotBefore = at.UtcDateTime,
            Expires = (at + (lifetime ?? TimeSpan.FromMinutes(10))).UtcDateTime,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? SigningKey) { KeyId = "idp-1" }, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose() => SigningKey.Dispose();

    private static byte[] Decode(string secret) => StandardWebhooks.TryParseSecret(secret, out var bytes) ? bytes : throw new ArgumentException("not a secret");
}
