using System.Security.Cryptography;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.UnitTests.WebhookSecurity;

public class WebhookCredentialsTests
{
    private static IReadOnlyList<string> Problems(WebhookAuthOptions auth, params (string Name, string Value)[] settings) =>
        WebhookCredentials.Problems(auth, name => settings.FirstOrDefault(s => s.Name == name).Value);

    private static WebhookAuthOptions Signed(params string[] settings) =>
        new() { Scheme = WebhookAuthOptions.StandardWebhooksScheme, SecretSettings = [.. settings] };

    [Fact]
    public void StandardWebhooks_SecretsFromTheNamedSettings_AreDecoded_InOrder()
    {
        var (a, b) = (StandardWebhooks.NewSecret(), StandardWebhooks.NewSecret());

        var credentials = (StandardWebhookCredentials)WebhookCredentials.Create(Signed("WMS_A", "WMS_B"), name => name == "WMS_A" ? a : b);

        Assert.Equal([Convert.FromBase64String(a[6..]), Convert.FromBase64String(b[6..])], credentials.Secrets);
    }

    [Fact]
    public void StandardWebhooks_MissingOrBadSetting_IsReported_ByName_NeverByValue()
    {
        const string Bad = "whsec_short";

        var problems = Problems(Signed("WMS_MISSING", "WMS_BAD", "not a name!"), ("WMS_BAD", Bad));

        Assert.Contains(problems, p => p.Contains("'WMS_MISSING' is not set", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'WMS_BAD' does not hold", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'not a name!' is not an app setting name", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(Bad, StringComparison.Ordinal));
        Assert.NotEmpty(Problems(Signed()));
        Assert.Throws<InvalidOperationException>(() => WebhookCredentials.Create(Signed("WMS_MISSING"), _ => null));
    }

    [Fact]
    public void Bearer_NeedsIssuerAudienceAndAPublicKey()
    {
        var problems = Problems(new WebhookAuthOptions { Scheme = WebhookAuthOptions.BearerScheme });

        Assert.Contains(problems, p => p.StartsWith("Issuer", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Audience", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("SigningKeysJwks or SigningKeysPem", StringComparison.Ordinal));
    }

    [Fact]
    public void Bearer_PrivateOrSymmetricKeys_AndSymmetricOrNoneAlgorithms_AreRefused()
    {
        using var rsa = RSA.Create(2048);
        var bearer = new WebhookAuthOptions
        {
            Scheme = WebhookAuthOptions.BearerScheme,
            Issuer = "https://idp.test",
            Audience = "api://hub",
            SigningKeysJwks = """{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"}]}""",
            SigningKeysPem = [rsa.ExportPkcs8PrivateKeyPem(), "not a key"],
            Algorithms = ["HS256", "none"],
        };

        var problems = Problems(bearer);

        Assert.Contains(problems, p => p.Contains("key 's' is private or symmetric", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SigningKeysPem:0 is a private key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("SigningKeysPem:1 is not a PEM public key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'HS256' is not accepted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'none' is not accepted", StringComparison.Ordinal));
    }

    [Fact]
    public void Bearer_JwksWithAPrivateRsaKey_IsRefused()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(true);
        static string B(byte[] bytes) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(bytes);
        var jwks = $$"""{"keys":[{"kty":"RSA","kid":"priv","n":"{{B(p.Modulus!)}}","e":"{{B(p.Exponent!)}}","d":"{{B(p.D!)}}","p":"{{B(p.P!)}}","q":"{{B(p.Q!)}}"}]}""";

        var problems = Problems(new WebhookAuthOptions { Scheme = "Bearer", Issuer = "i", Audience = "a", SigningKeysJwks = jwks });

        Assert.Contains(problems, problem => problem.Contains("key 'priv' is private", StringComparison.Ordinal));
    }

    [Fact]
    public void Bearer_PublicJwksAndPem_AreAccepted()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bearer = new WebhookAuthOptions
        {
            Scheme = WebhookAuthOptions.BearerScheme,
            Issuer = "https://idp.test",
            Audience = "api://hub",
            SigningKeysJwks = BearerTokensTests.Jwks(rsa, "k1"),
            SigningKeysPem = [ec.ExportSubjectPublicKeyInfoPem()],
            Algorithms = ["RS256", "ES256"],
        };

        Assert.Empty(Problems(bearer));
        Assert.Equal(2, ((BearerCredentials)WebhookCredentials.Create(bearer, _ => null)).SigningKeys.Count);
    }
}
