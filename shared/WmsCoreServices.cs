using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WmsFunctions.Audit;
using WmsFunctions.Inbox;
using WmsFunctions.Inventory;
using WmsFunctions.Items;
using WmsFunctions.Outbox;
using WmsFunctions.Receipts;
using WmsFunctions.Returns;
using WmsFunctions.Stock;
using WmsFunctions.Storage;
using WmsFunctions.Tenancy;
using WmsFunctions.WebhookSecurity;

namespace WmsFunctions;

/// <summary>Every service of the hub's core, registered in one place.</summary>
public static class WmsCoreServices
{
    public static IServiceCollection AddWmsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);

        services.AddOptions<HubOptions>().BindConfiguration(HubOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubOptions>>(new HubOptionsValidator(configuration));
        services.AddOptions<StorageOptions>().Configure(options =>
        {
            options.OutboxQueue = configuration[StorageOptions.OutboxQueueSetting] ?? options.OutboxQueue;
            options.TablePrefix = configuration[StorageOptions.TablePrefixSetting] ?? options.TablePrefix;
        });

        services.TryAddSingleton(_ => HubStorage.CreateClients(configuration)); // a host may bring its own (the benchmark counts requests)
        services.AddSingleton<TableServiceClient>(sp => sp.GetRequiredService<StorageClients>().Tables);
        services.AddSingleton<QueueServiceClient>(sp => sp.GetRequiredService<StorageClients>().Queues);
        services.AddSingleton<HubStorage>();

        services.AddSingleton(sp => new TenantDirectory(sp.GetRequiredService<IOptions<HubOptions>>(), configuration));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<ItemCatalog>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<StockLedger>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<OutboxMessages>();
        services.AddSingleton<InboundEventProcessor>();
        services.AddSingleton<OutboxRelay>();

        // WMS -> OMS flows: a handler (validate, map, accept) and a flow (apply) each.
        services.AddSingleton<InventoryTransactionHandler>();
        services.AddSingleton<IInboundFlow, InventoryTransactionFlow>();
        services.AddSingleton<ReceiptLedger>();
        services.AddSingleton<PurchaseOrderReceiptHandler>();
        services.AddSingleton<IInboundFlow, PurchaseOrderReceiptFlow>();
        services.AddSingleton<ReturnReceiptHandler>();
        services.AddSingleton<IInboundFlow, ReturnReceiptFlow>();
        return services;
    }
}
