using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Azure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WmsFunctions.Handler.Http;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.UnitTests.Http;

/// <summary>What the exception handler answers, whatever was thrown: problem details, never the exception; 503 with Retry-After when storage is down.</summary>
public sealed class ProblemExceptionHandlerTests
{
    private static DefaultHttpContext Context()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() }, TraceIdentifier = "trace-1" };
    }

    private static async Task<(int Status, string ContentType, JsonElement Body)> HandleAsync(DefaultHttpContext context, Exception exception)
    {
        var handled = await new ProblemExceptionHandler(Options.Create(new OutageOptions { RetryAfterSeconds = 7 }), NullLogger<ProblemExceptionHandler>.Instance)
            .TryHandleAsync(context, exception, TestContext.Current.CancellationToken);

        Assert.True(handled);
        context.Response.Body.Position = 0;
        return (context.Response.StatusCode, context.Response.ContentType!, JsonDocument.Parse(context.Response.Body).RootElement.Clone());
    }

    [Fact]
    public async Task TryHandleAsync_AnyException_Is500InternalError_WithoutTheExceptionsMessage()
    {
        var (status, contentType, body) = await HandleAsync(Context(), new InvalidOperationException("secret detail of the failure"));

        Assert.Equal((500, "application/problem+json"), (status, contentType));
        Assert.Equal("urn:wmsfunctions:problem:internal-error", body.GetProperty("type").GetString());
        Assert.Equal("trace-1", body.GetProperty("correlationId").GetString());
        Assert.DoesNotContain("secret", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_KestrelsBadRequest_KeepsItsStatus()
    {
        var (status, _, body) = await HandleAsync(Context(), new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        Assert.Equal(413, status);
        Assert.Equal("urn:wmsfunctions:problem:payload-too-large", body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task TryHandleAsync_StorageUnreachableAfterTheSdksRetries_Is503StorageUnavailable_WithRetryAfter()
    {
        var context = Context();
        var refused = new AggregateException("Retry failed after 3 tries.", Enumerable.Repeat(new RequestFailedException("Connection refused (127.0.0.1:10002)"), 3));

        var (status, contentType, body) = await HandleAsync(context, refused);

        Assert.Equal((503, "application/problem+json"), (status, contentType));
        Assert.Equal("7", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal("urn:wmsfunctions:problem:storage-unavailable", body.GetProperty("type").GetString());
        Assert.DoesNotContain("127.0.0.1", body.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryHandleAsync_ACancellationWithoutAPassedDeadline_IsNotAnOutage()
    {
        var (status, _, _) = await HandleAsync(Context(), new OperationCanceledException());

        Assert.Equal(500, status);
    }
}
