using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WmsFunctions.Adapters.ChannelAdvisor;
using WmsFunctions.Adapters.GenericXml;
using WmsFunctions.Adapters.HubJson;
using WmsFunctions.Adapters.X12;
using WmsFunctions.Edi;
using WmsFunctions.Flows.Channels;
using WmsFunctions.Flows.Reconciliation;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Adapters;

/// <summary>The adapters layer: one module per dialect a WMS instance may name (its Adapter), and the marketplaces.</summary>
public static class AdapterServices
{
    public static IServiceCollection AddAdapters(this IServiceCollection services)
    {
        services.AddWmsDialect<HubJsonDialect>();
        services.AddSingleton<IWmsStockDialect, HubJsonStockDialect>();

        services.AddWmsDialect<GenericXmlDialect>();
        services.AddSingleton<IWmsStockDialect, GenericXmlStockDialect>();

        // X12 trading partners: durable control numbers, the record of what was sent, the inbound interchanges.
        services.AddWmsDialect<X12Dialect>();
        services.AddInstanceSection<X12InstanceOptions>(X12InstanceOptions.Section, AbsentSection.Missing);
        services.AddSingleton<IValidateOptions<PerInstance<X12InstanceOptions>>, X12OptionsValidator>();
        services.AddSingleton<X12Partners>();
        services.AddSingleton<IControlNumbers, TableControlNumbers>();
        services.AddSingleton<X12InterchangeLog>();
        services.AddSingleton<X12InterchangeReceiver>();
        services.AddFailedSyncFlow(X12InterchangeReceiver.Flow, FailedSyncDirection.WmsToOms);
        services.AddReplayPath<X12ReplayPath>();

        services.AddHttpClient(ChannelAdvisorAdapter.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the pipeline times out
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AllowAutoRedirect = false,
            });
        services.AddSingleton<IMarketplaceAdapter, ChannelAdvisorAdapter>();
        return services;
    }
}
