using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.Operations;

/// <summary>
/// Who may use the operator API (section "Hub:Operators"). In Azure: OAuth 2.0 bearer JWTs from the company's
/// identity provider (<see cref="Bearer"/>); locally: development keys, stored only as SHA-256 hashes
/// (<see cref="Keys"/>). Either way an operator is granted named tenants only.
/// </summary>
public sealed class OperatorOptions
{
    public const string SectionName = "Hub:Operators";

    /// <summary>Development keys by name (the name is only for people; the audit records a fingerprint of the key).</summary>
    public Dictionary<string, OperatorKeyOptions> Keys { get; set; } = new(StringComparer.Ordinal);

    public OperatorBearerOptions? Bearer { get; set; }
}

public sealed class OperatorKeyOptions
{
    /// <summary>Hex SHA-256 of the key.</summary>
    public string ApiKeySha256 { get; set; } = "";

    /// <summary>The tenants this key may see and change.</summary>
    public List<string> Tenants { get; set; } = [];
}

/// <summary>The operators' identity provider: issuer, audience and public keys as for WMS bearer tokens, plus role and tenants.</summary>
public sealed class OperatorBearerOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    public string? SigningKeysJwks { get; set; }

    public List<string> SigningKeysPem { get; set; } = [];

    public List<string> Algorithms { get; set; } = [];

    /// <summary>The claim holding the caller's roles (Entra ID app roles: "roles").</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The role an operator must have.</summary>
    public string Role { get; set; } = "wms.operator";

    /// <summary>The claim naming the tenants the caller may act for (each value one tenant, or mapped by <see cref="TenantMap"/>).</summary>
    public string TenantsClaim { get; set; } = "tenants";

    /// <summary>
    /// Optional: claim value -> hub tenants (comma separated), for identity providers that can only send their own ids
    /// (e.g. "tid" or group ids). When set, unmapped claim values grant nothing.
    /// </summary>
    public Dictionary<string, string> TenantMap { get; set; } = new(StringComparer.Ordinal);

    internal WebhookAuthOptions AsAuthOptions() => new()
    {
        Scheme = WebhookAuthOptions.BearerScheme,
        Issuer = Issuer,
        Audience = Audience,
        SigningKeysJwks = SigningKeysJwks,
        SigningKeysPem = SigningKeysPem,
        Algorithms = Algorithms,
    };
}

/// <summary>A bad operator configuration fails the start, not the first call.</summary>
public sealed class OperatorOptionsValidator : IValidateOptions<OperatorOptions>
{
    public ValidateOptionsResult Validate(string? name, OperatorOptions options)
    {
        var problems = OperatorAuthenticator.Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>An authenticated operator: what the audit records (<see cref="Actor"/>) and which tenants it may act for.</summary>
public sealed record OperatorIdentity(string Actor, IReadOnlySet<string> Tenants)
{
    public bool MayActFor(string tenant) => Tenants.Contains(tenant);
}

/// <summary>The outcome of checking an operator's credentials.</summary>
public abstract record OperatorAuthentication
{
    public sealed record Allowed(OperatorIdentity Operator) : OperatorAuthentication;

    /// <summary>No or invalid credentials: 401 with <see cref="Challenge"/> in WWW-Authenticate.</summary>
    public sealed record Unauthenticated(string Detail, string Challenge) : OperatorAuthentication;

    /// <summary>Valid credentials that do not allow this call (no operator role, another tenant): 403.</summary>
    public sealed record Forbidden(string Actor, string Detail) : OperatorAuthentication;
}

/// <summary>
/// Checks operator credentials: a bearer JWT (issuer, audience, signature, expiry as for WMS tokens, see
/// <see cref="BearerTokens"/>; plus the operator role and the tenants claim) or a development key. A key or token
/// grants named tenants: any other tenant is refused, so one retailer's operators never see another's data.
/// </summary>
public sealed class OperatorAuthenticator
{
    public const string KeyHeader = "X-Operator-Key";

    private readonly BearerTokens _tokens;
    private readonly OperatorBearerOptions? _bearerOptions;
    private readonly BearerCredentials? _bearer;
    private readonly (byte[] Hash, OperatorIdentity Identity)[] _keys;

    public OperatorAuthenticator(IOptions<OperatorOptions> options, BearerTokens tokens)
    {
        _tokens = tokens;
        var value = options.Value;
        _keys = value.Keys.Values
            .Where(k => k.ApiKeySha256.Length == 64)
            .Select(k => (Convert.FromHexString(k.ApiKeySha256),
                new OperatorIdentity("operator-key:" + k.ApiKeySha256[..12].ToLowerInvariant(), k.Tenants.ToHashSet(StringComparer.Ordinal))))
            .ToArray();
        _bearerOptions = value.Bearer;
        if (value.Bearer is { } bearer && WebhookCredentials.Problems(bearer.AsAuthOptions(), null).Count == 0)
        {
            _bearer = (BearerCredentials)WebhookCredentials.Create(bearer.AsAuthOptions(), _ => null);
        }
    }

    /// <summary>The challenge sent with every 401: the schemes configured.</summary>
    public string Challenge => _bearer is null
        ? $"ApiKey header=\"{KeyHeader}\""
        : _keys.Length == 0 ? "Bearer realm=\"wmsfunctions-operators\"" : $"Bearer realm=\"wmsfunctions-operators\", ApiKey header=\"{KeyHeader}\"";

    public static IReadOnlyList<string> Problems(OperatorOptions options)
    {
        var problems = new List<string>();
        foreach (var (name, key) in options.Keys)
        {
            if (key.ApiKeySha256.Length != 64 || !key.ApiKeySha256.All(char.IsAsciiHexDigit))
            {
                problems.Add($"Hub:Operators:Keys:{name}:ApiKeySha256 must be the 64 hex digits of the key's SHA-256.");
            }

            if (key.Tenants.Count == 0 || key.Tenants.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"Hub:Operators:Keys:{name}:Tenants must name at least one tenant.");
            }
        }

        if (options.Bearer is { } bearer)
        {
            problems.AddRange(WebhookCredentials.Problems(bearer.AsAuthOptions(), null).Select(p => "Hub:Operators:Bearer: " + p));
            if (string.IsNullOrWhiteSpace(bearer.Role) || string.IsNullOrWhiteSpace(bearer.RoleClaim) || string.IsNullOrWhiteSpace(bearer.TenantsClaim))
            {
                problems.Add("Hub:Operators:Bearer: Role, RoleClaim and TenantsClaim must not be empty.");
            }
        }

        return problems;
    }

    /// <summary>Authenticates the caller and checks it may act for <paramref name="tenant"/>.</summary>
    public async Task<OperatorAuthentication> AuthenticateAsync(string? operatorKey, string? authorization, string tenant)
    {
        OperatorIdentity? identity = null;
        if (BearerTokens.FromAuthorizationHeader(authorization) is { } token)
        {
            if (_bearer is null)
            {
                return new OperatorAuthentication.Unauthenticated("Bearer tokens are not configured for operators.", Challenge);
            }

            var (error, validated) = await _tokens.ValidateTokenAsync(token, _bearer).ConfigureAwait(false);
            if (error is not null)
            {
                return new OperatorAuthentication.Unauthenticated(error, Challenge);
            }

            var actor = Actor(validated!);
            if (!validated!.Claims.Any(c => c.Type == _bearerOptions!.RoleClaim && string.Equals(c.Value, _bearerOptions.Role, StringComparison.Ordinal)))
            {
                return new OperatorAuthentication.Forbidden(actor, $"The token does not carry the role '{_bearerOptions!.Role}'.");
            }

            identity = new OperatorIdentity(actor, TenantsOf(validated));
        }
        else if (operatorKey is { Length: > 0 })
        {
            identity = _keys.FirstOrDefault(k => ApiKeys.Verify(operatorKey, [k.Hash])).Identity;
            if (identity is null)
            {
                return new OperatorAuthentication.Unauthenticated("The operator key is not valid.", Challenge);
            }
        }

        if (identity is null)
        {
            return new OperatorAuthentication.Unauthenticated(
                $"Send an operator bearer token (Authorization: Bearer ...) or an operator key in {KeyHeader}.", Challenge);
        }

        return identity.MayActFor(tenant)
            ? new OperatorAuthentication.Allowed(identity)
            : new OperatorAuthentication.Forbidden(identity.Actor, $"This operator may not act for tenant '{tenant}'.");
    }

    private static string Actor(JsonWebToken token)
    {
        var name = token.Claims.FirstOrDefault(c => c.Type is "preferred_username" or "upn" or "email" or "name")?.Value;
        var subject = token.Subject is { Length: > 0 } sub ? sub : "unknown";
        var actor = name is { Length: > 0 } ? $"{name} ({subject})" : subject;
        return "operator:" + (actor.Length > 200 ? actor[..200] : actor);
    }

    private HashSet<string> TenantsOf(JsonWebToken token)
    {
        var tenants = new HashSet<string>(StringComparer.Ordinal);
        foreach (var claim in token.Claims.Where(c => c.Type == _bearerOptions!.TenantsClaim))
        {
            foreach (var value in claim.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (_bearerOptions!.TenantMap.Count == 0)
                {
                    tenants.Add(value);
                }
                else if (_bearerOptions.TenantMap.TryGetValue(value, out var mapped))
                {
                    tenants.UnionWith(mapped.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                }
            }
        }

        return tenants;
    }
}
