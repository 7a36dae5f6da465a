using System.Diagnostics;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>
/// The hub's own spans: its ActivitySource, named <see cref="Name"/> like its meter (<see cref="HubMetrics"/>), is what
/// AddHubTelemetry listens to and exports (docs/telemetry.md). A span started without a listener is null; every helper
/// takes that in its stride.
/// </summary>
public static class HubTelemetry
{
    /// <summary>The ActivitySource's and the meter's name (the service name too).</summary>
    public const string Name = "WmsFunctions";

    public static readonly ActivitySource Source = new(Name);

    /// <summary>Span attribute names, the same as the metrics' tags where both have them.</summary>
    public static class Tags
    {
        public const string Tenant = "tenant";
        public const string Instance = "instance";
        public const string Flow = "flow";
        public const string EventId = "event_id";
        public const string CorrelationId = "correlation_id";
        public const string Function = "faas.name";
        public const string InvocationId = "faas.invocation_id";
        public const string Outcome = "outcome";
    }

    /// <summary>A span inside the current one (storage steps, a flow's effects, a WMS send).</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) => Source.StartActivity(name, kind);

    /// <summary>
    /// The span of one message taken off a queue or a Service Bus subscription: a child of the context the message
    /// carries (so the message's journey stays one trace across the hop), linked to the span the host's call opened
    /// here (its own trace); without a carried context, simply a child of the current span.
    /// </summary>
    public static Activity? StartConsumer(string name, TraceContext? carried)
    {
        if (carried?.ToActivityContext() is not { } parent)
        {
            return Source.StartActivity(name, ActivityKind.Consumer);
        }

        ActivityLink[]? links = Activity.Current is { } host ? [new ActivityLink(host.Context)] : null;
        return Source.StartActivity(name, ActivityKind.Consumer, parent, links: links);
    }

    /// <summary>Marks a span failed with the exception's type and message (never a payload).</summary>
    public static void Fail(this Activity? span, Exception failure)
    {
        if (span is null)
        {
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        span.AddException(failure);
    }
}
