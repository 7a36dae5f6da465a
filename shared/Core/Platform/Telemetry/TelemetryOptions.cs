using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>Where the hub's traces, metrics (and, when asked, logs) go.</summary>
public enum TelemetryExporter
{
    /// <summary>Nowhere: spans are still made (unrecorded) so trace context flows on into CloudEvents and WMS calls.</summary>
    None,

    /// <summary>The handler's console (locally: .local/handler.log).</summary>
    Console,

    /// <summary>An OpenTelemetry collector or dashboard at OTEL_EXPORTER_OTLP_ENDPOINT (OTEL_EXPORTER_OTLP_PROTOCOL as usual).</summary>
    Otlp,

    /// <summary>Application Insights named by APPLICATIONINSIGHTS_CONNECTION_STRING, authenticated with the managed identity.</summary>
    AzureMonitor,
}

/// <summary>
/// The telemetry settings (docs/telemetry.md), read once at start; a bad value stops the start. App settings, as
/// the Functions host and OpenTelemetry name them: <see cref="ExporterSetting"/> chooses, else the presence of the
/// Application Insights connection string or the OTLP endpoint does, else nothing is exported.
/// </summary>
public sealed record TelemetryOptions(TelemetryExporter Exporter, double SamplingRatio, bool ExportLogs, string? ManagedIdentityClientId)
{
    public const string ExporterSetting = "HUB_TELEMETRY_EXPORTER";
    public const string SamplingRatioSetting = "HUB_TELEMETRY_SAMPLING_RATIO";
    public const string LogsSetting = "HUB_TELEMETRY_LOGS";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>What the Bicep gives the host ("ClientId=...;Authorization=AAD"); the handler's exporter reads the same.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>The usual Azure.Identity variable, when the authentication string names no identity.</summary>
    public const string ClientIdSetting = "AZURE_CLIENT_ID";

    public static TelemetryOptions From(IConfiguration configuration)
    {
        var exporter = configuration[ExporterSetting] switch
        {
            null or "" => !string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]) ? TelemetryExporter.AzureMonitor
                : !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) ? TelemetryExporter.Otlp
                : TelemetryExporter.None,
            var text when Enum.TryParse<TelemetryExporter>(text, ignoreCase: true, out var chosen) && !int.TryParse(text, out _) => chosen,
            var text => throw new InvalidOperationException($"{ExporterSetting} must be none, console, otlp or azuremonitor, not '{text}'."),
        };

        var ratio = 1.0;
        if (configuration[SamplingRatioSetting] is { Length: > 0 } ratioText
            && (!double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || ratio is < 0 or > 1 || double.IsNaN(ratio)))
        {
            throw new InvalidOperationException($"{SamplingRatioSetting} must be a number from 0 to 1 (the share of traces kept), not '{ratioText}'.");
        }

        var logs = false;
        if (configuration[LogsSetting] is { Length: > 0 } logsText && !bool.TryParse(logsText, out logs))
        {
            throw new InvalidOperationException($"{LogsSetting} must be true or false, not '{logsText}'.");
        }

        if (exporter == TelemetryExporter.AzureMonitor && string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            throw new InvalidOperationException($"{ExporterSetting}=azuremonitor needs {ConnectionStringSetting}.");
        }

        if (exporter == TelemetryExporter.Otlp && configuration[OtlpEndpointSetting] is { Length: > 0 } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{OtlpEndpointSetting} must be an absolute URL, not '{endpoint}'.");
        }

        return new TelemetryOptions(exporter, ratio, logs && exporter is TelemetryExporter.Otlp or TelemetryExporter.AzureMonitor, ClientIdOf(configuration));
    }

    /// <summary>The user-assigned identity: ClientId= in the authentication string, else AZURE_CLIENT_ID; null for the system-assigned one.</summary>
    private static string? ClientIdOf(IConfiguration configuration)
    {
        foreach (var part in (configuration[AuthenticationStringSetting] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("ClientId=", StringComparison.OrdinalIgnoreCase) && part["ClientId=".Length..] is { Length: > 0 } id)
            {
                return id;
            }
        }

        return configuration[ClientIdSetting] is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
    }
}
