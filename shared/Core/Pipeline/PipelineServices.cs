using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WmsFunctions.Pipeline.Audit;
using WmsFunctions.Pipeline.Delivery;
using WmsFunctions.Pipeline.Events;
using WmsFunctions.Pipeline.FailedSyncs;
using WmsFunctions.Pipeline.Retries;
using WmsFunctions.Pipeline.Webhooks;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline;

/// <summary>The pipeline layer: what every flow goes through, in each direction.</summary>
public static class PipelineServices
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        // Webhooks: each instance's credentials (its Auth section), the Standard Webhooks message ids seen.
        services.AddInstanceSection<WebhookAuthOptions>(WebhookAuthOptions.Section, AbsentSection.Defaults);
        services.AddSingleton<IValidateOptions<PerInstance<WebhookAuthOptions>>>(new WebhookAuthOptionsValidator(configuration));
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<WebhookAuthenticator>();
        services.AddSingleton<WebhookDeliveries>();

        // WMS -> OMS: inbox, outbox and relay, around each inbound flow's intake and effects; the audit and the failed syncs.
        services.AddSingleton<AuditLog>();
        services.AddSingleton<FailedSyncFlows>();
        services.AddSingleton<FailedSyncStore>();
        services.AddReplayPath<InboundReplayPath>();
        services.AddReplayPath<OutboundReplayPath>();
        services.AddSingleton<InboxStore>();
        services.AddSingleton<OutboxMessages>();
        services.AddSingleton<EventPipeline>();
        services.AddSingleton<OutboxRelay>();

        // Every storage queue the hub owns (each layer registers its own IQueuedMessages): the poison watchers' retry
        // schedule and capture; the Service Bus dead-letter watchers' capture.
        services.AddSingleton<IQueuedMessages, OutboxQueueMessages>();
        services.AddFailedSyncFlow(OutboxQueueMessages.FlowName, FailedSyncDirection.WmsToOms); // a captured relay message, replayed through its queue
        services.AddReplayPath<QueueReplayPath>();
        services.AddSingleton<PoisonedMessages>();
        services.AddSingleton<DeadLetters>();

        // OMS -> WMS: the dispatcher routes, maps, claims, renders (the instance's dialect), sends and records.
        services.AddInstanceSection<WmsOutboundOptions>(WmsOutboundOptions.Section, AbsentSection.Missing);
        services.AddSingleton<IValidateOptions<PerInstance<WmsOutboundOptions>>, OutboundOptionsValidator>();
        services.AddOptions<OutboundDeliveryOptions>().Configure(options =>
        {
            options.PickSlipEventsQueue = configuration[OutboundDeliveryOptions.PickSlipEventsQueueSetting] ?? options.PickSlipEventsQueue;
        });
        services.AddHttpClient(WmsCredentials.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan) // the pipeline times out
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = TimeSpan.FromSeconds(5),
                AllowAutoRedirect = false,
            });
        services.AddSingleton<OutboundDirectory>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<WmsDialects>();
        services.AddSingleton<WmsResilience>();
        services.AddSingleton<WmsCredentials>();
        services.AddSingleton<WmsClient>();
        services.AddSingleton<OutboundDispatcher>();

        // OMS -> WMS deliveries that found their instance unavailable wait on the retry queue (docs/oms-to-wms.md);
        // the queue's poison watcher and the retry schedule are every queue's; a retry captured from it replays back onto it.
        services.AddOptions<WmsDeliveryRetryOptions>().Configure(options =>
        {
            options.Queue = configuration[WmsDeliveryRetryOptions.QueueSetting] is { Length: > 0 } queue ? queue : options.Queue;
            if (TimeSpan.TryParse(configuration[WmsDeliveryRetryOptions.FirstDelaySetting], CultureInfo.InvariantCulture, out var delay))
            {
                options.FirstDelay = delay;
            }
        });
        services.AddSingleton<WmsDeliveryRetries>();
        services.AddSingleton<IQueuedMessages>(sp => sp.GetRequiredService<WmsDeliveryRetries>());
        services.AddFailedSyncFlow(WmsDeliveryRetries.FlowName, FailedSyncDirection.OmsToWms);
        return services;
    }
}
