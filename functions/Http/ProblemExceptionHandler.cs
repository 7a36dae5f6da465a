using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.Handler.Http;

/// <summary>
/// The answer to an exception no endpoint caught. Storage unreachable, failing or stalled past the request's
/// deadline (<see cref="RequestDeadline"/>) is 503 storage-unavailable with Retry-After, so the caller retries; anything
/// else (a bug) is 500 problem details of type internal-error. Both carry the correlation id, and nothing of the exception (no message, stack trace or path) in any
/// environment, since the forwarded routes answer WMSs, marketplaces and people outside the hub. The exception is
/// logged here, once, at Error under the same id; the middleware records no diagnostics of its own for an
/// exception an <see cref="IExceptionHandler"/> handled (its default since .NET 10).
/// </summary>
internal sealed partial class ProblemExceptionHandler(IOptions<OutageOptions> outage, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has cleared the endpoint (and the answer's headers) by now; its feature keeps the endpoint.
        var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint?.Metadata.GetMetadata<FunctionDefinition>() is { IsForwardedHttp: false } function)
        {
            // A host invocation: the host reads only its own envelope; a 500 fails the invocation and it is delivered again.
            LogInvocationFailed(logger, exception, function.Name);
            await InvocationEndpoint.WriteAsync(context, StatusCodes.Status500InternalServerError, InvocationEndpoint.Failed(function, exception)).ConfigureAwait(false);
            return true;
        }

        var correlationId = Correlation.Of(context);
        var what = endpoint?.DisplayName ?? $"{context.Request.Method} {context.Request.Path}";
        if (Correlation.Chosen(context) is { } chosen)
        {
            context.Response.Headers[Correlation.Header] = chosen; // the caller was told this id; the clear took the header
        }

        if (exception is BadHttpRequestException unreadable)
        {
            // Kestrel's own refusals (a body over its limit, a truncated body): the caller's status, not a failure of ours.
            LogUnreadable(logger, what, unreadable.StatusCode, correlationId, unreadable.Message);
            await ProblemResults.For(RequestProblems.Unreadable(unreadable.StatusCode), null, correlationId).ExecuteAsync(context).ConfigureAwait(false);
            return true;
        }

        if (StorageFailures.IsOutage(exception) || (exception is OperationCanceledException && RequestDeadline.HasExpired(context)))
        {
            var retryAfter = outage.Value.RetryAfterSeconds;
            LogStorageUnavailable(logger, what, correlationId, exception.GetType().Name, exception.Message);
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await ProblemResults.For(RequestProblems.StorageUnavailable(retryAfter), null, correlationId).ExecuteAsync(context).ConfigureAwait(false);
            return true;
        }

        LogUnhandled(logger, exception, what, correlationId);
        await ProblemResults.For(RequestProblems.InternalError(), null, correlationId).ExecuteAsync(context).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Endpoint} failed; answered 500 internal-error with correlation id {CorrelationId}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string endpoint, string correlationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Endpoint} answered 503 storage-unavailable (correlation id {CorrelationId}): {Failure}: {Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string endpoint, string correlationId, string failure, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Endpoint} could not be read ({Status}, correlation id {CorrelationId}): {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string endpoint, int status, string correlationId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation of {Function} failed outside its handler; the host will deliver it again")]
    private static partial void LogInvocationFailed(ILogger logger, Exception exception, string function);
}
