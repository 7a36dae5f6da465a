using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>One WMS instance's credentials, resolved once from its <see cref="WebhookAuthOptions"/>.</summary>
public abstract class WebhookCredentials
{
    public abstract string Scheme { get; }

    /// <summary>
    /// What is wrong with an instance's auth options, one message per fault, each starting with the property
    /// it is about. With <paramref name="setting"/> (the app settings), named secrets are checked too.
    /// </summary>
    public static IReadOnlyList<string> Problems(WebhookAuthOptions auth, Func<string, string?>? setting)
    {
        var problems = new List<string>();
        switch (auth.Scheme)
        {
            case WebhookAuthOptions.ApiKeyScheme:
                ApiKeyCredentials.From(auth, problems);
                break;
            case WebhookAuthOptions.StandardWebhooksScheme:
                StandardWebhookCredentials.From(auth, setting, problems);
                break;
            case WebhookAuthOptions.BearerScheme:
                BearerCredentials.From(auth, problems);
                break;
            default:
                problems.Add($"Scheme '{auth.Scheme}' is not supported (supported: {string.Join(", ", WebhookAuthOptions.Schemes)}).");
                break;
        }

        return problems;
    }

    /// <summary>The credentials of a valid configuration (see <see cref="Problems"/>); throws on an invalid one.</summary>
    public static WebhookCredentials Create(WebhookAuthOptions auth, Func<string, string?> setting)
    {
        var problems = new List<string>();
        WebhookCredentials? credentials = auth.Scheme switch
        {
            WebhookAuthOptions.ApiKeyScheme => ApiKeyCredentials.From(auth, problems),
            WebhookAuthOptions.StandardWebhooksScheme => StandardWebhookCredentials.From(auth, setting, problems),
            WebhookAuthOptions.BearerScheme => BearerCredentials.From(auth, problems),
            _ => null,
        };
        return credentials is not null && problems.Count == 0
            ? credentials
            : throw new InvalidOperationException($"Invalid webhook auth options: {string.Join(" ", problems.DefaultIfEmpty($"Scheme '{auth.Scheme}' is not supported."))}");
    }
}

/// <summary>API keys, held only as SHA-256 hashes.</summary>
public sealed partial class ApiKeyCredentials(IReadOnlyList<byte[]> hashes) : WebhookCredentials
{
    public override string Scheme => WebhookAuthOptions.ApiKeyScheme;

    public IReadOnlyList<byte[]> Hashes { get; } = hashes;

    [GeneratedRegex("^[0-9a-fA-F]{64}$")]
    private static partial Regex Sha256Hex();

    internal static ApiKeyCredentials From(WebhookAuthOptions auth, List<string> problems)
    {
        if (auth.ApiKeySha256.Count == 0)
        {
            problems.Add("ApiKeySha256 needs at least one key hash.");
        }

        problems.AddRange(auth.ApiKeySha256.Where(hash => !Sha256Hex().IsMatch(hash)).Select(_ => "ApiKeySha256 holds a value that is not 64 hex digits."));
        return new ApiKeyCredentials(auth.ApiKeySha256.Where(hash => Sha256Hex().IsMatch(hash)).Select(Convert.FromHexString).ToArray());
    }
}

/// <summary>Standard Webhooks signing secrets (the decoded bytes after <c>whsec_</c>), several while they rotate.</summary>
public sealed partial class StandardWebhookCredentials(IReadOnlyList<byte[]> secrets) : WebhookCredentials
{
    public override string Scheme => WebhookAuthOptions.StandardWebhooksScheme;

    public IReadOnlyList<byte[]> Secrets { get; } = secrets;

    /// <summary>App setting names as Linux app settings allow them: letters, digits, '_' and '.'.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.]{0,127}$")]
    private static partial Regex SettingName();

    internal static StandardWebhookCredentials From(WebhookAuthOptions auth, Func<string, string?>? setting, List<string> problems)
    {
        if (auth.SecretSettings.Count == 0)
        {
            problems.Add("SecretSettings needs the name of at least one app setting holding a signing secret.");
        }

        var secrets = new List<byte[]>();
        foreach (var name in auth.SecretSettings)
        {
            if (!SettingName().IsMatch(name))
            {
                problems.Add($"SecretSettings: '{name}' is not an app setting name (letters, digits, '_', '.').");
            }
            else if (setting is not null)
            {
                // The message names the setting, never its value.
                if (setting(name) is not { Length: > 0 } value)
                {
                    problems.Add($"SecretSettings: app setting '{name}' is not set.");
                }
                else if (!StandardWebhooks.TryParseSecret(value, out var secret))
                {
                    problems.Add($"SecretSettings: app setting '{name}' does not hold '{StandardWebhooks.SecretPrefix}' and base64 of {StandardWebhooks.MinSecretBytes} to {StandardWebhooks.MaxSecretBytes} bytes.");
                }
                else
                {
                    secrets.Add(secret);
                }
            }
        }

        return new StandardWebhookCredentials(secrets);
    }
}

/// <summary>OAuth 2.0 bearer JWTs: who must have issued them, for whom, signed by which public keys, with which algorithms.</summary>
public sealed class BearerCredentials(
    string issuer, string audience, string? subject, IReadOnlyList<SecurityKey> signingKeys, IReadOnlyList<string> algorithms) : WebhookCredentials
{
    /// <summary>Asymmetric algorithms only: a shared (HS*) key would be a secret in the tenants file, and "none" is never accepted.</summary>
    public static readonly IReadOnlyList<string> SupportedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public override string Scheme => WebhookAuthOptions.BearerScheme;

    public string Issuer { get; } = issuer;

    public string Audience { get; } = audience;

    public string? Subject { get; } = subject;

    public IReadOnlyList<SecurityKey> SigningKeys { get; } = signingKeys;

    public IReadOnlyList<string> Algorithms { get; } = algorithms;

    internal static BearerCredentials From(WebhookAuthOptions auth, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(auth.Issuer))
        {
            problems.Add("Issuer is required for bearer tokens.");
        }

        if (string.IsNullOrWhiteSpace(auth.Audience))
        {
            problems.Add("Audience is required for bearer tokens.");
        }

        var algorithms = auth.Algorithms.Count == 0 ? [SecurityAlgorithms.RsaSha256] : auth.Algorithms;
        problems.AddRange(algorithms.Where(a => !SupportedAlgorithms.Contains(a, StringComparer.Ordinal))
            .Select(a => $"Algorithms: '{a}' is not accepted (accepted: {string.Join(", ", SupportedAlgorithms)})."));

        var keys = new List<SecurityKey>();
        if (!string.IsNullOrWhiteSpace(auth.SigningKeysJwks))
        {
            ReadJwks(auth.SigningKeysJwks, keys, problems);
        }

        foreach (var (pem, index) in auth.SigningKeysPem.Select((pem, index) => (pem, index)))
        {
            ReadPem(pem, index, keys, problems);
        }

        if (keys.Count == 0 && !problems.Any(p => p.StartsWith("SigningKeys", StringComparison.Ordinal)))
        {
            problems.Add("SigningKeysJwks or SigningKeysPem must give at least one public signing key.");
        }

        return new BearerCredentials(auth.Issuer ?? "", auth.Audience ?? "", auth.Subject, keys, algorithms.ToArray());
    }

    private static void ReadJwks(string json, List<SecurityKey> keys, List<string> problems)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            problems.Add("SigningKeysJwks is not a JSON Web Key Set.");
            return;
        }

        foreach (var key in set.Keys)
        {
            if (IsPrivateOrSymmetric(key))
            {
                // Public keys only: anything private or symmetric would turn the tenants file into a secret.
                problems.Add($"SigningKeysJwks: key '{key.Kid}' is private or symmetric; give public keys only.");
            }
            else if (key.Kty is not (JsonWebAlgorithmsKeyTypes.RSA or JsonWebAlgorithmsKeyTypes.EllipticCurve))
            {
                problems.Add($"SigningKeysJwks: key '{key.Kid}' has key type '{key.Kty}' (RSA or EC expected).");
            }
            else
            {
                keys.Add(key);
            }
        }
    }

    private static bool IsPrivateOrSymmetric(JsonWebKey key) =>
        key.Kty == JsonWebAlgorithmsKeyTypes.Octet
        || new[] { key.D, key.P, key.Q, key.DP, key.DQ, key.QI, key.K }.Any(part => !string.IsNullOrEmpty(part));

    private static void ReadPem(string pem, int index, List<SecurityKey> keys, List<string> problems)
    {
        if (pem.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            problems.Add($"SigningKeysPem:{index} is a private key; give the public key only.");
            return;
        }

        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            keys.Add(new RsaSecurityKey(rsa));
            return;
        }
        catch (ArgumentException)
        {
            // not an RSA key; try EC below
        }
        catch (CryptographicException)
        {
            // not an RSA key; try EC below
        }

        try
        {
            var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            keys.Add(new ECDsaSecurityKey(ec));
        }
        catch (Exception failure) when (failure is ArgumentException or CryptographicException)
        {
            problems.Add($"SigningKeysPem:{index} is not a PEM public key (RSA or EC).");
        }
    }
}
