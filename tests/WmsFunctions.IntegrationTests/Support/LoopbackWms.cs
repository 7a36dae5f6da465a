using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WmsFunctions.IntegrationTests.Support;

/// <summary>What the loopback WMS answers to one request: a status (with body, delay, Retry-After) or a dropped connection.</summary>
public sealed record Reply(int Status, string? Body = null, string? ContentType = null, TimeSpan? Delay = null, int? RetryAfterSeconds = null, bool Drop = false)
{
    public static Reply Ok { get; } = new(200, """{"status":"accepted"}""", "application/json");

    public static Reply Unavailable(int? retryAfterSeconds = null) => new(503, "busy", "text/plain", RetryAfterSeconds: retryAfterSeconds);

    public static Reply TooManyRequests(int retryAfterSeconds) => new(429, "slow down", "text/plain", RetryAfterSeconds: retryAfterSeconds);

    public static Reply Slow(TimeSpan delay) => new(200, """{"status":"accepted"}""", "application/json", Delay: delay);

    public static Reply Dropped { get; } = new(0, Drop: true);

    public static Reply Problem(int status, string type, string detail) =>
        new(status, $$"""{"type":"{{type}}","title":"Refused","status":{{status}},"detail":"{{detail}}"}""", "application/problem+json");
}

/// <summary>One request the loopback WMS received, as it arrived.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A WMS on a real Kestrel server on 127.0.0.1 (ephemeral port), with its OAuth 2.0 token endpoint. WMS calls go
/// under <see cref="BaseUrl"/> and are answered from a script (<see cref="Enqueue"/>), then 200. The token endpoint
/// checks the client's Basic credentials and issues tok-1, tok-2, ...; with <see cref="RequireBearer"/> the WMS
/// answers 401 to a request without a valid issued token.
/// </summary>
public sealed class LoopbackWms : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _script = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<(RecordedRequest Request, int Status)> _answers = new();
    private readonly ConcurrentDictionary<string, bool> _validTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _issued = new();
    private int _tokens;
    private int _tokenRequests;

    private LoopbackWms(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public string Root => _app.Urls.Single();

    public string BaseUrl => Root + "/wms/v1";

    public string TokenUrl => Root + "/oauth/token";

    public string ClientId { get; init; } = "hub-client";

    public string ClientSecret { get; init; } = "s3cr3t-" + Guid.NewGuid().ToString("N");

    public int TokenLifetimeSeconds { get; set; } = 3600;

    public bool RequireBearer { get; set; }

    /// <summary>Calls of the token endpoint, granted or not.</summary>
    public int TokenRequests => _tokenRequests;

    /// <summary>Every token issued, revoked or not.</summary>
    public IReadOnlyList<string> IssuedTokens => _issued.ToList();

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>Every WMS call with the status it was answered (0: the connection was dropped).</summary>
    public IReadOnlyList<(RecordedRequest Request, int Status)> Answers => _answers.ToList();

    /// <summary>
    /// Asked before the script for every WMS call: a reply to give instead (an outage that lasts as long as the test
    /// wants), or null to answer from the script.
    /// </summary>
    public Func<Reply?>? Fault { get; set; }

    public static async Task<LoopbackWms> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var wms = new LoopbackWms(app, name);
        app.MapPost("/oauth/token", wms.TokenAsync);
        app.Map("/wms/v1/{**path}", wms.AnswerAsync);
        await app.StartAsync();
        return wms;
    }

    public void Enqueue(params Reply[] replies)
    {
        foreach (var reply in replies)
        {
            _script.Enqueue(reply);
        }
    }

    /// <summary>The WMS forgets every token it issued (as when it rotates its signing key): the next call gets 401.</summary>
    public void RevokeTokens() => _validTokens.Clear();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task TokenAsync(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(ClientId)}:{Uri.EscapeDataString(ClientSecret)}"));
        Interlocked.Increment(ref _tokenRequests);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (context.Request.Headers.Authorization.ToString() != expected || form["grant_type"] != "client_credentials")
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_client" }, context.RequestAborted);
            return;
        }

        var token = "tok-" + Interlocked.Increment(ref _tokens);
        _validTokens[token] = true;
        _issued.Enqueue(token);
        await context.Response.WriteAsJsonAsync(new { access_token = token, token_type = "Bearer", expires_in = TokenLifetimeSeconds }, context.RequestAborted);
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var recorded = new RecordedRequest(context.Request.Method, context.Request.Path.Value!["/wms/v1".Length..], headers, body.ToArray(), DateTimeOffset.UtcNow);
        _requests.Enqueue(recorded);

        if (RequireBearer)
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || !_validTokens.ContainsKey(authorization["Bearer ".Length..]))
            {
                _answers.Enqueue((recorded, 401));
                context.Response.StatusCode = 401;
                return;
            }
        }

        var reply = Fault?.Invoke() ?? (_script.TryDequeue(out var next) ? next : Reply.Ok);
        _answers.Enqueue((recorded, reply.Drop ? 0 : reply.Status));
        if (reply.Drop)
        {
            context.Abort();
            return;
        }

        if (reply.Delay is { } delay)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the hub gave up waiting
            }
        }

        context.Response.StatusCode = reply.Status;
        if (reply.RetryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (reply.Body is not null)
        {
            context.Response.ContentType = reply.ContentType ?? "text/plain";
            await context.Response.WriteAsync(reply.Body, context.RequestAborted);
        }
    }

    /// <summary>Requests whose path is <paramref name="path"/> (e.g. "/items").</summary>
    public IReadOnlyList<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path).ToList();

    public override string ToString() => $"{Name} at {Root} ({(int)HttpStatusCode.OK} by default)";
}
