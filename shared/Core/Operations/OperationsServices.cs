using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WmsFunctions.Operations.Forecasting;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;

namespace WmsFunctions.Operations;

/// <summary>The operations part of the hub: operator authentication, replay, overrides, alerts, health.</summary>
public static class OperationsServices
{
    public static IServiceCollection AddWmsOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OperatorOptions>, OperatorOptionsValidator>();
        services.AddSingleton<OperatorAuthenticator>();
        services.AddSingleton<FailedSyncReplayer>();
        services.AddOptions<FailedSyncJobOptions>().Configure(options => FailedSyncJobOptions.Configure(options, configuration));
        services.AddSingleton<FailedSyncJobs>();
        services.AddSingleton<IQueuedMessages, FailedSyncJobMessages>();
        services.AddFailedSyncFlow(FailedSyncJobMessages.FlowName, FailedSyncDirection.WmsToOms); // a captured slice, replayed through its queue
        services.AddSingleton<OperatorOverrides>();
        services.AddInboxFlow<OperatorStockFlow>();
        services.AddInboxFlow<OperatorPickSlipFlow>();
        services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.SectionName).Configure(options =>
            options.WebhookUrl = configuration[AlertOptions.WebhookUrlSetting] is { Length: > 0 } url ? url : options.WebhookUrl);
        services.AddHttpClient(AlertOptions.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        services.AddOptions<EarlyWarningOptions>().BindConfiguration(EarlyWarningOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EarlyWarningOptions>>(new EarlyWarningOptionsValidator(AlertEvaluator.ForecastableMetrics));
        services.AddSingleton<MetricSeriesStore>();
        services.AddSingleton<AlertEvaluator>();
        services.AddSingleton<HealthCheck>();
        return services;
    }
}
