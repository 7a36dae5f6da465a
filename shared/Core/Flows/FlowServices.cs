using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.Items;
using WmsFunctions.Flows.PickSlips;
using WmsFunctions.Flows.PurchaseOrderReceipts;
using WmsFunctions.Flows.PurchaseOrders;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Flows.Stock;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Flows;

/// <summary>
/// The flows layer: every registered flow (<see cref="HubFlows"/>) and the stores and state the flows keep: the stock
/// ledger, the item catalog, purchase orders and receipts, the pick-slip orchestration, channels, reconciliation.
/// </summary>
public static class FlowServices
{
    public static IServiceCollection AddFlows(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<StockLedger>();
        services.AddSingleton<StockReservations>();
        services.AddSingleton<StockReads>();
        services.AddSingleton<ItemCatalog>();
        services.AddSingleton<PurchaseOrderStore>();
        services.AddSingleton<ReceiptLedger>();
        services.AddPickSlips(configuration);
        services.AddChannels(configuration);
        services.AddReconciliation(configuration);
        services.AddHubFlows();
        return services;
    }

    /// <summary>One durable state machine per slip, fed by both sides and the clock.</summary>
    private static void AddPickSlips(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PickSlipOptions>().Configure(options => PickSlipOptions.Configure(options, configuration));
        services.AddInstanceSection<PickSlipDeadlineOptions>(PickSlipDeadlineOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerInstance<PickSlipDeadlineOptions>>, PickSlipDeadlineOptionsValidator>();
        services.AddSingleton<PickSlipDeadlineDirectory>();
        services.AddSingleton<PickSlipOrchestrator>();
        services.AddSingleton<PickSlipDeadlineWatch>();
        services.AddSingleton<PickSlipHandOff>();
        services.AddSingleton<PickSlipHandOffConsumer>();
        services.AddFailedSyncFlow(
            PickSlipOrchestrator.FlowName,
            FailedSyncDirection.WmsToOms,
            "a pick-slip flag is the state machine's verdict on an event it already handled (a shortage, an illegal step, a missed deadline): " +
            "running the event again gives the same verdict. Act on the slip (override it, or let the WMS or OMS send the next event), then resolve.");
        services.AddSingleton<PickSlipHandOffMessages>();
        services.AddSingleton<IQueuedMessages>(sp => sp.GetRequiredService<PickSlipHandOffMessages>());
        services.AddSingleton<IQueuedMessages, PickSlipEscalationMessages>();
        services.AddFailedSyncFlow(PickSlipHandOffMessages.FlowName, FailedSyncDirection.OmsToWms); // captured queue messages, replayed through their queue
        services.AddFailedSyncFlow(PickSlipEscalationMessages.FlowName, FailedSyncDirection.OmsToWms);
    }

    /// <summary>Marketplaces behind one adapter seam: availability per SKU and channel, order intake, feedback.</summary>
    private static void AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTenantSection<TenantChannelsOptions>(TenantChannelsOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerTenant<TenantChannelsOptions>>>(sp =>
            new ChannelOptionsValidator(configuration, sp.GetRequiredService<MarketplaceAdapters>()));
        services.AddOptions<ChannelStockOptions>().Configure(options => ChannelStockOptions.Configure(options, configuration));
        services.AddSingleton<MarketplaceAdapters>();
        services.AddSingleton<ChannelDirectory>();
        services.AddSingleton<ChannelProducts>();
        services.AddSingleton<AvailabilityCalculator>();
        services.AddSingleton<ChannelStockPublisher>();
        services.AddSingleton<IQueuedMessages, ChannelStockSignals>();
        services.AddFailedSyncFlow(ChannelStockSignals.FlowName, FailedSyncDirection.HubToMarketplace); // replayed through its queue
        services.AddFailedSyncFlow(
            ChannelFeedConsumer.DeadLetterFlow,
            FailedSyncDirection.HubToMarketplace,
            "a dead letter of the channels' feed is an event the hub published to the OMS that the channels could not read; the OMS has it: " +
            "push the stock or shipment to the marketplace by hand if it matters, then resolve.");
        services.AddSingleton<ChannelOrderIntake>();
        services.AddInboxFlow<ChannelOrderFlow>();
        services.AddSingleton<ChannelFeedConsumer>();
        services.AddSingleton<ChannelReport>();
        services.AddFailedSyncFlow(ChannelOrderFlow.FlowName, FailedSyncDirection.MarketplaceToOms);
        services.AddFailedSyncFlow(ChannelProducts.StockFlow, FailedSyncDirection.HubToMarketplace);
        services.AddFailedSyncFlow(ChannelProducts.ShipmentsFlow, FailedSyncDirection.HubToMarketplace);
        services.AddReplayPath<ChannelReplayPath>();
    }

    /// <summary>Pull each WMS's stock, compare with the snapshot, report, flag, correct a trusted WMS.</summary>
    private static void AddReconciliation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddInstanceSection<InstanceReconciliationOptions>(InstanceReconciliationOptions.Section, AbsentSection.Defaults);
        services.AddTenantSection<OmsStockOptions>(OmsStockOptions.Section, AbsentSection.Missing);
        services.AddSingleton<ReconciliationOptionsValidator>();
        services.AddSingleton<IValidateOptions<PerInstance<InstanceReconciliationOptions>>>(sp => sp.GetRequiredService<ReconciliationOptionsValidator>());
        services.AddSingleton<IValidateOptions<PerTenant<OmsStockOptions>>>(sp => sp.GetRequiredService<ReconciliationOptionsValidator>());
        services.AddOptions<ReconciliationRunOptions>().Configure(options => ReconciliationRunOptions.Configure(options, configuration));
        services.AddSingleton<WmsStockPull>();
        services.AddSingleton<OmsStockClient>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<ReconciliationScheduler>();
        services.AddSingleton<IQueuedMessages, ReconciliationRunMessages>();
        services.AddFailedSyncFlow(ReconciliationRunMessages.FlowName, FailedSyncDirection.WmsToOms); // replayed through its queue
        services.AddSingleton<ReconciliationCorrections>();
        services.AddSingleton<ReconciliationRunner>();
        services.AddInboxFlow<ReconciliationCorrectionFlow>();
    }
}
