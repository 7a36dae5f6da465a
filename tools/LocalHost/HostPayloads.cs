using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace WmsFunctions.LocalHost;

/// <summary>
/// The invocation bodies the Functions host posts to a custom handler, byte for byte as its HTTP worker builds
/// them (Newtonsoft, default settings): every trigger value that is a string is serialized to a JSON string
/// first and then serialized again as part of the body; numbers and times in Metadata are strings produced the
/// same way; binding data whose name ends in "trigger" is left out; null values are left out; a JSON object
/// body's top-level properties are merged into Metadata.
/// </summary>
public static class HostPayloads
{
    private static readonly string[] PropertyBags = ["ApplicationProperties", "UserProperties"];

    private static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string QueueTrigger(
        string binding, string functionName, string message, string id, long dequeueCount,
        DateTimeOffset insertionTime, DateTimeOffset expirationTime, DateTimeOffset nextVisibleTime, string popReceipt, DateTime utcNow)
    {
        return Build(
            data => data.WriteString(binding, Encode(message)),
            metadata =>
            {
                metadata.WriteString("DequeueCount", dequeueCount.ToString(CultureInfo.InvariantCulture));
                metadata.WriteString("ExpirationTime", Encode(expirationTime));
                metadata.WriteString("Id", Encode(id));
                metadata.WriteString("InsertionTime", Encode(insertionTime));
                metadata.WriteString("NextVisibleTime", Encode(nextVisibleTime));
                metadata.WriteString("PopReceipt", Encode(popReceipt));
                MergeBodyProperties(metadata, message);
                WriteSys(metadata, functionName, utcNow);
            });
    }

    public static string ServiceBusTrigger(
        string binding, string functionName, string body, string messageId, int deliveryCount, long sequenceNumber,
        DateTimeOffset enqueuedTimeUtc, string? correlationId, string? contentType, string? subject,
        IReadOnlyDictionary<string, string> applicationProperties, DateTime utcNow)
    {
        return Build(
            data => data.WriteString(binding, Encode(body)),
            metadata =>
            {
                metadata.WriteString("DeliveryCount", deliveryCount.ToString(CultureInfo.InvariantCulture));
                metadata.WriteString("EnqueuedTimeUtc", Encode(enqueuedTimeUtc.UtcDateTime));
                metadata.WriteString("MessageId", Encode(messageId));
                metadata.WriteString("SequenceNumber", sequenceNumber.ToString(CultureInfo.InvariantCulture));
                if (correlationId is not null)
                {
                    metadata.WriteString("CorrelationId", Encode(correlationId));
                }

                if (contentType is not null)
                {
                    metadata.WriteString("ContentType", Encode(contentType));
                }

                if (subject is not null)
                {
                    metadata.WriteString("Subject", Encode(subject));
                    metadata.WriteString("Label", Encode(subject));
                }

                foreach (var name in PropertyBags)
                {
                    metadata.WriteStartObject(name);
                    foreach (var (key, value) in applicationProperties)
                    {
                        metadata.WriteString(key, value);
                    }

                    metadata.WriteEndObject();
                }

                MergeBodyProperties(metadata, body);
                WriteSys(metadata, functionName, utcNow);
            });
    }

    public static string TimerTrigger(string binding, string functionName, DateTime? last, DateTime next, bool isPastDue, DateTime utcNow)
    {
        return Build(
            data =>
            {
                data.WriteStartObject(binding);
                data.WriteStartObject("Schedule");
                data.WriteBoolean("AdjustForDST", true);
                data.WriteEndObject();
                if (last is { } lastRun)
                {
                    data.WriteStartObject("ScheduleStatus");
                    data.WriteString("Last", Iso(lastRun));
                    data.WriteString("Next", Iso(next));
                    data.WriteString("LastUpdated", Iso(lastRun));
                    data.WriteEndObject();
                }
                else
                {
                    data.WriteNull("ScheduleStatus");
                }

                data.WriteBoolean("IsPastDue", isPastDue);
                data.WriteEndObject();
            },
            metadata => WriteSys(metadata, functionName, utcNow));
    }

    private static string Build(Action<Utf8JsonWriter> data, Action<Utf8JsonWriter> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Writer))
        {
            json.WriteStartObject();
            json.WriteStartObject("Data");
            data(json);
            json.WriteEndObject();
            json.WriteStartObject("Metadata");
            metadata(json);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>What <c>JsonConvert.SerializeObject(string)</c> gives: the string as a JSON string literal.</summary>
    public static string Encode(string value) => JsonSerializer.Serialize(value, RelaxedOptions);

    private static string Encode(DateTimeOffset value) => "\"" + value.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFFzzz", CultureInfo.InvariantCulture) + "\"";

    private static string Encode(DateTime utc) => "\"" + Iso(utc) + "\"";

    private static string Iso(DateTime utc) => utc.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static readonly JsonSerializerOptions RelaxedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static void MergeBodyProperties(Utf8JsonWriter metadata, string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Null:
                        break;
                    case JsonValueKind.String:
                        metadata.WriteString(property.Name, Encode(property.Value.GetString()!));
                        break;
                    case JsonValueKind.Object:
                        metadata.WritePropertyName(property.Name);
                        property.Value.WriteTo(metadata);
                        break;
                    default:
                        metadata.WriteString(property.Name, property.Value.GetRawText());
                        break;
                }
            }
        }
    }

    private static void WriteSys(Utf8JsonWriter metadata, string functionName, DateTime utcNow)
    {
        metadata.WriteStartObject("sys");
        metadata.WriteString("MethodName", functionName);
        metadata.WriteString("UtcNow", Iso(utcNow));
        metadata.WriteString("RandGuid", Guid.NewGuid().ToString());
        metadata.WriteEndObject();
    }
}
