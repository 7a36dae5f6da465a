using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WmsFunctions.IntegrationTests.Support;
using WmsFunctions.LocalHost;

namespace WmsFunctions.IntegrationTests.LocalHost;

/// <summary>The host stand-in fires timer triggers on their schedule, with the host's timer payload.</summary>
public sealed class LocalHostTimerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private HubTestHost _hub = null!;

    public async ValueTask InitializeAsync() => _hub = await HubTestHost.StartAsync(azurite);

    public ValueTask DisposeAsync() => _hub.DisposeAsync();

    [Fact]
    public async Task RunAsync_FiresTheDeadlineScanEveryMinute_AsItsScheduleSays()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero));
        var queues = _hub.Services.GetRequiredService<QueueServiceClient>();
        var host = new LocalFunctionsHost(_hub.FunctionApp, _hub.Http, queues, new ServiceBusStandIn(queues, clock), clock);
        var fired = new ConcurrentQueue<InvocationRecord>();
        host.Invoked += record =>
        {
            if (record.Function == "PickSlipDeadlineScan")
            {
                fired.Enqueue(record);
            }
        };
        using var stop = new CancellationTokenSource();
        var running = host.RunAsync(stop.Token);

        for (var second = 0; second < 150 && fired.Count < 2; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20, TestContext.Current.CancellationToken); // let the loops run on the real scheduler
        }

        await stop.CancelAsync();
        await running;

        Assert.Equal(2, fired.Count); // 10:01:00 and 10:02:00 for "0 */1 * * * *"
        Assert.All(fired, record => Assert.Equal(200, record.Status));
        var payload = JsonDocument.Parse(fired.First().Payload).RootElement;
        Assert.False(payload.GetProperty("Data").GetProperty("timer").GetProperty("IsPastDue").GetBoolean());
        Assert.Equal("PickSlipDeadlineScan", payload.GetProperty("Metadata").GetProperty("sys").GetProperty("MethodName").GetString());
    }
}
