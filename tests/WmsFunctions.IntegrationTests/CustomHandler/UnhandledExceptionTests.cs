using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using WmsFunctions.IntegrationTests.Inventory;
using WmsFunctions.IntegrationTests.Operations;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.Platform.Storage;

namespace WmsFunctions.IntegrationTests.CustomHandler;

/// <summary>
/// What a caller gets when the handler cannot do its work (here: storage nobody listens on): 503 storage-unavailable
/// problem details with Retry-After and the correlation id, and nothing of the exception, even in Development; the
/// host's invocations keep their envelope; a path no route matches keeps its plain 404.
/// </summary>
public sealed class UnhandledExceptionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Down = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=ZG93bg==;" +
        "TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1";

    private const string HandlerCategory = "WmsFunctions.Handler.Http.ProblemExceptionHandler";

    private readonly LogCapture _logs = new();
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync() =>
        _hub = await HubTestHost.StartAsync(
            azurite,
            configure: values => values[StorageOptions.ConnectionName] = Down,
            builder: host =>
            {
                // Development is where ASP.NET Core would show an exception's details: the answer must not.
                host.Environment.EnvironmentName = Environments.Development;
                host.Logging.AddProvider(_logs);
            });

    public async ValueTask DisposeAsync()
    {
        await _hub.DisposeAsync();
        _logs.Dispose();
    }

    private static async Task<JsonElement> AssertStorageUnavailableAsync(HttpResponseMessage response, string path)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal("urn:wmsfunctions:problem:storage-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("correlationId").GetString()));
        // Nothing of the exception or of where it happened: no stack frame, exception type, storage endpoint or path.
        foreach (var leak in new[] { " at ", "Exception", "Azure.", "127.0.0.1", "devstoreaccount1", path })
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }

        return problem;
    }

    private int ErrorsLoggedByTheHandler() =>
        _logs.Lines.Count(l => l.StartsWith($"Error {HandlerCategory}:", StringComparison.Ordinal));

    private int WarningsLoggedByTheHandler() =>
        _logs.Lines.Count(l => l.StartsWith($"Warning {HandlerCategory}:", StringComparison.Ordinal));

    [Fact]
    public async Task Webhook_StorageUnreachable_Is503ProblemDetails_WithTheCallersCorrelationId()
    {
        const string Path = "/api/wms/acme/east/inventory-transactions";

        var response = await _hub.PostAsync(
            Path, JsonSerializer.Serialize(InventoryWebhookTests.Tx("down-1", "adjust", 1)),
            [("X-Api-Key", _hub.ApiKeys.AcmeEast), ("X-Correlation-Id", "corr-down-1")]);

        var problem = await AssertStorageUnavailableAsync(response, Path);
        Assert.Equal("corr-down-1", problem.GetProperty("correlationId").GetString());
        Assert.Equal("corr-down-1", response.Headers.GetValues("X-Correlation-Id").Single()); // the gate's header survives the handler
        Assert.Equal(1, WarningsLoggedByTheHandler());
        Assert.Equal(0, ErrorsLoggedByTheHandler());
        Assert.Contains(_logs.Lines, l => l.StartsWith($"Warning {HandlerCategory}:", StringComparison.Ordinal) && l.Contains("corr-down-1", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.StartsWith("Error Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal)); // logged once, by the handler
    }

    [Fact]
    public async Task OperatorCall_StorageUnreachable_Is503ProblemDetails_CorrelatedByTheTraceIdentifier()
    {
        const string Path = "/api/ops/acme/failed-syncs";

        var response = await OperatorCalls.GetAsync(_hub, Path);

        var problem = await AssertStorageUnavailableAsync(response, Path);
        var correlationId = problem.GetProperty("correlationId").GetString()!;
        Assert.Equal(1, WarningsLoggedByTheHandler());
        Assert.Contains(_logs.Lines, l => l.StartsWith($"Warning {HandlerCategory}:", StringComparison.Ordinal) && l.Contains(correlationId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostInvocation_StorageUnreachable_Is500_InTheHostsEnvelope()
    {
        var message = JsonSerializer.Serialize(JsonSerializer.Serialize(new { tenant = "acme", instance = "east", flow = "inventory", eventId = "down-2" }));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/OutboxRelay")
        {
            Content = new StringContent("{\"Data\":{\"message\":" + message + "},\"Metadata\":{}}", Encoding.UTF8, "application/json"),
        };

        var response = await _hub.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var envelope = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Contains("OutboxRelay failed", envelope.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PathWithoutARoute_IsAPlain404()
    {
        var response = await _hub.Http.GetAsync("/api/ops/acme/no-such-thing", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, ErrorsLoggedByTheHandler());
    }
}
