using System.Globalization;
using System.Text.Json;
using WmsFunctions.Platform.Telemetry;

namespace WmsFunctions.Handler.CustomHandler;

/// <summary>
/// One invocation as the Functions host posts it to <c>POST /{FunctionName}</c>:
/// <c>{"Data": {binding: value}, "Metadata": {name: value}}</c>. The host JSON-encodes string values twice
/// (a message body <c>{"a":1}</c> arrives as the JSON string <c>"\"{\\\"a\\\":1}\""</c>) and sends numbers in
/// Metadata as strings, so every read here decodes leniently. Business fields are read from Data only: the
/// host also merges a JSON body's top-level properties into Metadata.
/// </summary>
public sealed class Invocation
{
    private Invocation(string functionName, string? invocationId, JsonElement data, JsonElement metadata)
    {
        FunctionName = functionName;
        InvocationId = invocationId;
        Data = data;
        Metadata = metadata;
    }

    public string FunctionName { get; }

    public string? InvocationId { get; }

    public JsonElement Data { get; }

    public JsonElement Metadata { get; }

    public static async Task<Invocation> ReadAsync(HttpRequest request, string functionName, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException error)
        {
            throw new InvalidInvocationException($"The invocation body is not JSON: {error.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidInvocationException("The invocation body must be a JSON object with Data and Metadata.");
            }

            return new Invocation(
                functionName,
                request.Headers["X-Azure-Functions-InvocationId"].FirstOrDefault(),
                ObjectOrEmpty(root, "Data"),
                ObjectOrEmpty(root, "Metadata"));
        }
    }

    /// <summary>The text of an input binding (a queue or Service Bus message body), decoded as the host encoded it.</summary>
    public string ReadString(string binding) =>
        Data.TryGetProperty(binding, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? HostValues.DecodeString(value)
            : throw new InvalidInvocationException($"The invocation has no input '{binding}'.");

    public JsonElement ReadElement(string binding) =>
        Data.TryGetProperty(binding, out var value)
            ? value
            : throw new InvalidInvocationException($"The invocation has no input '{binding}'.");

    /// <summary>
    /// The trace context the trigger's message carries at its top level (a CloudEvent's traceparent and tracestate, or
    /// a hub queue message's), or null (a timer, an older message, a body that is not JSON). The host itself passes
    /// no trace context to a custom handler's invocation (only Data and Metadata: ScriptInvocationContextExtensions
    /// .ToHttpScriptInvocationContext in the host), so the message is where the trace continues from.
    /// </summary>
    public TraceContext? CarriedTrace(string binding) =>
        Data.TryGetProperty(binding, out var value) && value.ValueKind == JsonValueKind.String
            ? TraceContext.InMessage(HostValues.DecodeString(value))
            : null;

    public string? MetadataString(string name) =>
        Metadata.TryGetProperty(name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
            ? HostValues.DecodeString(value)
            : null;

    public long? MetadataInt64(string name) =>
        MetadataString(name) is { } text && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    public DateTimeOffset? MetadataTime(string name) =>
        MetadataString(name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static JsonElement ObjectOrEmpty(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.Clone()
            : JsonDocument.Parse("{}").RootElement.Clone();
}

/// <summary>Decoding the host's value encoding.</summary>
public static class HostValues
{
    private const int MaxLayers = 3;

    /// <summary>
    /// A string value is decoded once more while its content is itself a JSON string literal (the host's double
    /// encoding); anything else is taken as it is. Objects and arrays come back as their JSON text.
    /// </summary>
    public static string DecodeString(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value.GetRawText();
        }

        var text = value.GetString()!;
        for (var layer = 0; layer < MaxLayers && LooksLikeJsonString(text); layer++)
        {
            try
            {
                text = JsonSerializer.Deserialize<string>(text)!;
            }
            catch (JsonException)
            {
                break; // starts and ends with quotes but is not a literal: take it as it is
            }
        }

        return text;
    }

    private static bool LooksLikeJsonString(string text)
    {
        var span = text.AsSpan().Trim();
        return span.Length >= 2 && span[0] == '"' && span[^1] == '"';
    }
}

/// <summary>The host sent something the handler cannot read; answered 400 and logged (a bug, not a retry case).</summary>
public sealed class InvalidInvocationException(string message) : Exception(message);
