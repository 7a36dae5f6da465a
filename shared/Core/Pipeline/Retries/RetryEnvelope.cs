using System.Text.Json;
using System.Text.Json.Nodes;

namespace WmsFunctions.Pipeline.Retries;

/// <summary>
/// The retry generation travels inside the message itself, as one more top-level property
/// (<c>"retryGeneration": 3</c>) of the JSON object every hub queue message is: the queue's own consumer reads the
/// message as before (every reader ignores a property it does not know; RetriedQueueTests pins that for each queue),
/// and the poison watcher knows how far along the schedule it is without any table read.
/// </summary>
public static class RetryEnvelope
{
    public const string Property = "retryGeneration";

    /// <summary>The generation a message carries (0 when it never went round the schedule, or is not a JSON object).</summary>
    public static int GenerationOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(Property, out var value)
                && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var generation) && generation > 0
                ? generation
                : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    /// <summary>The same message with <paramref name="generation"/> set (its other properties untouched).</summary>
    public static string WithGeneration(string body, int generation)
    {
        var node = JsonNode.Parse(body) as JsonObject ?? throw new JsonException("A hub queue message is a JSON object.");
        node[Property] = generation;
        return node.ToJsonString();
    }

    /// <summary>
    /// Whether the message came back through the poison watcher or a replay (it carries the property, even at 0): its
    /// queue message id is a new one, so a consumer that tells a row's own message by its id must not call it a stray.
    /// </summary>
    public static bool CameBack(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(Property, out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>For a replay: generation 0 (the schedule starts again), marked as come back; anything not a JSON object as it is.</summary>
    public static string Restarted(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject ? WithGeneration(body, 0) : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }

    /// <summary>The message as its producer wrote it (what a failed sync stores).</summary>
    public static string WithoutGeneration(string body)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject node && node.Remove(Property))
            {
                return node.ToJsonString();
            }
        }
        catch (JsonException)
        {
            // not ours to rewrite: give it back as it was
        }

        return body;
    }
}
