using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using WmsFunctions.IntegrationTests.Faults.Support;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;
using WmsFunctions.Pipeline.Webhooks;

namespace WmsFunctions.IntegrationTests.Telemetry;

/// <summary>
/// The handler's console as the Functions host reads it: the real executable in a process of its own, its stdout and
/// stderr read apart (the host files every stdout line as Information and a stderr line by its "warn"/"fail" word).
/// </summary>
public sealed class HandlerConsoleTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task HandlerConsole_WebhookAndRejectedMessage_WarningsOnStderr_ScopeFieldsOnLines_NoKeyOrBodyAnywhere()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var apiKey = ApiKeys.NewKey();
        var marker = "BODY-ONLY-" + id;
        var port = LocalServers.FreePorts(1)[0];
        await using var handler = await HandlerProcess.StartAsync(port, Settings(id, apiKey, port));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // A readiness probe (it used to write six framework lines), a webhook refused for an unknown SKU (an Information
        // line with the webhook's fields), and an OMS message too broken to read (a Warning).
        Assert.True((await http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken)).IsSuccessStatusCode);
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/wms/acme/east/inventory-transactions")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new { eventId = "log-1", type = "adjust", occurredAt = DateTimeOffset.UtcNow.AddMinutes(-1), sku = "NOT-A-SKU", location = "E-A1", quantity = 1, reasonCode = marker }),
                Encoding.UTF8,
                "application/json"),
        };
        webhook.Headers.Add("X-Api-Key", apiKey);
        webhook.Headers.Add("X-Correlation-Id", "corr-" + id);
        var refused = await http.SendAsync(webhook, TestContext.Current.CancellationToken);
        Assert.Equal(422, (int)refused.StatusCode);
        using var broken = new StringContent(
            HostPayloads.ServiceBusTrigger("message", "ItemDownload", "{not json " + marker, "sb-" + id, 1, 1, DateTimeOffset.UtcNow, null, "application/json", null, new Dictionary<string, string>(), DateTime.UtcNow),
            Encoding.UTF8);
        broken.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        Assert.True((await http.PostAsync(new Uri("/ItemDownload", UriKind.Relative), broken, TestContext.Current.CancellationToken)).IsSuccessStatusCode);

        var (stdout, stderr) = await handler.StopAsync();

        var refusal = Assert.Single(stdout, l => l.Contains("Refused inventory webhook", StringComparison.Ordinal));
        Assert.Contains(" info: ", refusal, StringComparison.Ordinal);
        foreach (var field in new[] { "Tenant=acme", "Instance=east", "Flow=inventory", $"CorrelationId=corr-{id}", "TraceId=" })
        {
            Assert.Contains(field, refusal, StringComparison.Ordinal);
        }

        var rejected = Assert.Single(stderr, l => l.Contains("rejected: malformed-message", StringComparison.Ordinal));
        Assert.Contains(" warn: ", rejected, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout, l => l.Contains("rejected", StringComparison.Ordinal));
        Assert.DoesNotContain(stderr, l => l.Contains(" info: ", StringComparison.Ordinal));

        Assert.DoesNotContain(stdout, l => l.Contains("Microsoft.AspNetCore", StringComparison.Ordinal)); // no request, endpoint or result lines
        foreach (var line in stdout.Concat(stderr))
        {
            Assert.DoesNotContain(apiKey, line, StringComparison.Ordinal);
            Assert.DoesNotContain(marker, line, StringComparison.Ordinal);
        }
    }

    /// <summary>The sample app settings, then this process's storage names and one API-key instance (acme/east, E-A1 -> DC1).</summary>
    private Dictionary<string, string?> Settings(string id, string apiKey, int port)
    {
        var values = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(v => v.Key, v => (string?)v.Value!.GetValue<string>());
        values["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values["HubStorage"] = azurite.ConnectionString;
        values["HUB_TABLE_PREFIX"] = "L" + id;
        values["OUTBOX_QUEUE"] = "outbox-l" + id;
        values["HUB_TENANTS_FILE"] = "";
        values["Hub__Tenants__acme__Instances__east__Auth__ApiKeySha256__0"] = ApiKeys.Hash(apiKey);
        values["Hub__Tenants__acme__Instances__east__Locations__E-A1"] = "DC1";
        return values;
    }

    /// <summary>The handler executable (as the host starts it) with its two output streams collected apart.</summary>
    private sealed class HandlerProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        private HandlerProcess(Process process)
        {
            _process = process;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public static async Task<HandlerProcess> StartAsync(int port, Dictionary<string, string?> settings)
        {
            var start = new ProcessStartInfo("dotnet", [FaultPaths.HandlerDll()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            var handler = new HandlerProcess(Process.Start(start)!);
            await LocalServers.WaitForPortAsync(port, handler._process, "the handler", TimeSpan.FromSeconds(90));
            return handler;
        }

        /// <summary>Stops it as the host does at shutdown (SIGTERM: the loggers flush) and returns its lines.</summary>
        public async Task<(IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr)> StopAsync()
        {
            Signals.Terminate(_process);
            await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
            return (Lines(await _stdout), Lines(await _stderr));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
