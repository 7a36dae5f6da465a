using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>What the WMS answered, once the resilience pipeline is done: its status, content type and a short excerpt.</summary>
public sealed record WmsAnswer(int Status, string? ContentType, string Body, int Attempts)
{
    public bool Accepted => Status is >= 200 and < 300;

    /// <summary>4xx other than 408 and 429: the WMS will not take this document as it is, however often it is sent.</summary>
    public bool Permanent => Status is >= 400 and < 500 and not 408 and not 429;
}

/// <summary>
/// Sends one rendered document to one WMS instance through that instance's resilience pipeline, with its
/// credentials on every attempt. Returns the final answer; throws <see cref="WmsUnavailableException"/> when
/// the WMS stayed unreachable or kept failing (transiently) until the retries of this invocation were spent,
/// or the instance's circuit is open. Every HTTP attempt is timed for the partner-call histogram, with its
/// <c>operation</c> (the flow, or <c>stock</c> for the reconciliation's listing) and its status.
/// </summary>
public sealed partial class WmsClient(
    IHttpClientFactory httpClients, WmsResilience resilience, WmsCredentials credentials, HubMetrics metrics, TimeProvider time)
{
    public const int MaxExcerptChars = 300;

    public async Task<WmsAnswer> SendAsync(
        OutboundInstance instance, WmsRequest request, string idempotencyKey, string operation, CancellationToken cancellationToken)
    {
        // Every attempt's HTTP span (and the traceparent header the WMS gets) is this span's child.
        using var span = HubTelemetry.Start("wms send");
        span?.SetTag(HubTelemetry.Tags.Instance, instance.Id);
        var state = new Attempt(this, instance, request, idempotencyKey, operation);
        try
        {
            var answer = await SendThroughPipelineAsync(state, cancellationToken).ConfigureAwait(false);
            span?.SetTag("http.response.status_code", answer.Status);
            span?.SetTag("attempts", answer.Attempts);
            return answer;
        }
        catch (Exception failure)
        {
            span.Fail(failure);
            throw;
        }
    }

    private async Task<WmsAnswer> SendThroughPipelineAsync(Attempt state, CancellationToken cancellationToken)
    {
        var instance = state.Instance;
        HttpResponseMessage response;
        try
        {
            response = await resilience.For(instance).ExecuteAsync(
                static async (attempt, ct) => await attempt.Client.SendOnceAsync(attempt, ct).ConfigureAwait(false),
                state,
                cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException open)
        {
            throw new WmsUnavailableException($"The circuit of WMS instance '{instance.Key}' is open.", state.Count, open);
        }
        catch (TimeoutRejectedException timeout)
        {
            throw new WmsUnavailableException($"WMS instance '{instance.Key}' did not answer in time.", state.Count, timeout);
        }
        catch (HttpRequestException unreachable)
        {
            throw new WmsUnavailableException($"WMS instance '{instance.Key}' could not be reached ({unreachable.HttpRequestError}).", state.Count, unreachable);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var contentType = response.Content.Headers.ContentType?.ToString();
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var answer = new WmsAnswer(status, contentType, body, state.Count);
            if (!answer.Accepted && !answer.Permanent)
            {
                throw new WmsUnavailableException($"WMS instance '{instance.Key}' answered {status} after {state.Count} attempts.", state.Count, null);
            }

            return answer;
        }
    }

    /// <summary>A short excerpt of a WMS answer for people: no e-mail addresses, no long digit runs (phones, cards).</summary>
    public static string Excerpt(string body)
    {
        var text = Whitespace().Replace(body, " ").Trim();
        text = Email().Replace(text, "[email]");
        text = LongDigits().Replace(text, "[digits]");
        return text.Length <= MaxExcerptChars ? text : text[..(MaxExcerptChars - 3)] + "...";
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Attempt attempt, CancellationToken cancellationToken)
    {
        attempt.Count++;
        var client = httpClients.CreateClient(WmsCredentials.HttpClientName);
        using var request = await BuildAsync(attempt, refreshToken: false, cancellationToken).ConfigureAwait(false);
        var response = await TimedSendAsync(client, request, attempt, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized && WmsCredentials.UsesTokens(attempt.Instance))
        {
            // The token expired or was revoked early: once more with a fresh one.
            response.Dispose();
            using var again = await BuildAsync(attempt, refreshToken: true, cancellationToken).ConfigureAwait(false);
            response = await TimedSendAsync(client, again, attempt, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>One HTTP exchange with the WMS, timed without the token fetch: the WMS's own latency and answer.</summary>
    private async Task<HttpResponseMessage> TimedSendAsync(HttpClient client, HttpRequestMessage request, Attempt attempt, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var status = "unreachable";
        try
        {
            var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return response;
        }
        catch (OperationCanceledException)
        {
            status = "timeout"; // the attempt timeout (or the invocation ending) cut it off
            throw;
        }
        finally
        {
            metrics.PartnerCall(attempt.Instance.Tenant, attempt.Instance.Id, attempt.Operation, status, time.GetElapsedTime(started));
        }
    }

    private async Task<HttpRequestMessage> BuildAsync(Attempt attempt, bool refreshToken, CancellationToken cancellationToken)
    {
        var baseUrl = attempt.Instance.Options.BaseUrl.TrimEnd('/') + "/";
        var message = new HttpRequestMessage(attempt.Request.Method, new Uri(new Uri(baseUrl), attempt.Request.Path))
        {
            Content = new ByteArrayContent(attempt.Request.Body),
        };
        message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(attempt.Request.ContentType);
        message.Headers.Add("Idempotency-Key", attempt.IdempotencyKey);
        await credentials.ApplyAsync(message, attempt.Instance, refreshToken, cancellationToken).ConfigureAwait(false);
        return message;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"[^\s@""'<>]+@[^\s@""'<>]+")]
    private static partial Regex Email();

    [GeneratedRegex(@"\d{7,}")]
    private static partial Regex LongDigits();

    private sealed class Attempt(WmsClient client, OutboundInstance instance, WmsRequest request, string idempotencyKey, string operation)
    {
        public WmsClient Client { get; } = client;

        public OutboundInstance Instance { get; } = instance;

        public WmsRequest Request { get; } = request;

        public string IdempotencyKey { get; } = idempotencyKey;

        public string Operation { get; } = operation;

        public int Count { get; set; }
    }
}

/// <summary>The WMS could not take the document now; the host delivers the message again later.</summary>
public sealed class WmsUnavailableException(string message, int attempts, Exception? inner) : Exception(message, inner)
{
    public int Attempts { get; } = attempts;
}
