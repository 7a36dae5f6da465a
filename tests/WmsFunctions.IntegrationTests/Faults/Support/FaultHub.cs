using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WmsFunctions.Flows.Items;
using WmsFunctions.Handler;
using WmsFunctions.Handler.CustomHandler;
using WmsFunctions.Handler.Outbound;
using WmsFunctions.LocalHost;
using WmsFunctions.Platform.Storage;

using WmsFunctions.IntegrationTests.Support;

namespace WmsFunctions.IntegrationTests.Faults.Support;

/// <summary>
/// The hub as a fault scenario runs it: an Azurite of its own, one or more handler processes sharing it (as the
/// Functions host scales out), one local host stand-in per handler polling the same queues, and the OMS side reading
/// what reaches the OMS topic. Tenant acme, instance east: locations E-A1 and E-A2, both in OMS location DC1.
/// The process itself keeps an unstarted copy of the handler's services (<see cref="Services"/>) to seed items and
/// read the tables as they are.
/// </summary>
internal sealed class FaultHub : IAsyncDisposable
{
    public const string Tenant = "acme";
    public const string Instance = "east";
    public const string Warehouse = "DC1";

    private readonly string _appRoot;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];

    private FaultHub(AzuriteProcess azurite, Dictionary<string, string?> settings, WebApplication inspector, string appRoot, string apiKey)
    {
        Azurite = azurite;
        Settings = settings;
        Inspector = inspector;
        _appRoot = appRoot;
        ApiKey = apiKey;
        Queues = inspector.Services.GetRequiredService<QueueServiceClient>();
        FunctionApp = FunctionApp.Load(appRoot, name => settings.TryGetValue(name, out var value) ? value : null);
        ServiceBus = new ServiceBusStandIn(Queues, TimeProvider.System, ServiceBusStandIn.SubscriptionsOf(FunctionApp));
        Topic = settings[FunctionCatalog.OmsEventsTopicSetting]!;
        Published = new PublicationLog(Queues.GetQueueClient(ServiceBusStandIn.QueueFor(Topic)));
    }

    public AzuriteProcess Azurite { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public List<HandlerProcess> Handlers { get; } = [];

    /// <summary>One stand-in host per handler process, each calling its own handler.</summary>
    public List<LocalFunctionsHost> Hosts { get; } = [];

    public WebApplication Inspector { get; }

    public IServiceProvider Services => Inspector.Services;

    public QueueServiceClient Queues { get; }

    public FunctionApp FunctionApp { get; }

    public ServiceBusStandIn ServiceBus { get; }

    public string Topic { get; }

    public string ApiKey { get; }

    /// <summary>Every CloudEvent that reached the OMS topic, with when it was first seen.</summary>
    public PublicationLog Published { get; }

    /// <summary>Failed invocations the stand-in hosts saw (the handler answered non-2xx, or an output failed).</summary>
    public int FailedInvocations => _failedInvocations;

    private int _failedInvocations;
    private int _pollFailures;
    private int _maxDeliveries;
    private readonly ConcurrentDictionary<string, byte> _pollErrors = new(StringComparer.Ordinal);

    /// <summary>The most deliveries one message had in a failed invocation (DequeueCount or DeliveryCount).</summary>
    public int MaxDeliveries => _maxDeliveries;

    /// <summary>Polls of a stand-in host that failed with an exception (the handler or storage unreachable).</summary>
    public int PollFailures => _pollFailures;

    /// <summary>The distinct errors of those polls, a few of them.</summary>
    public string PollErrors => string.Join(" | ", _pollErrors.Keys.Take(5));

    /// <param name="handlers">How many handler processes (each with its own stand-in host).</param>
    /// <param name="skus">The items to create before the storm.</param>
    /// <param name="processingVisibility">How long the stand-in hosts hide a message they take (the host's 10 minutes; see <see cref="FaultScale.HostVisibility"/>).</param>
    /// <param name="configure">Settings to change before the handlers start.</param>
    public static async Task<FaultHub> StartAsync(
        int handlers, IEnumerable<string> skus, TimeSpan processingVisibility, Action<Dictionary<string, string?>>? configure = null)
    {
        var azurite = await AzuriteProcess.StartAsync();
        var id = Guid.NewGuid().ToString("N")[..10];
        var apiKey = WmsFunctions.Pipeline.Webhooks.ApiKeys.NewKey();
        var settings = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.File("local.settings.sample.json")))!["Values"]!.AsObject()
            .ToDictionary(v => v.Key, v => (string?)v.Value!.GetValue<string>());
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            [StorageOptions.ConnectionName] = azurite.ConnectionString,
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            [StorageOptions.TablePrefixSetting] = "F" + id,
            [StorageOptions.OutboxQueueSetting] = "outbox-" + id,
            [FunctionCatalog.OmsEventsTopicSetting] = "oms-" + id,
            [FunctionCatalog.AlertsTopicSetting] = "alerts-" + id,
            [HandlerApp.TenantsFileSetting] = "",
            [OmsToWmsFunction.SubscriptionSetting] = "wms-hub-" + id,
            [$"Hub:Tenants:{Tenant}:Instances:{Instance}:Auth:ApiKeySha256:0"] = WmsFunctions.Pipeline.Webhooks.ApiKeys.Hash(apiKey),
            [$"Hub:Tenants:{Tenant}:Instances:{Instance}:Locations:E-A1"] = Warehouse,
            [$"Hub:Tenants:{Tenant}:Instances:{Instance}:Locations:E-A2"] = Warehouse,
            [$"Hub:Tenants:{Tenant}:Instances:{Instance}:MaxQuantity"] = "100000",
            // The daily and minute timers stay out of the way of the counts.
            ["PICKSLIP_DEADLINE_SCHEDULE"] = "0 0 0 1 1 *",
            ["ALERTS_SCHEDULE"] = "0 0 0 1 1 *",
            ["CHANNELS_ORDER_PULL_SCHEDULE"] = "0 0 0 1 1 *",
            ["RECONCILIATION_SCHEDULE"] = "0 0 0 1 1 *",
        })
        {
            settings[key] = value;
        }

        configure?.Invoke(settings);

        var inspector = HandlerApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Configuration[HandlerApp.PortSetting] = "0";
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        var appRoot = Directory.CreateTempSubdirectory("wmsfunctions-faults-").FullName;
        File.Copy(RepoPaths.File("host.json"), Path.Combine(appRoot, "host.json"));
        FunctionMetadata.Write(appRoot, FunctionCatalog.All);
        var hub = new FaultHub(azurite, settings, inspector, appRoot, apiKey);
        try
        {
            var catalog = inspector.Services.GetRequiredService<ItemCatalog>();
            await Parallel.ForEachAsync(skus, async (sku, ct) => await catalog.UpsertAsync(Tenant, sku, "fault item " + sku, true, ct));
            for (var i = 0; i < handlers; i++)
            {
                var handler = await HandlerProcess.StartAsync(settings, $"handler {i + 1}");
                hub.Handlers.Add(handler);
                var host = new LocalFunctionsHost(hub.FunctionApp, new HttpClient { BaseAddress = handler.Url }, hub.Queues, hub.ServiceBus, TimeProvider.System)
                {
                    ProcessingVisibility = processingVisibility,
                    Log = hub.HostLog.Add, // thousands of expected lines in an outage: kept for a failing scenario's report
                };
                host.Invoked += record =>
                {
                    if (record.Status is < 200 or >= 300)
                    {
                        Interlocked.Increment(ref hub._failedInvocations);
                        var deliveries = DeliveriesOf(record.Payload);
                        int seen;
                        while (deliveries > (seen = hub._maxDeliveries) && Interlocked.CompareExchange(ref hub._maxDeliveries, deliveries, seen) != seen)
                        {
                        }
                    }
                };
                host.PollFailed += (function, error) =>
                {
                    Interlocked.Increment(ref hub._pollFailures);
                    hub._pollErrors.TryAdd($"{function}: {error.GetType().Name}: {error.Message.Split('\n')[0]}", 0);
                };
                hub.Hosts.Add(host);
            }
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }

        return hub;
    }

    private static int DeliveriesOf(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        var metadata = document.RootElement.GetProperty("Metadata");
        foreach (var name in (string[])["DequeueCount", "DeliveryCount"])
        {
            if (metadata.TryGetProperty(name, out var value) && int.TryParse(value.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
        }

        return 0;
    }

    /// <summary>Starts the stand-in hosts' polling and the OMS side's reading; both run until disposal.</summary>
    public void Run()
    {
        foreach (var host in Hosts)
        {
            _loops.Add(Task.Run(() => host.RunAsync(_stop.Token)));
        }

        _loops.Add(Task.Run(() => Published.RunAsync(_stop.Token)));
    }

    /// <summary>Messages on a storage queue (visible or not), or -1 when storage did not answer in 10 s.</summary>
    public async Task<int> QueueLengthAsync(string queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            var client = Queues.GetQueueClient(queue);
            return await client.ExistsAsync(timeout.Token) is { Value: true }
                ? (await client.GetPropertiesAsync(timeout.Token)).Value.ApproximateMessagesCount
                : 0;
        }
        catch (Exception stalled) when (stalled is OperationCanceledException or AggregateException or Azure.RequestFailedException)
        {
            // A stalled Azurite: the SDK's own per-try timeout (Hub:Outage) gives up first, as an AggregateException.
            return -1;
        }
    }

    public string OutboxQueue => Settings[StorageOptions.OutboxQueueSetting]!;

    /// <summary>Every message now on the outbox queue and its poison queue, and on the pick-slip hand-off queue.</summary>
    public async Task<(int Outbox, int Poisoned)> OutboxAsync() =>
        (await QueueLengthAsync(OutboxQueue), await QueueLengthAsync(OutboxQueue + "-poison"));

    /// <summary>The last lines of every child process, for a failing scenario's report.</summary>
    public string ChildOutput() =>
        string.Join("\n", Handlers.Select(h => $"--- {h.Name} (started {h.Starts}x), last lines:\n{h.Output.Text}"))
        + $"\n--- stand-in hosts, last lines:\n{HostLog.Text}";

    /// <summary>What the stand-in hosts logged (their last lines).</summary>
    public OutputTail HostLog { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception error) when (error is OperationCanceledException or TimeoutException)
        {
        }

        foreach (var handler in Handlers)
        {
            await handler.DisposeAsync();
        }

        await Inspector.DisposeAsync();
        await Azurite.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_appRoot, recursive: true);
    }
}

/// <summary>
/// The OMS side: reads the OMS topic (the stand-in's queue "sb-{topic}") continuously, 32 messages at a time, and
/// keeps every CloudEvent id it saw, how often, and when it was first sent (by the stand-in host's clock).
/// </summary>
internal sealed class PublicationLog(QueueClient queue)
{
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset FirstSent)> _ids = new(StringComparer.Ordinal);
    private int _total;

    public int Total => _total;

    public int Distinct => _ids.Count;

    public bool Contains(string id) => _ids.ContainsKey(id);

    public IReadOnlyDictionary<string, (int Count, DateTimeOffset FirstSent)> Ids => _ids;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await ReadOnceAsync(stop) == 0)
                {
                    await Task.Delay(200, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is Azure.RequestFailedException or HttpRequestException or IOException or AggregateException
                || (error is OperationCanceledException && !stop.IsCancellationRequested))
            {
                // Azurite stalled or frozen (the SDK's retries and per-try timeout gave up): read again once it answers.
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    /// <summary>Takes up to 32 messages off the topic's queue; returns how many.</summary>
    public async Task<int> ReadOnceAsync(CancellationToken cancellationToken)
    {
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
        foreach (var message in batch)
        {
            var envelope = JsonSerializer.Deserialize<StandInMessage>(message.Body.ToString())!;
            var id = JsonDocument.Parse(envelope.Body).RootElement.GetProperty("id").GetString()!;
            Interlocked.Increment(ref _total);
            _ids.AddOrUpdate(id, (1, envelope.EnqueuedTimeUtc), (_, seen) => (seen.Count + 1, seen.FirstSent < envelope.EnqueuedTimeUtc ? seen.FirstSent : envelope.EnqueuedTimeUtc));
        }

        await Task.WhenAll(batch.Select(m => queue.DeleteMessageAsync(m.MessageId, m.PopReceipt, cancellationToken)));

        return batch.Length;
    }

    /// <summary>Reads until the topic's queue is empty.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (await ReadOnceAsync(cancellationToken) > 0)
        {
        }
    }
}
