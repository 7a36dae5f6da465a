using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>
/// What names the event being handled: tenant, instance, flow, event id and correlation id. <see cref="Begin"/> puts
/// them on the current span (as attributes) and on every log line written meanwhile (as a logging scope, so they are
/// structured fields wherever the logs go: the console line's [Key=value] part, an exporter's attributes). Ids and
/// codes only: never a payload, a credential or a person's data.
/// </summary>
public sealed class LogFields(string? tenant, string? instance, string? flow, string? eventId, string? correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly KeyValuePair<string, object?>[] _fields =
    [
        .. new (string Key, string? Value)[] { ("Tenant", tenant), ("Instance", instance), ("Flow", flow), ("EventId", eventId), ("CorrelationId", correlationId) }
            .Where(f => !string.IsNullOrEmpty(f.Value))
            .Select(f => new KeyValuePair<string, object?>(f.Key, f.Value)),
    ];

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    /// <summary>Tags the current span and opens the logging scope; dispose to close the scope.</summary>
    public static IDisposable? Begin(ILogger logger, string? tenant = null, string? instance = null, string? flow = null, string? eventId = null, string? correlationId = null)
    {
        if (Activity.Current is { IsAllDataRequested: true } span)
        {
            SetTag(span, HubTelemetry.Tags.Tenant, tenant);
            SetTag(span, HubTelemetry.Tags.Instance, instance);
            SetTag(span, HubTelemetry.Tags.Flow, flow);
            SetTag(span, HubTelemetry.Tags.EventId, eventId);
            SetTag(span, HubTelemetry.Tags.CorrelationId, correlationId);
        }

        return logger.BeginScope(new LogFields(tenant, instance, flow, eventId, correlationId));
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>As a scope's text where a logger shows scopes as text.</summary>
    public override string ToString() => string.Join(" ", _fields.Select(f => $"{f.Key}={f.Value}"));

    private static void SetTag(Activity span, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            span.SetTag(name, value);
        }
    }
}
