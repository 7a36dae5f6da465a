using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>
/// Validates OAuth 2.0 bearer JWTs (RFC 6750, RFC 7519) against an instance's <see cref="BearerCredentials"/>: signed
/// with one of its public keys by an allowed algorithm, its issuer and audience (and subject, when configured),
/// an expiry that is required, all times judged by the hub's <see cref="TimeProvider"/> with <see cref="ClockSkew"/>.
/// </summary>
public sealed class BearerTokens(TimeProvider time)
{
    public const int MaxTokenLength = 8 * 1024;

    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The token of an <c>Authorization: Bearer ...</c> header, or null when the header holds none.</summary>
    public static string? FromAuthorizationHeader(string? header)
    {
        const string Prefix = "Bearer ";
        return header is { Length: > 7 } && header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && header.Length - Prefix.Length <= MaxTokenLength
            ? header[Prefix.Length..].Trim()
            : null;
    }

    /// <summary>Null when the token is valid for these credentials, else why not (safe to tell the caller).</summary>
    public async Task<string?> ValidateAsync(string token, BearerCredentials credentials) =>
        (await ValidateTokenAsync(token, credentials).ConfigureAwait(false)).Error;

    /// <summary>
    /// As <see cref="ValidateAsync"/>, and the validated token for callers that read its claims (the operator API's
    /// role and tenants); the token is null whenever the error is not.
    /// </summary>
    public async Task<(string? Error, JsonWebToken? Token)> ValidateTokenAsync(string token, BearerCredentials credentials)
    {
        if (!_handler.CanReadToken(token))
        {
            return ("The token is not a valid signed JWT.", null);
        }

        if (!credentials.Algorithms.Contains(_handler.ReadJsonWebToken(token).Alg, StringComparer.Ordinal))
        {
            return ("The token's signature algorithm is not accepted.", null); // checked again by the library: this only names the reason
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = credentials.Issuer,
            ValidAudience = credentials.Audience,
            IssuerSigningKeys = credentials.SigningKeys,
            ValidAlgorithms = credentials.Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            RequireAudience = true,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = ClockSkew,
            LifetimeValidator = ValidateLifetime, // the library's own TimeProvider hook is internal
        };

        var result = await _handler.ValidateTokenAsync(token, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return (Reason(result.Exception), null);
        }

        var validated = (JsonWebToken)result.SecurityToken;
        if (credentials.Subject is { } subject && !string.Equals(validated.Subject, subject, StringComparison.Ordinal))
        {
            return ("The token's subject is not this WMS instance's client.", null);
        }

        return (null, validated);
    }

    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is { } from && from > now + ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = from };
        }

        if (expires.Value < now - ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
        SecurityTokenInvalidAudienceException => "The token's audience is not this WMS instance.",
        SecurityTokenInvalidAlgorithmException => "The token's signature algorithm is not accepted.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature does not verify with the configured keys.",
        _ => "The token is not a valid signed JWT.",
    };
}
