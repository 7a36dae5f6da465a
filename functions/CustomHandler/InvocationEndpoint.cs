using System.Diagnostics;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Handler.CustomHandler;

/// <summary>
/// Runs a non-HTTP function for the host: decode, call its handler, answer 200 with Outputs and Logs. Any
/// failure is answered 500, so the host fails the invocation and the message is delivered again (and, after
/// the entity's limit, dead-lettered); Outputs of a failed answer are discarded by the host, so the error is
/// logged here too.
/// </summary>
internal static partial class InvocationEndpoint
{
    public static async Task InvokeAsync(HttpContext context, FunctionDefinition function)
    {
        var services = context.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("WmsFunctions.Invocation");
        var cancellationToken = context.RequestAborted;
        Activity? span = null;
        try
        {
            var invocation = await Invocation.ReadAsync(context.Request, function.Name, cancellationToken).ConfigureAwait(false);

            // The function's span continues the trace its message carries (the webhook's for the outbox relay, the OMS's
            // for an OMS -> WMS message), linked to the host's call; a timer's is simply the host's call's child.
            span = HubTelemetry.StartConsumer(function.Name, function.Trigger is QueueTrigger or ServiceBusTrigger ? invocation.CarriedTrace(function.Trigger.BindingName) : null);
            span?.SetTag(HubTelemetry.Tags.Function, function.Name);
            span?.SetTag(HubTelemetry.Tags.InvocationId, invocation.InvocationId);
            var handler = function.CreateInvoked!(services);
            var result = await handler.HandleAsync(invocation, cancellationToken).ConfigureAwait(false);
            await WriteAsync(context, StatusCodes.Status200OK, result.ToJson()).ConfigureAwait(false);
        }
        catch (InvalidInvocationException invalid)
        {
            span.Fail(invalid);
            LogInvalid(logger, function.Name, invalid.Message);
            await WriteAsync(context, StatusCodes.Status400BadRequest, new InvocationResult().Log(invalid.Message).ToJson()).ConfigureAwait(false);
        }
        catch (Exception failure) when (!cancellationToken.IsCancellationRequested)
        {
            span.Fail(failure);
            LogFailed(logger, failure, function.Name);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, Failed(function, failure)).ConfigureAwait(false);
        }
        finally
        {
            span?.Dispose();
        }
    }

    /// <summary>The envelope of a failed invocation: the exception's type only (the host writes Logs to the function's log).</summary>
    internal static string Failed(FunctionDefinition function, Exception failure) =>
        new InvocationResult().Log($"{function.Name} failed: {failure.GetType().Name}").ToJson();

    internal static Task WriteAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation of {Function} could not be read: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string function, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Invocation of {Function} failed; the host will deliver it again")]
    private static partial void LogFailed(ILogger logger, Exception failure, string function);
}
