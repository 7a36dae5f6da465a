using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>
/// Validates OAuth 2.0 bearer JWTs (RFC 6750, RFC 7519) against an instance's <see cref="BearerCredentials"/>: signed
/// with one of its public keys by an allowed algorithm, its issuer and audience (and subject, when configured),
/// an expiry that is required, all times judged by the hub's <see cref="TimeProvider"/> with <see cref="ClockSkew"/>;
/// no critical header extensions and times only as NumericDate numbers (see <see cref="Unsupported"/>).
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

        var read = _handler.ReadJsonWebToken(token);
        if (!credentials.Algorithms.Contains(read.Alg, StringComparer.Ordinal))
        {
            return ("The token's signature algorithm is not accepted.", null); // checked again by the library: this only names the reason
        }

        if (Unsupported(read) is { } unsupported)
        {
            return (unsupported, null);
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

    /// <summary>
    /// What the library lets through and the RFCs refuse: a <c>crit</c> header (RFC 7515 4.1.11: a recipient must
    /// refuse a token whose critical extensions it does not understand, and the hub understands none; an empty list or
    /// one naming a standard parameter is not allowed at all), and <c>exp</c>, <c>nbf</c> or <c>iat</c> that is not a
    /// NumericDate (RFC 7519 2 and 4.1.4-6: a JSON number of seconds; the library also reads a string).
    /// </summary>
    private static string? Unsupported(JsonWebToken token)
    {
        try
        {
            using (var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedHeader)))
            {
                if (header.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return "The token is not a valid signed JWT.";
                }

                if (header.RootElement.TryGetProperty("crit", out _))
                {
                    return "The token names critical header parameters (crit) the hub does not understand.";
                }
            }

            using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload));
            if (payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                return "The token is not a valid signed JWT.";
            }

            foreach (var claim in (ReadOnlySpan<string>)["exp", "nbf", "iat"])
            {
                if (payload.RootElement.TryGetProperty(claim, out var value) && value.ValueKind != JsonValueKind.Number)
                {
                    return $"The token's '{claim}' is not a NumericDate (a JSON number of seconds).";
                }
            }

            return null;
        }
        catch (Exception unreadable) when (unreadable is JsonException or FormatException or ArgumentException)
        {
            return "The token is not a valid signed JWT.";
        }
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
