using Microsoft.Extensions.Options;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Handler.Http;

/// <summary>
/// Marks an endpoint that calls a partner (a WMS) while its caller waits, so it gets
/// <see cref="OutageOptions.PartnerRequestDeadline"/> instead of the storage-only <see cref="OutageOptions.RequestDeadline"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CallsPartnerAttribute : Attribute;

/// <summary>
/// Gives every forwarded HTTP request a deadline: <see cref="HttpContext.RequestAborted"/>, the token every endpoint
/// passes down to storage, is cancelled when the caller goes away or when the deadline passes. A stalled storage
/// call then ends at the deadline and <see cref="ProblemExceptionHandler"/> answers 503 storage-unavailable with
/// Retry-After, instead of the caller waiting for the SDK's own timeouts (or forever). Host invocations keep the
/// host's token: the SDK's try timeout bounds them (see <see cref="OutageOptions"/>).
/// </summary>
internal static class RequestDeadline
{
    /// <summary>The request's deadline, kept as a feature so the exception handler can tell it from the caller leaving.</summary>
    private sealed class Deadline(CancellationTokenSource source)
    {
        public bool Passed => source.IsCancellationRequested;
    }

    public static IApplicationBuilder UseRequestDeadline(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<FunctionDefinition>() is not { IsForwardedHttp: true })
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var options = context.RequestServices.GetRequiredService<IOptions<OutageOptions>>().Value;
        var limit = endpoint.Metadata.GetMetadata<CallsPartnerAttribute>() is null ? options.RequestDeadline : options.PartnerRequestDeadline;
        var caller = context.RequestAborted;
        using var deadline = new CancellationTokenSource(limit); // wall-clock time: what the caller waits, whatever clock the hub reads
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(caller, deadline.Token);
        context.Features.Set(new Deadline(deadline));
        context.RequestAborted = linked.Token;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.RequestAborted = caller;
        }
    });

    /// <summary>True when the request's deadline passed (not when the caller went away).</summary>
    public static bool HasExpired(HttpContext context) => context.Features.Get<Deadline>() is { Passed: true } && !context.RequestAborted.IsCancellationRequested;
}
