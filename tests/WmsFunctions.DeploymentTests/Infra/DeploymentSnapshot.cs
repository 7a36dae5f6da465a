using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// The resources a deployment would create, read from a <c>bicep snapshot</c>. Each resource carries its full id,
/// type, name and properties with every expression evaluated that can be before deployment; what depends on a
/// deployed resource stays an ARM expression such as <c>[reference('/subscriptions/.../id-x', '2023-01-31').principalId]</c>.
/// </summary>
public sealed partial class DeploymentSnapshot
{
    private readonly IReadOnlyDictionary<string, string> _extraSettings;

    private DeploymentSnapshot(string name, IReadOnlyList<JsonObject> resources, JsonObject outputs, IReadOnlyDictionary<string, string> extraSettings)
    {
        Name = name;
        Resources = resources;
        Outputs = outputs;
        _extraSettings = extraSettings;
        AppSettings = ReadAppSettings();
        RoleAssignments = OfType("Microsoft.Authorization/roleAssignments").Select(RoleAssignment.From).ToList();
    }

    /// <summary>The parameter file the snapshot was made with.</summary>
    public string Name { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    public JsonObject Outputs { get; }

    /// <summary>The function app's app settings (the sites/config 'appsettings' resource).</summary>
    public IReadOnlyDictionary<string, string> AppSettings { get; }

    public IReadOnlyList<RoleAssignment> RoleAssignments { get; }

    /// <summary>The one Flex Consumption function app.</summary>
    public JsonObject FunctionApp => One("Microsoft.Web/sites");

    /// <summary>Resource id of the user-assigned identity the function app runs as.</summary>
    public string AppIdentityId =>
        FunctionApp["identity"]?["userAssignedIdentities"]?.AsObject().Select(p => p.Key).Single()
        ?? throw new InvalidOperationException("The function app has no user-assigned identity.");

    public static DeploymentSnapshot Parse(string name, string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        if (root["diagnostics"] is JsonArray { Count: > 0 } diagnostics)
        {
            throw new InvalidOperationException($"bicep snapshot of {name} reported: {diagnostics.ToJsonString()}");
        }

        var resources = root["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();
        return new DeploymentSnapshot(name, resources, root["outputs"]?.AsObject() ?? [], new Dictionary<string, string>());
    }

    /// <summary>The same deployment with more app settings, as a function that needs them would add: lets a test
    /// show that a role or entity check fails for what the settings alone cannot provide.</summary>
    public DeploymentSnapshot WithExtraAppSettings(IReadOnlyDictionary<string, string> settings) =>
        new(Name, Resources, Outputs, settings);

    public IReadOnlyList<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    public JsonObject One(string type)
    {
        var matches = OfType(type);
        Assert.True(matches.Count == 1, $"{Name}: expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The resource with this id, or null.</summary>
    public JsonObject? Find(string id) =>
        Resources.FirstOrDefault(r => string.Equals((string?)r["id"], id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The resource ids of the given type that an expression refers to, e.g. the storage account inside
    /// <c>[reference('/subscriptions/.../storageAccounts/st1', '2023-05-01').primaryEndpoints.queue]</c>.</summary>
    public IReadOnlyList<string> ReferencedIds(string expression, string type) =>
        OfType(type).Select(r => (string)r["id"]!).Where(id => expression.Contains($"'{id}'", StringComparison.OrdinalIgnoreCase)).ToList();

    private Dictionary<string, string> ReadAppSettings()
    {
        var config = OfType("Microsoft.Web/sites/config").Single(r => ((string)r["name"]!).EndsWith("/appsettings", StringComparison.Ordinal));
        var settings = config["properties"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "", StringComparer.Ordinal);
        foreach (var (key, value) in _extraSettings)
        {
            settings[key] = value;
        }

        return settings;
    }

    [GeneratedRegex(@"^\[extensionResourceId\('(?<scope>[^']+)', 'Microsoft\.Authorization/roleAssignments'", RegexOptions.IgnoreCase)]
    private static partial Regex ExtensionResourceId();

    [GeneratedRegex(@"^(?<scope>.+)/providers/Microsoft\.Authorization/roleAssignments/[^/]+$", RegexOptions.IgnoreCase)]
    private static partial Regex PlainRoleAssignmentId();

    /// <summary>A role assignment as deployed: where it applies, which role, to whom, and its name (expression).</summary>
    public sealed record RoleAssignment(string Scope, string RoleId, string PrincipalId, string PrincipalType, string Name)
    {
        public static RoleAssignment From(JsonObject resource)
        {
            var id = (string)resource["id"]!;
            var match = ExtensionResourceId().Match(id);
            if (!match.Success)
            {
                match = PlainRoleAssignmentId().Match(id);
            }

            Assert.True(match.Success, $"Cannot tell the scope of role assignment {id}.");
            var properties = resource["properties"]!;
            return new RoleAssignment(
                match.Groups["scope"].Value,
                ((string)properties["roleDefinitionId"]!).Split('/')[^1],
                (string?)properties["principalId"] ?? "",
                (string?)properties["principalType"] ?? "",
                (string)resource["name"]!);
        }
    }
}
