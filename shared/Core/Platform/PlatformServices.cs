using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WmsFunctions.Platform.Storage;
using WmsFunctions.Platform.Telemetry;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Platform;

/// <summary>The platform layer: the clock, the hub's metrics, storage clients and the tenants with what every WMS instance has.</summary>
public static class PlatformServices
{
    public static IServiceCollection AddPlatform(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(configuration); // the web host registers its own; tools building a bare container need this one
        services.AddMetrics(); // the web host adds it too; a bare container (tools, tests) needs it for the hub's meter
        services.AddSingleton<HubMetrics>();

        services.AddOptions<StorageOptions>().Configure(options =>
        {
            options.OutboxQueue = configuration[StorageOptions.OutboxQueueSetting] ?? options.OutboxQueue;
            options.TablePrefix = configuration[StorageOptions.TablePrefixSetting] ?? options.TablePrefix;
        });
        services.AddOptions<OutageOptions>().BindConfiguration(OutageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OutageOptions>, OutageOptionsValidator>();
        services.TryAddSingleton(_ => HubStorage.CreateClients(configuration)); // a host may bring its own (the benchmark counts requests)
        services.AddSingleton<TableServiceClient>(sp => sp.GetRequiredService<StorageClients>().Tables);
        services.AddSingleton<QueueServiceClient>(sp => sp.GetRequiredService<StorageClients>().Queues);
        services.AddSingleton<HubStorage>();

        // Hub:Tenants:{tenant}:Instances:{instance}: what every instance has; each feature binds and checks its own part.
        services.AddOptions<HubOptions>().BindConfiguration(HubOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HubOptions>, HubOptionsValidator>();
        services.AddSingleton<TenantDirectory>();
        return services;
    }
}
