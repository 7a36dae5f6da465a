using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// Puts an instance's credentials on a request: an API key in its header, or an OAuth 2.0 client-credentials
/// bearer token (client_secret_basic), cached per instance and fetched again shortly before it expires or when
/// the WMS answers 401. Secrets are read from configuration by setting name at the moment of use (Key Vault
/// references in Azure) and are never logged, audited or put in an exception message.
/// </summary>
public sealed partial class WmsCredentials(
    IConfiguration configuration,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<WmsCredentials> logger)
{
    public const string HttpClientName = "wms";

    /// <summary>A token is fetched again this long before it expires (or at half its life, if that is shorter).</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, TokenSlot> _tokens = new(StringComparer.Ordinal);

    public static bool UsesTokens(OutboundInstance instance) => instance.Options.Auth.Scheme == OutboundAuthOptions.OAuth2Scheme;

    public async ValueTask ApplyAsync(HttpRequestMessage request, OutboundInstance instance, bool refreshToken, CancellationToken cancellationToken)
    {
        var auth = instance.Options.Auth;
        if (auth.Scheme == OutboundAuthOptions.ApiKeyScheme)
        {
            request.Headers.TryAddWithoutValidation(auth.ApiKeyHeader, Secret(instance, auth.ApiKeySetting!));
            return;
        }

        var token = await TokenAsync(instance, refreshToken, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private async ValueTask<string> TokenAsync(OutboundInstance instance, bool refresh, CancellationToken cancellationToken)
    {
        var slot = _tokens.GetOrAdd(instance.Key, _ => new TokenSlot());
        if (!refresh && slot.Current is { } cached && time.GetUtcNow() < cached.RefreshAt)
        {
            return cached.Value;
        }

        var stale = slot.Current;
        await slot.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Someone else may have fetched a new one while we waited.
            if (slot.Current is { } fresh && !ReferenceEquals(fresh, stale) && time.GetUtcNow() < fresh.RefreshAt)
            {
                return fresh.Value;
            }

            slot.Current = await FetchAsync(instance, cancellationToken).ConfigureAwait(false);
            return slot.Current.Value;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task<Token> FetchAsync(OutboundInstance instance, CancellationToken cancellationToken)
    {
        var auth = instance.Options.Auth;
        var secret = Secret(instance, auth.ClientSecretSetting!);
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (!string.IsNullOrWhiteSpace(auth.Scope))
        {
            form["scope"] = auth.Scope;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, auth.TokenUrl) { Content = new FormUrlEncodedContent(form) };
        // RFC 6749 2.3.1: client id and secret form-encoded, then HTTP Basic.
        var basic = Uri.EscapeDataString(auth.ClientId!) + ":" + Uri.EscapeDataString(secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(instance.Options.Resilience.AttemptTimeout);
        HttpResponseMessage response;
        try
        {
            response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException($"The token endpoint of WMS instance '{instance.Key}' did not answer in time.");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is 408 or 429 or >= 500)
            {
                throw new HttpRequestException($"The token endpoint of WMS instance '{instance.Key}' answered {status}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new WmsAuthException($"The token endpoint of WMS instance '{instance.Key}' refused the client credentials ({status}).");
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var value = root.GetProperty("access_token").GetString();
                var lifetime = TimeSpan.FromSeconds(root.TryGetProperty("expires_in", out var expires) && expires.TryGetInt32(out var seconds) ? seconds : 300);
                if (string.IsNullOrEmpty(value))
                {
                    throw new KeyNotFoundException("access_token");
                }

                var margin = lifetime / 2 < RefreshMargin ? lifetime / 2 : RefreshMargin;
                LogTokenFetched(logger, instance.Key, lifetime);
                return new Token(value, time.GetUtcNow() + lifetime - margin);
            }
            catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new WmsAuthException($"The token endpoint of WMS instance '{instance.Key}' answered without a usable access_token.");
            }
        }
    }

    private string Secret(OutboundInstance instance, string setting) =>
        configuration[setting] is { Length: > 0 } value
            ? value
            : throw new WmsAuthException($"The setting '{setting}' that holds the credential of WMS instance '{instance.Key}' is not set.");

    [LoggerMessage(Level = LogLevel.Information, Message = "WMS {Instance}: fetched an access token valid for {Lifetime}")]
    private static partial void LogTokenFetched(ILogger logger, string instance, TimeSpan lifetime);

    private sealed class TokenSlot
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public Token? Current { get; set; }
    }

    private sealed record Token(string Value, DateTimeOffset RefreshAt)
    {
        public override string ToString() => $"access token until {RefreshAt:O}"; // never the value
    }
}

/// <summary>The WMS's credentials are missing or refused: a person must fix the configuration; retrying will not help.</summary>
public sealed class WmsAuthException(string message) : Exception(message);
