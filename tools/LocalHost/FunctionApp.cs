using System.Globalization;
using System.Text.Json.Nodes;

namespace WmsFunctions.LocalHost;

/// <summary>The host's settings this stand-in honours (host.json <c>extensions</c>).</summary>
public sealed record HostSettings(TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int MaxDequeueCount, int BatchSize, string RoutePrefix);

/// <summary>One function folder: its name and bindings, with %SETTING% references resolved.</summary>
public sealed record FunctionFolder(string Name, JsonObject Trigger, IReadOnlyList<JsonObject> Outputs)
{
    public string TriggerType => (string)Trigger["type"]!;

    public string BindingName => (string)Trigger["name"]!;
}

/// <summary>A Functions app root as the host reads it: host.json plus <c>{Name}/function.json</c> folders.</summary>
public sealed class FunctionApp
{
    private FunctionApp(HostSettings host, IReadOnlyList<FunctionFolder> functions)
    {
        Host = host;
        Functions = functions;
    }

    public HostSettings Host { get; }

    public IReadOnlyList<FunctionFolder> Functions { get; }

    public FunctionFolder this[string name] => Functions.Single(f => f.Name == name);

    public static FunctionApp Load(string appRoot, Func<string, string?> settings)
    {
        var hostJson = JsonNode.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")))!.AsObject();
        var queues = hostJson["extensions"]?["queues"];
        var host = new HostSettings(
            TimeSpan.Parse((string?)queues?["maxPollingInterval"] ?? "00:01:00", CultureInfo.InvariantCulture),
            TimeSpan.Parse((string?)queues?["visibilityTimeout"] ?? "00:00:00", CultureInfo.InvariantCulture),
            (int?)queues?["maxDequeueCount"] ?? 5,
            (int?)queues?["batchSize"] ?? 16,
            (string?)hostJson["extensions"]?["http"]?["routePrefix"] ?? "api");

        var functions = new List<FunctionFolder>();
        foreach (var folder in Directory.GetDirectories(appRoot).Order(StringComparer.Ordinal))
        {
            var path = Path.Combine(folder, "function.json");
            if (!File.Exists(path))
            {
                continue;
            }

            var bindings = JsonNode.Parse(File.ReadAllText(path))!["bindings"]!.AsArray()
                .Select(b => Resolve(b!.AsObject(), settings))
                .ToList();
            functions.Add(new FunctionFolder(
                Path.GetFileName(folder),
                bindings.Single(b => (string?)b["direction"] == "in" && ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal)),
                bindings.Where(b => (string?)b["direction"] == "out").ToList()));
        }

        return new FunctionApp(host, functions);
    }

    /// <summary>
    /// Replaces every %SETTING% in a string value as the host does (anywhere in the string: "%OUTBOX_QUEUE%-poison",
    /// "%OMS_SUBSCRIPTION%/$DeadLetterQueue"); a setting that is not set is an error, as in the host.
    /// </summary>
    private static JsonObject Resolve(JsonObject binding, Func<string, string?> settings)
    {
        var resolved = new JsonObject();
        foreach (var (key, value) in binding)
        {
            resolved[key] = value is JsonValue v && v.TryGetValue<string>(out var text) && text.Contains('%', StringComparison.Ordinal)
                ? ResolveWholeString(text, settings)
                : value?.DeepClone();
        }

        return resolved;
    }

    public static string ResolveWholeString(string text, Func<string, string?> settings)
    {
        var result = new System.Text.StringBuilder();
        var at = 0;
        while (text.IndexOf('%', at) is var start and >= 0)
        {
            var end = text.IndexOf('%', start + 1);
            if (end < 0)
            {
                throw new InvalidOperationException($"The '%' at position {start} of '{text}' does not have a closing '%'.");
            }

            var name = text[(start + 1)..end];
            result.Append(text, at, start - at).Append(settings(name) ?? throw new InvalidOperationException($"Setting '{name}' used by a function.json is not set."));
            at = end + 1;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }
}
