using System.Text;
using System.Text.Json;
using WmsFunctions.Platform.Json;
using WmsFunctions.Platform.Tenancy;

namespace WmsFunctions.Pipeline.Delivery;

/// <summary>
/// A Service Bus message as the host delivered it to an OMS -> WMS function: the body (a CloudEvent), the
/// broker's message id, how often it was delivered (1 the first time) and its correlation id, if any.
/// </summary>
/// <remarks>
/// <paramref name="Replay"/>: an operator's replay of a failed sync: a version refused or failed for this very message
/// may be sent again (see <see cref="DeliveryStore.ClaimAsync"/>); <paramref name="OnlyInstance"/> limits it to the
/// instance that failed.
/// </remarks>
/// <param name="DeferWhenUnavailable">A Service Bus delivery: an instance found unavailable is deferred to the retry queue
/// (<see cref="WmsDeliveryRetries"/>) and the message completes, instead of Service Bus redelivering it at once.</param>
/// <param name="FromRetryQueue">A delivery taken from the retry queue: an unavailable instance fails the invocation, and
/// the queue's retry schedule decides when (and whether) it is tried again; it is never the Service Bus message's last.</param>
public sealed record OutboundDelivery(
    string Body, string? MessageId, int DeliveryCount, string? CorrelationId, bool Replay = false, string? OnlyInstance = null,
    bool DeferWhenUnavailable = false, bool FromRetryQueue = false);

/// <summary>
/// The canonical OMS message: a CloudEvents 1.0 JSON event. Required: <c>specversion</c> "1.0", <c>id</c>
/// (the same on every resend of the same change: it is the idempotency key), <c>source</c>, <c>type</c>
/// (<c>com.wmsfunctions.oms.{entity}.{what happened}</c>), the extension attribute <c>tenant</c> and
/// <c>data</c> (an object, the flow's contract). Optional: <c>subject</c>, <c>time</c>,
/// <c>datacontenttype</c> (application/json when given) and <c>correlationid</c>.
/// </summary>
public sealed record OmsMessage(
    string Id,
    string Source,
    string Type,
    string Tenant,
    string? Subject,
    DateTimeOffset? Time,
    string? CorrelationId,
    JsonElement Data)
{
    public const string TypePrefix = "com.wmsfunctions.oms.";

    public const int MaxBodyChars = 256 * 1024;

    private const int MaxDepth = 32;

    /// <summary>Reads the envelope; on failure says why (a failed sync, not a retry: the message will not get better).</summary>
    public static bool TryParse(string body, out OmsMessage message, out string? error)
    {
        message = null!;
        if (body.Length > MaxBodyChars)
        {
            error = $"The message is larger than {MaxBodyChars} characters.";
            return false;
        }

        // A name given twice (compared ignoring case), in the envelope or its data, is refused: the hub would act on one
        // spelling while every other reader of the message sees another (see ContractJson).
        if (ContractJson.DuplicateProperty(Encoding.UTF8.GetBytes(body), MaxDepth) is { } duplicate)
        {
            error = "Not a valid CloudEvent: " + ContractJson.DuplicateDetail(duplicate);
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException json)
        {
            error = $"The message is not JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The message must be a CloudEvents 1.0 JSON object.";
                return false;
            }

            var problems = new List<string>();
            string? Text(string name, bool required)
            {
                if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    if (required)
                    {
                        problems.Add($"'{name}' is required");
                    }

                    return null;
                }

                var free = name is "source" or "subject"; // URIs and paths: any non-empty string
                if (value.ValueKind != JsonValueKind.String || (free ? string.IsNullOrWhiteSpace(value.GetString()) : !Codes.IsValid(value.GetString())))
                {
                    problems.Add(free ? $"'{name}' must be a non-empty string" : $"'{name}' must be a non-empty string without surrounding spaces, at most {Codes.MaxLength} characters");
                    return null;
                }

                return value.GetString();
            }

            var specVersion = Text("specversion", true);
            if (specVersion is not null && specVersion != "1.0")
            {
                problems.Add("'specversion' must be \"1.0\"");
            }

            var id = Text("id", true);
            var source = Text("source", true);
            var type = Text("type", true);
            var tenant = Text("tenant", true);
            var subject = Text("subject", false);
            var correlationId = Text("correlationid", false);
            var contentType = Text("datacontenttype", false);
            if (contentType is not null && !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add("'datacontenttype' must be application/json");
            }

            DateTimeOffset? time = null;
            if (root.TryGetProperty("time", out var timeValue) && timeValue.ValueKind != JsonValueKind.Null)
            {
                if (timeValue.ValueKind == JsonValueKind.String && timeValue.TryGetDateTimeOffset(out var parsed) && StrictDateTimeOffsetConverter.HasOffset(timeValue.GetString()!))
                {
                    time = parsed;
                }
                else
                {
                    problems.Add("'time' must be an RFC 3339 timestamp with its offset (Z or +hh:mm)");
                }
            }

            if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                problems.Add("'data' must be a JSON object");
            }

            if (problems.Count > 0)
            {
                error = "Not a valid CloudEvent: " + string.Join("; ", problems) + ".";
                return false;
            }

            message = new OmsMessage(id!, source!, type!, tenant!, subject, time, correlationId, data.Clone());
            error = null;
            return true;
        }
    }

    /// <summary>What the envelope says about itself when it is too broken to parse: the tenant and id, if readable.</summary>
    public static (string? Tenant, string? Id) Peek(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            string? Read(string name) =>
                root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && Codes.IsValid(v.GetString())
                    ? v.GetString()
                    : null;
            return (Read("tenant"), Read("id"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
