using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>
/// The handler's telemetry in one place (docs/telemetry.md): OpenTelemetry traces and metrics of the hub's own
/// source and meter (<see cref="HubTelemetry.Name"/>), of ASP.NET Core and of outgoing HTTP, exported as
/// <see cref="TelemetryOptions"/> says; and console logs the Functions host files at their severity.
/// </summary>
public static class TelemetryServices
{
    /// <summary>The framework categories kept at Warning unless configuration says otherwise (a GET / wrote six lines).</summary>
    public static readonly IReadOnlyList<string> QuietCategories = ["Microsoft.AspNetCore", "Microsoft.Extensions.Http", "System.Net.Http.HttpClient"];

    public static IServiceCollection AddHubTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var options = TelemetryOptions.From(configuration);
        services.AddSingleton(options);
        var credential = options.Exporter == TelemetryExporter.AzureMonitor ? Credential(options) : null; // one for every signal
        AddConsoleLogs(services, configuration);

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(HubTelemetry.Name));
        telemetry.WithTracing(tracing =>
        {
            tracing.AddSource(HubTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspNet => aspNet.RecordException = true)
                .AddHttpClientInstrumentation(http => http.RecordException = true);

            // Spans are made whatever the exporter, so trace context reaches the CloudEvents and the WMS calls; without an
            // exporter none is recorded (nothing to pay for but the ids).
            tracing.SetSampler(options.Exporter == TelemetryExporter.None
                ? new AlwaysOffSampler()
                : new ParentBasedSampler(new TraceIdRatioBasedSampler(options.SamplingRatio)));
            switch (options.Exporter)
            {
                case TelemetryExporter.Console:
                    tracing.AddConsoleExporter();
                    break;
                case TelemetryExporter.Otlp:
                    tracing.AddOtlpExporter();
                    break;
                case TelemetryExporter.AzureMonitor:
                    tracing.AddAzureMonitorTraceExporter(monitor => AzureMonitor(monitor, configuration, options, credential!)); // brings its own ratio sampler
                    break;
            }
        });

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(HubTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
            switch (options.Exporter)
            {
                case TelemetryExporter.Console:
                    metrics.AddConsoleExporter();
                    break;
                case TelemetryExporter.Otlp:
                    metrics.AddOtlpExporter();
                    break;
                case TelemetryExporter.AzureMonitor:
                    metrics.AddAzureMonitorMetricExporter(monitor => AzureMonitor(monitor, configuration, options, credential!));
                    break;
            }
        });

        if (options.ExportLogs)
        {
            // Besides the console (which the host files too): with the span's ids, the scopes' fields and the exception.
            telemetry.WithLogging(
                logging =>
                {
                    if (options.Exporter == TelemetryExporter.AzureMonitor)
                    {
                        logging.AddAzureMonitorLogExporter(monitor => AzureMonitor(monitor, configuration, options, credential!));
                    }
                    else
                    {
                        logging.AddOtlpExporter();
                    }
                },
                logger =>
                {
                    logger.IncludeScopes = true;
                    logger.IncludeFormattedMessage = true;
                });
        }

        return services;
    }

    /// <summary>
    /// Warnings and errors to stderr, one line each with the scopes' fields, stack traces only at Debug; the framework's
    /// per-request lines at Warning unless Logging:LogLevel names the category (inserted first, so configuration wins).
    /// </summary>
    private static void AddConsoleLogs(IServiceCollection services, IConfiguration configuration)
    {
        var debug = Enum.TryParse<LogLevel>(configuration["Logging:LogLevel:Default"], ignoreCase: true, out var level) && level <= LogLevel.Debug;
        services.AddLogging(logging =>
        {
            logging.AddConsole(console =>
            {
                console.FormatterName = HubConsoleFormatter.FormatterName;
                console.LogToStandardErrorThreshold = LogLevel.Warning;
            });
            logging.AddConsoleFormatter<HubConsoleFormatter, HubConsoleFormatterOptions>(format =>
            {
                format.IncludeScopes = true;
                format.TimestampFormat = "HH:mm:ss.fff ";
                format.IncludeStackTraces |= debug;
            });
        });
        services.Configure<LoggerFactoryOptions>(factory => factory.ActivityTrackingOptions = ActivityTrackingOptions.TraceId);
        services.Configure<LoggerFilterOptions>(filters =>
        {
            for (var i = QuietCategories.Count - 1; i >= 0; i--)
            {
                filters.Rules.Insert(0, new LoggerFilterRule(null, QuietCategories[i], LogLevel.Warning, null));
            }
        });
    }

    private static void AzureMonitor(AzureMonitorExporterOptions monitor, IConfiguration configuration, TelemetryOptions options, TokenCredential credential)
    {
        monitor.ConnectionString = configuration[TelemetryOptions.ConnectionStringSetting];
        monitor.SamplingRatio = (float)options.SamplingRatio;
        monitor.Credential = credential;
    }

    /// <summary>
    /// The app's user-assigned managed identity (local auth is off on the Application Insights component: ingestion
    /// needs its Entra token), or whatever DefaultAzureCredential finds when no identity is named (a developer's login).
    /// </summary>
    private static TokenCredential Credential(TelemetryOptions options) =>
        options.ManagedIdentityClientId is { } clientId
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential();
}
