using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// One binding of a function.json, as the Functions host will read it from the deploy package. Read from
/// <see cref="FunctionDefinition.ToFunctionJson"/>, the same code that writes the package, so the checks follow
/// every function a later change adds.
/// </summary>
public sealed partial record FunctionJsonBinding(string Function, JsonObject Json)
{
    public string Type => (string)Json["type"]!;

    public string Direction => (string)Json["direction"]!;

    public string? Connection => (string?)Json["connection"];

    public override string ToString() => $"{Function}/{Type}({Direction})";

    /// <summary>Every <c>%SETTING%</c> this binding names, in any property.</summary>
    public IEnumerable<string> Settings() =>
        Json.Select(p => p.Value).OfType<JsonValue>()
            .Select(v => v.TryGetValue<string>(out var text) ? text : null)
            .OfType<string>()
            .SelectMany(text => SettingToken().Matches(text).Select(m => m.Groups["name"].Value));

    /// <summary>
    /// The app setting behind a property such as <c>"topicName": "%OMS_EVENTS_TOPIC%"</c>, or null; also behind a
    /// failure watcher's <c>"%OUTBOX_QUEUE%-poison"</c> or <c>"%OMS_SUBSCRIPTION%/$DeadLetterQueue"</c> (see <see cref="SuffixOf"/>).
    /// </summary>
    public string? SettingOf(string property) =>
        (string?)Json[property] is { } text && SettingToken().Match(text) is { Success: true, Index: 0 } match
        && (match.Value == text || Suffixes.Contains(text[match.Length..]))
            ? match.Groups["name"].Value
            : null;

    /// <summary>What follows the setting: "-poison" (a poison queue), "/$DeadLetterQueue" (a dead-letter subqueue), or "".</summary>
    public string SuffixOf(string property) =>
        SettingOf(property) is { } setting ? ((string)Json[property]!)[(setting.Length + 2)..] : "";

    /// <summary>A watcher of a poison queue or a dead-letter subqueue (FailureWatchers).</summary>
    public bool IsFailureWatcher => Direction == "in" && (SuffixOf("queueName").Length > 0 || SuffixOf("subscriptionName").Length > 0);

    private static readonly string[] Suffixes = ["-poison", "/$DeadLetterQueue"];

    /// <summary>
    /// The entity a property names, as the host resolves it: the app setting's value for <c>%SETTING%</c>, else the
    /// literal (each OMS -> WMS flow's topic is fixed in its definition); null when neither is there.
    /// </summary>
    public string? EntityName(string property, IReadOnlyDictionary<string, string> appSettings) =>
        SettingOf(property) is { } setting ? appSettings.GetValueOrDefault(setting) : (string?)Json[property];

    /// <summary>A fixed topic a trigger reads (not a setting): the OMS -> WMS flows name theirs in their definitions.</summary>
    public bool HasFixedTopic => Type == "serviceBusTrigger" && Json["topicName"] is not null && SettingOf("topicName") is null;

    public static IReadOnlyList<FunctionJsonBinding> Of(IEnumerable<FunctionDefinition> functions) =>
        functions.SelectMany(f => f.ToFunctionJson()["bindings"]!.AsArray().Select(b => new FunctionJsonBinding(f.Name, b!.AsObject()))).ToList();

    [GeneratedRegex(@"%(?<name>[A-Za-z_][A-Za-z0-9_.:-]*)%")]
    private static partial Regex SettingToken();
}
