using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>
/// How one WMS instance proves who it is on every webhook. <see cref="Scheme"/> chooses: an API key (stored
/// hashed), Standard Webhooks signatures (secrets in app settings named here), or an OAuth 2.0 bearer JWT
/// (issuer, audience and public signing keys here). Nothing in this class is a secret.
/// </summary>
public sealed class WebhookAuthOptions
{
    /// <summary>Hub:Tenants:{t}:Instances:{i}:Auth.</summary>
    public const string Section = "Auth";

    public const string ApiKeyScheme = "ApiKey";

    public const string StandardWebhooksScheme = "StandardWebhooks";

    public const string BearerScheme = "Bearer";

    public static readonly IReadOnlyList<string> Schemes = [ApiKeyScheme, StandardWebhooksScheme, BearerScheme];

    public string Scheme { get; set; } = ApiKeyScheme;

    /// <summary>ApiKey: hex SHA-256 of every accepted API key (several while keys rotate).</summary>
    public List<string> ApiKeySha256 { get; set; } = [];

    /// <summary>
    /// StandardWebhooks: names of the app settings that hold the signing secrets (<c>whsec_</c> + base64), several
    /// while secrets rotate. The secrets themselves never appear in the tenants file; in Azure each setting is a
    /// Key Vault reference.
    /// </summary>
    public List<string> SecretSettings { get; set; } = [];

    /// <summary>Bearer: the token's required <c>iss</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Bearer: the token's required <c>aud</c>; give every instance its own, or set <see cref="Subject"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>Bearer, optional: the token's required <c>sub</c> (the WMS's client), when the audience is shared.</summary>
    public string? Subject { get; set; }

    /// <summary>Bearer: the issuer's public signing keys as a JSON Web Key Set (the document its jwks_uri serves).</summary>
    public string? SigningKeysJwks { get; set; }

    /// <summary>Bearer: public signing keys in PEM (<c>-----BEGIN PUBLIC KEY-----</c>, RSA or EC).</summary>
    public List<string> SigningKeysPem { get; set; } = [];

    /// <summary>Bearer: the signature algorithms accepted (asymmetric only); empty means RS256.</summary>
    public List<string> Algorithms { get; set; } = [];
}

/// <summary>
/// Every instance's credentials must be usable at start: a missing or malformed secret setting, a private key where
/// a public one belongs or an unknown scheme fails the start, not the first webhook at 3 a.m. The app settings are
/// read for the secrets Standard Webhooks instances name.
/// </summary>
public sealed class WebhookAuthOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<PerInstance<WebhookAuthOptions>>
{
    public ValidateOptionsResult Validate(string? name, PerInstance<WebhookAuthOptions> options)
    {
        Func<string, string?>? setting = configuration is null ? null : key => configuration[key];
        var errors = options.All
            .SelectMany(i => WebhookCredentials.Problems(i.Options, setting).Select(problem => $"{HubSections.Path(i.Tenant, i.Instance, WebhookAuthOptions.Section)}:{problem}"))
            .ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
