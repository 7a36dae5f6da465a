using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Webhooks;

/// <summary>The credential headers of one webhook request, as sent.</summary>
public sealed record WebhookHeaders(string? ApiKey, string? Authorization, string? WebhookId, string? WebhookTimestamp, string? WebhookSignature);

/// <summary>Why a caller was not let in, and the <c>WWW-Authenticate</c> challenge that tells it what to send.</summary>
public sealed record AuthenticationFailure(string Detail, string Challenge);

/// <summary>
/// Authenticates a webhook caller by the scheme its WMS instance is configured for. Split in two because a
/// Standard Webhooks signature covers the body: <see cref="CheckHeadersAsync"/> runs before the body is read
/// (API key and bearer token complete there; Standard Webhooks headers and timestamp are checked),
/// <see cref="CheckBody"/> after it (the signature). Each instance's credentials are resolved once from its
/// <c>Auth</c> section (<see cref="WebhookAuthOptions"/>); the secrets they name are read from the app settings.
/// </summary>
public sealed class WebhookAuthenticator
{
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly FrozenDictionary<(string Tenant, string Instance), WebhookCredentials> _credentials;
    private readonly BearerTokens _bearerTokens;
    private readonly TimeProvider _time;

    public WebhookAuthenticator(IOptions<PerInstance<WebhookAuthOptions>> options, IConfiguration configuration, BearerTokens bearerTokens, TimeProvider time)
    {
        _credentials = options.Value.All.ToFrozenDictionary(
            i => (i.Tenant, i.Instance),
            i => WebhookCredentials.Create(i.Options, key => configuration[key]));
        _bearerTokens = bearerTokens;
        _time = time;
    }

    /// <summary>How the instance authenticates (the scheme its configuration chose, with its keys); null when it has no Auth.</summary>
    public WebhookCredentials? CredentialsOf(WmsInstance wms) => _credentials.GetValueOrDefault((wms.Tenant, wms.Id));

    public static string ChallengeFor(WebhookCredentials? credentials) => credentials switch
    {
        StandardWebhookCredentials => $"StandardWebhooks headers=\"{StandardWebhooks.IdHeader} {StandardWebhooks.TimestampHeader} {StandardWebhooks.SignatureHeader}\"",
        BearerCredentials => "Bearer error=\"invalid_token\"",
        _ => $"ApiKey header=\"{ApiKeyHeader}\"",
    };

    public async ValueTask<AuthenticationFailure?> CheckHeadersAsync(WmsInstance wms, WebhookHeaders headers)
    {
        var credentials = CredentialsOf(wms);
        var challenge = ChallengeFor(credentials);
        switch (credentials)
        {
            case ApiKeyCredentials apiKeys:
                return ApiKeys.Verify(headers.ApiKey, apiKeys.Hashes)
                    ? null
                    : new AuthenticationFailure($"Send the API key of WMS instance '{wms.Id}' in the {ApiKeyHeader} header.", challenge);

            case BearerCredentials bearer:
                if (BearerTokens.FromAuthorizationHeader(headers.Authorization) is not { Length: > 0 } token)
                {
                    return new AuthenticationFailure($"Send a bearer token for WMS instance '{wms.Id}' in the Authorization header.", "Bearer");
                }

                return await _bearerTokens.ValidateAsync(token, bearer).ConfigureAwait(false) is { } reason
                    ? new AuthenticationFailure(reason, challenge)
                    : null;

            case StandardWebhookCredentials:
                var check = StandardWebhooks.CheckHeaders(headers.WebhookId, headers.WebhookTimestamp, headers.WebhookSignature, _time.GetUtcNow());
                return check == SignatureHeadersCheck.Valid ? null : new AuthenticationFailure(Describe(check), challenge);

            default:
                return new AuthenticationFailure($"WMS instance '{wms.Id}' has no usable credentials.", challenge);
        }
    }

    /// <summary>The signature over the raw body (Standard Webhooks); other schemes were settled by the headers.</summary>
    public AuthenticationFailure? CheckBody(WmsInstance wms, WebhookHeaders headers, ReadOnlySpan<byte> body)
    {
        if (CredentialsOf(wms) is not StandardWebhookCredentials signed)
        {
            return null;
        }

        return StandardWebhooks.Verify(headers.WebhookId!, headers.WebhookTimestamp!, headers.WebhookSignature!, body, signed.Secrets)
            ? null
            : new AuthenticationFailure("No webhook-signature entry matches the body under this instance's signing secrets.", ChallengeFor(signed));
    }

    private static string Describe(SignatureHeadersCheck check) => check switch
    {
        SignatureHeadersCheck.Missing =>
            $"Send the {StandardWebhooks.IdHeader}, {StandardWebhooks.TimestampHeader} and {StandardWebhooks.SignatureHeader} headers (Standard Webhooks).",
        SignatureHeadersCheck.MalformedId => $"{StandardWebhooks.IdHeader} must be 1 to {StandardWebhooks.MaxIdLength} visible ASCII characters.",
        SignatureHeadersCheck.MalformedTimestamp => $"{StandardWebhooks.TimestampHeader} must be the time of sending in Unix seconds.",
        SignatureHeadersCheck.TooOld => $"{StandardWebhooks.TimestampHeader} is more than {StandardWebhooks.Tolerance.TotalMinutes:0} minutes old: sign every attempt afresh.",
        SignatureHeadersCheck.TooNew => $"{StandardWebhooks.TimestampHeader} is more than {StandardWebhooks.Tolerance.TotalMinutes:0} minutes ahead of the hub's clock.",
        _ => $"{StandardWebhooks.SignatureHeader} must hold space-separated 'v1,<base64>' signatures.",
    };
}
