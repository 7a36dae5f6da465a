using System.Text.Json;
using System.Text.Json.Serialization;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Pipeline.Events;

/// <summary>
/// The CloudEvents 1.0 (JSON) envelope every OMS-bound message travels in. A custom handler can only set the
/// body of a Service Bus message (no MessageId, no properties), so the body describes itself and the OMS
/// de-duplicates on <see cref="Id"/>, which is the same however often the event is published. The distributed-tracing
/// extension's <see cref="TraceParent"/> and <see cref="TraceState"/> name the span that made the event (for a WMS's
/// event, a span of the trace its webhook began), so the OMS continues that trace; the event is made once and stored,
/// so every publication carries the same context.
/// </summary>
public sealed record OmsEvent(
    [property: JsonPropertyName("specversion")] string SpecVersion,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("datacontenttype")] string DataContentType,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("correlationid")] string CorrelationId,
    [property: JsonPropertyName("data")] JsonElement Data,
    [property: JsonPropertyName(TraceContext.ParentAttribute), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null,
    [property: JsonPropertyName(TraceContext.StateAttribute), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceState = null)
{
    public const string TypePrefix = "com.wmsfunctions.";

    private static readonly JsonSerializerOptions DataJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>An event caused by a WMS instance; its id names the tenant, instance, flow and WMS event id.</summary>
    public static string FromWms<TData>(
        string tenant, string instance, string flow, string eventId, string type, string subject,
        DateTimeOffset time, string correlationId, TData data) =>
        Create($"{tenant}/{instance}/{flow}/{eventId}", $"/tenants/{tenant}/wms/{instance}", type, subject, time, tenant, correlationId, data);

    /// <summary>Any OMS-bound event; <paramref name="id"/> must be the same every time the same event is published.</summary>
    public static string Create<TData>(
        string id, string source, string type, string subject, DateTimeOffset time, string tenant, string correlationId, TData data)
    {
        var trace = TraceContext.Current;
        return JsonSerializer.Serialize(new OmsEvent(
            "1.0", id, source, TypePrefix + type, subject, time, "application/json", tenant, correlationId,
            JsonSerializer.SerializeToElement(data, DataJson), trace?.TraceParent, trace?.TraceState));
    }

    public static OmsEvent Parse(string json) =>
        JsonSerializer.Deserialize<OmsEvent>(json) ?? throw new JsonException("Empty CloudEvent.");

    /// <summary>
    /// The <c>time</c> attribute of a CloudEvent the hub wrote, or null: read without materialising the data, since the
    /// relay asks it of every event it publishes (the end-to-end lag).
    /// </summary>
    public static DateTimeOffset? TimeOf(string json)
    {
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTime = reader.ValueTextEquals("time"u8);
                reader.Read();
                if (isTime)
                {
                    return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) ? time : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
