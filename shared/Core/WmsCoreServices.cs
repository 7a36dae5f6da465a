using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WmsFunctions.Adapters.ChannelAdvisor;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Edi;
using WmsFunctions.Flows;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Operations;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions;

/// <summary>Every service of the hub's core, registered in one place.</summary>
public static class WmsCoreServices
{
    public static IServiceCollection AddWmsCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration); // the web host registers its own; tools building a bare container need this one

        services.AddOptions<HubOptions>().BindConfiguration(HubOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubOptions>, HubOptionsValidator>();
        services.AddOptions<StorageOptions>().Configure(options =>
        {
            options.OutboxQueue = configuration[StorageOptions.OutboxQueueSetting] ?? options.OutboxQueue;
            options.TablePrefix = configuration[StorageOptions.TablePrefixSetting] ?? options.TablePrefix;
        });

        services.TryAddSingleton(_ => HubStorage.CreateClients(configuration)); // a host may bring its own (the benchmark counts requests)
        services.AddSingleton<TableServiceClient>(sp => sp.GetRequiredService<StorageClients>().Tables);
        services.AddSingleton<QueueServiceClient>(sp => sp.GetRequiredService<StorageClients>().Queues);
        services.AddSingleton<HubStorage>();

        services.AddSingleton<TenantDirectory>();
        services.AddInstanceSection<WebhookAuthOptions>(WebhookAuthOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerInstance<WebhookAuthOptions>>>(new WebhookAuthOptionsValidator(configuration));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<WebhookDeliveries>();
        services.AddSingleton<ItemCatalog>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<StockLedger>();
        services.AddSingleton<StockReservations>();
        services.AddSingleton<StockReads>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<OutboxMessages>();
        services.AddSingleton<EventPipeline>();
        services.AddSingleton<OutboxRelay>();

        // WMS -> OMS flows: a handler (validate, map, accept) and a flow (apply) each.
        services.AddSingleton<ReceiptLedger>();


        // The pick-slip orchestration: one durable state machine per slip, fed by both sides and the clock.
        services.AddSingleton<PickSlipOrchestrator>();
        services.AddOptions<PickSlipOptions>().Configure(options => PickSlipOptions.Configure(options, configuration));
        services.AddInstanceSection<PickSlipDeadlineOptions>(PickSlipDeadlineOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerInstance<PickSlipDeadlineOptions>>, PickSlipDeadlineOptionsValidator>();
        services.AddSingleton<PickSlipDeadlineDirectory>();
        services.AddSingleton<PickSlipDeadlineWatch>();
        services.AddSingleton<PickSlipHandOffConsumer>();

        // OMS -> WMS flows: one handler each, all run by the dispatcher (route, map, claim, send, record).
        services.AddInstanceSection<WmsOutboundOptions>(WmsOutboundOptions.Section, AbsentSection.Missing);
        services.AddSingleton<IValidateOptions<PerInstance<WmsOutboundOptions>>, OutboundOptionsValidator>();
        services.AddOptions<OutboundDeliveryOptions>().Configure(options =>
        {
            options.PickSlipEventsQueue = configuration[OutboundDeliveryOptions.PickSlipEventsQueueSetting] ?? options.PickSlipEventsQueue;
            if (int.TryParse(configuration[OutboundDeliveryOptions.MaxDeliveryCountSetting], System.Globalization.CultureInfo.InvariantCulture, out var max))
            {
                options.MaxDeliveryCount = max;
            }
        });
        services.AddHttpClient(WmsCredentials.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the pipeline times out
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AllowAutoRedirect = false,
            });
        services.AddSingleton<FailedSyncStore>();
        services.AddSingleton<OutboundDirectory>();
        services.AddSingleton<DeliveryStore>();
        services.AddWmsDialect<HubJsonDialect>();
        services.AddWmsDialect<GenericXmlDialect>();
        services.AddWmsDialect<X12Dialect>();
        services.AddSingleton<WmsDialects>();
        services.AddSingleton<WmsResilience>();
        services.AddSingleton<WmsCredentials>();
        services.AddSingleton<WmsClient>();
        services.AddSingleton<OutboundDispatcher>();
        services.AddSingleton<PurchaseOrderStore>();
        services.AddSingleton<PickSlipHandOff>();
        services.AddHubFlows();

        // X12 trading partners (Adapter x12): durable control numbers, the record of what was sent, the inbound webhook.
        services.AddInstanceSection<X12InstanceOptions>(X12InstanceOptions.Section, AbsentSection.Missing);
        services.AddSingleton<IValidateOptions<PerInstance<X12InstanceOptions>>, X12OptionsValidator>();
        services.AddSingleton<X12Partners>();
        services.AddSingleton<IControlNumbers, TableControlNumbers>();
        services.AddSingleton<X12InterchangeLog>();
        services.AddSingleton<X12InterchangeReceiver>();
        // Channels: marketplaces behind one adapter seam, availability per SKU and channel, order intake, feedback.
        services.AddTenantSection<TenantChannelsOptions>(TenantChannelsOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerTenant<TenantChannelsOptions>>>(new ChannelOptionsValidator(configuration));
        services.AddOptions<ChannelStockOptions>().Configure(settings => ChannelStockOptions.Configure(settings, configuration));
        services.AddHttpClient(ChannelAdvisorAdapter.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the pipeline times out
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(5), AllowAutoRedirect = false });
        services.AddSingleton<IMarketplaceAdapter, ChannelAdvisorAdapter>();
        services.AddSingleton<MarketplaceAdapters>();
        services.AddSingleton<ChannelDirectory>();
        services.AddSingleton<ChannelProducts>();
        services.AddSingleton<AvailabilityCalculator>();
        services.AddSingleton<ChannelStockPublisher>();
        services.AddSingleton<ChannelOrderIntake>();
        services.AddInboxFlow<ChannelOrderFlow>();
        services.AddSingleton<ChannelFeedConsumer>();
        services.AddSingleton<ChannelReport>();
        services.AddWmsOperations(configuration);
        // Reconciliation: pull each WMS's stock, compare with the snapshot, report, flag, correct a trusted WMS.
        services.AddInstanceSection<InstanceReconciliationOptions>(InstanceReconciliationOptions.Section, AbsentSection.Defaults);
        services.AddTenantSection<OmsStockOptions>(OmsStockOptions.Section, AbsentSection.Missing);
        services.AddSingleton<ReconciliationOptionsValidator>();
        services.AddSingleton<IValidateOptions<PerInstance<InstanceReconciliationOptions>>>(sp => sp.GetRequiredService<ReconciliationOptionsValidator>());
        services.AddSingleton<IValidateOptions<PerTenant<OmsStockOptions>>>(sp => sp.GetRequiredService<ReconciliationOptionsValidator>());
        services.AddOptions<ReconciliationRunOptions>().Configure(options => ReconciliationRunOptions.Configure(options, configuration));
        services.AddSingleton<IWmsStockDialect, HubJsonStockDialect>();
        services.AddSingleton<IWmsStockDialect, GenericXmlStockDialect>();
        services.AddSingleton<WmsStockPull>();
        services.AddSingleton<OmsStockClient>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<ReconciliationScheduler>();
        services.AddSingleton<ReconciliationCorrections>();
        services.AddSingleton<ReconciliationRunner>();
        services.AddInboxFlow<ReconciliationCorrectionFlow>();
        return services;
    }
}
