using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WmsFunctions.Platform.Telemetry;

/// <summary>
/// A W3C trace context as it travels inside the hub's messages: the CloudEvents distributed-tracing extension's two
/// attributes, <c>traceparent</c> and <c>tracestate</c>, at the top level of the JSON object. Every CloudEvent the hub
/// publishes carries them, and so does every hub queue message that continues an event's journey (the outbox, the
/// WMS delivery retries, the pick-slip hand-off, reconciliation runs): a custom handler can set no message properties,
/// only the body, so the body is where the context goes. Readers that do not know the attributes ignore them.
/// </summary>
public sealed record TraceContext(
    [property: JsonPropertyName(TraceContext.ParentAttribute)] string TraceParent,
    [property: JsonPropertyName(TraceContext.StateAttribute), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceState = null)
{
    public const string ParentAttribute = "traceparent";
    public const string StateAttribute = "tracestate";

    private static readonly byte[] ParentUtf8 = Encoding.UTF8.GetBytes(ParentAttribute);
    private static readonly byte[] StateUtf8 = Encoding.UTF8.GetBytes(StateAttribute);

    /// <summary>The current span's context (sampled or not: the trace id travels either way), or null without a span.</summary>
    public static TraceContext? Current => Of(Activity.Current);

    public static TraceContext? Of(Activity? span) =>
        span is { IdFormat: ActivityIdFormat.W3C } ? new TraceContext(span.Id!, string.IsNullOrEmpty(span.TraceStateString) ? null : span.TraceStateString) : null;

    /// <summary>A context from stored or received values; null when <paramref name="traceParent"/> is missing or not W3C.</summary>
    public static TraceContext? From(string? traceParent, string? traceState) =>
        !string.IsNullOrEmpty(traceParent) && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out _)
            ? new TraceContext(traceParent, string.IsNullOrEmpty(traceState) ? null : traceState)
            : null;

    /// <summary>The parent for a span continuing this context, or null when the value does not parse.</summary>
    public ActivityContext? ToActivityContext() =>
        ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out var context) ? context : null;

    /// <summary>The 32 hex digits of the trace id, as tools search for it.</summary>
    public string TraceId => TraceParent.Length >= 35 ? TraceParent[3..35] : "";

    /// <summary>
    /// <paramref name="json"/> (a hub queue message: a JSON object) carrying the current span's context at its top
    /// level, so the invocation that takes the message continues this trace; unchanged without a span, when it carries
    /// a context already, or when it is no JSON object.
    /// </summary>
    public static string Stamp(string json)
    {
        if (Current is not { } current)
        {
            return json;
        }

        try
        {
            if (JsonNode.Parse(json) is not JsonObject message || message.ContainsKey(ParentAttribute))
            {
                return json;
            }

            message[ParentAttribute] = current.TraceParent;
            if (current.TraceState is { } state)
            {
                message[StateAttribute] = state;
            }

            return message.ToJsonString();
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>
    /// The context a JSON message carries at its top level (a CloudEvent, a hub queue message), or null when it carries
    /// none or is no JSON object. Reads the top level only (nested values are skipped, not built): one pass.
    /// </summary>
    public static TraceContext? InMessage(string? json)
    {
        if (string.IsNullOrEmpty(json) || json[0] is not ('{' or ' ' or '\t' or '\r' or '\n'))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json), new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            string? parent = null;
            string? state = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isParent = reader.ValueTextEquals(ParentUtf8);
                var isState = !isParent && reader.ValueTextEquals(StateUtf8);
                reader.Read();
                if (isParent && reader.TokenType == JsonTokenType.String)
                {
                    parent = reader.GetString();
                }
                else if (isState && reader.TokenType == JsonTokenType.String)
                {
                    state = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            return From(parent, state);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
