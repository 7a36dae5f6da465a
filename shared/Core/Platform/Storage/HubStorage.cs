using System.Collections.Concurrent;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace WmsFunctions.Platform.Storage;

/// <summary>Names of the hub's tables and queues. The outbox queue name is shared with function.json (%OUTBOX_QUEUE%).</summary>
public sealed class StorageOptions
{
    /// <summary>The connection setting, as function.json names it: a connection string, or identity-based
    /// <c>HubStorage__tableServiceUri</c> / <c>__queueServiceUri</c> / <c>__credential</c> / <c>__clientId</c>.</summary>
    public const string ConnectionName = "HubStorage";

    public const string OutboxQueueSetting = "OUTBOX_QUEUE";

    public const string TablePrefixSetting = "HUB_TABLE_PREFIX";

    public string TablePrefix { get; set; } = "Hub";

    public string OutboxQueue { get; set; } = "oms-outbox";
}

public enum HubTable
{
    Inbox,
    Stock,
    Audit,
    Items,
    PurchaseOrders,
    PickSlips,
    PickSlipDeadlines,
    PickSlipsByState,
    OutboundDeliveries,
    FailedSyncs,
    PurchaseOrderReceipts,
    WebhookDeliveries,
    X12ControlNumbers,
    X12Interchanges,
    Channels,
    FailedSyncIndex,
    AuditIndex,
    AlertIncidents,
    AlertSeries,
    ReconciliationRuns,
    ReconciliationRows,
    FailedSyncJobs,
    QueueRetries,
}

/// <summary>
/// The hub's Table Storage and Queue Storage clients: one thread-safe service client each, and every table
/// created once per process on first use (in Azure, Bicep has made them already; locally, Azurite starts empty).
/// </summary>
public sealed class HubStorage
{
    private readonly TableServiceClient _tables;
    private readonly QueueServiceClient _queues;
    private readonly StorageOptions _options;
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    public HubStorage(TableServiceClient tables, QueueServiceClient queues, IOptions<StorageOptions> options)
    {
        _tables = tables;
        _queues = queues;
        _options = options.Value;
    }

    public string OutboxQueueName => _options.OutboxQueue;

    public string TableName(HubTable table) => _options.TablePrefix + table;

    public async ValueTask<TableClient> TableAsync(HubTable table, CancellationToken cancellationToken)
    {
        var name = TableName(table);
        var client = _tables.GetTableClient(name);
        await EnsureOnceAsync("t:" + name, () => client.CreateIfNotExistsAsync(CancellationToken.None), cancellationToken).ConfigureAwait(false);
        return client;
    }

    public async ValueTask<QueueClient> QueueAsync(string name, CancellationToken cancellationToken)
    {
        var client = _queues.GetQueueClient(name);
        await EnsureOnceAsync("q:" + name, () => client.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None), cancellationToken).ConfigureAwait(false);
        return client;
    }

    private async Task EnsureOnceAsync(string key, Func<Task> create, CancellationToken cancellationToken)
    {
        var once = _created.GetOrAdd(key, _ => new Lazy<Task>(create));
        try
        {
            // Shared by every caller, so created under no caller's token (the SDK's try timeout bounds it); each caller
            // still waits only as long as its own token allows.
            await once.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !once.Value.IsCompleted)
        {
            throw; // this caller gave up; the creation goes on for the others
        }
        catch
        {
            _created.TryRemove(key, out _); // let the next call try again
            throw;
        }
    }

    /// <summary>
    /// Builds the clients from the connection setting, the way the Functions host reads it, with retries and a try
    /// timeout from <see cref="OutageOptions"/> instead of the SDK's defaults (3 retries of up to 100 s each): a
    /// stalled storage must fail a call in seconds, so a caller hears 503 and an invocation is retried by the host.
    /// </summary>
    public static StorageClients CreateClients(IConfiguration configuration)
    {
        var outage = OutageOptions.From(configuration);
        var tableOptions = WithOutageRetries(new TableClientOptions(), outage);
        var queueOptions = WithOutageRetries(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }, outage); // the host's default encoding
        var connectionString = configuration[StorageOptions.ConnectionName];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new StorageClients(new TableServiceClient(connectionString, tableOptions), new QueueServiceClient(connectionString, queueOptions));
        }

        var section = configuration.GetSection(StorageOptions.ConnectionName);
        var tableUri = section["tableServiceUri"];
        var queueUri = section["queueServiceUri"];
        if (string.IsNullOrWhiteSpace(tableUri) || string.IsNullOrWhiteSpace(queueUri))
        {
            throw new InvalidOperationException(
                $"Storage is not configured: set '{StorageOptions.ConnectionName}' to a connection string, or " +
                $"'{StorageOptions.ConnectionName}__tableServiceUri' and '{StorageOptions.ConnectionName}__queueServiceUri' for identity-based access.");
        }

        TokenCredential credential = section["credential"] is { } kind && kind.Equals("managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(section["clientId"]
                ?? throw new InvalidOperationException($"'{StorageOptions.ConnectionName}__clientId' is required with a managed identity.")))
            : new DefaultAzureCredential();
        return new StorageClients(new TableServiceClient(new Uri(tableUri), credential, tableOptions), new QueueServiceClient(new Uri(queueUri), credential, queueOptions));
    }

    private static T WithOutageRetries<T>(T options, OutageOptions outage)
        where T : ClientOptions
    {
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = outage.StorageMaxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = outage.StorageTryTimeout;
        return options;
    }
}

public sealed record StorageClients(TableServiceClient Tables, QueueServiceClient Queues);
