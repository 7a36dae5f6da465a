using System.Text.Json.Nodes;
using WmsFunctions.Handler.CustomHandler;

namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>
/// What each function.json needs from the deployment, checked against a snapshot. Every method returns the
/// problems it finds (empty when all is well), so a failing test lists all of them at once, and tests can feed
/// it made-up functions to show that it does catch what is missing.
/// </summary>
public static class DeploymentExpectations
{
    private const string ServiceBusNamespaceType = "Microsoft.ServiceBus/namespaces";
    private const string StorageAccountType = "Microsoft.Storage/storageAccounts";

    /// <summary>Every <c>%SETTING%</c> a binding names is an app setting with a value.</summary>
    public static IReadOnlyList<string> MissingSettings(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var problems = new List<string>();
        foreach (var function in functions)
        {
            var named = FunctionJsonBinding.Of([function]).SelectMany(b => b.Settings()).Concat(function.Settings()).Distinct(StringComparer.Ordinal);
            foreach (var setting in named)
            {
                if (!snapshot.AppSettings.TryGetValue(setting, out var value) || string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"{function.Name}: function.json names %{setting}%, but the function app has no app setting '{setting}'.");
                }
            }
        }

        return problems;
    }

    /// <summary>Every connection a binding names is identity-based with the app's identity: credential, client id
    /// and the endpoint the binding type needs, and no connection-string setting of the same name.</summary>
    public static IReadOnlyList<string> ConnectionProblems(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var problems = new List<string>();
        var settings = snapshot.AppSettings;
        foreach (var binding in FunctionJsonBinding.Of(functions).Where(b => b.Connection is not null))
        {
            var connection = binding.Connection!;
            if (settings.ContainsKey(connection))
            {
                problems.Add($"{binding}: '{connection}' is set as a connection string; only identity-based '{connection}__*' settings are allowed.");
            }

            if (!settings.TryGetValue($"{connection}__credential", out var credential) || credential != "managedidentity")
            {
                problems.Add($"{binding}: '{connection}__credential' must be 'managedidentity'.");
            }

            if (!settings.TryGetValue($"{connection}__clientId", out var clientId) || !IsPropertyOf(clientId, snapshot.AppIdentityId, "clientId"))
            {
                problems.Add($"{binding}: '{connection}__clientId' must be the client id of the app's identity {snapshot.AppIdentityId}.");
            }

            var endpoint = binding.Type switch
            {
                "serviceBus" or "serviceBusTrigger" => $"{connection}__fullyQualifiedNamespace",
                "queueTrigger" or "queue" => $"{connection}__queueServiceUri",
                "blobTrigger" or "blob" => $"{connection}__blobServiceUri",
                "table" => $"{connection}__tableServiceUri",
                _ => null,
            };
            if (endpoint is null)
            {
                problems.Add($"{binding}: no rule for the endpoint setting of a '{binding.Type}' connection; teach DeploymentExpectations.");
            }
            else if (!settings.TryGetValue(endpoint, out var value) || string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{binding}: '{endpoint}' is not set.");
            }
        }

        return problems;
    }

    /// <summary>Every Service Bus entity an output writes to exists and the app's identity has Data Sender on that
    /// entity; every entity a trigger reads exists and the identity has Data Receiver on it (a subscription for a
    /// topic trigger, the queue for a queue trigger).</summary>
    public static IReadOnlyList<string> ServiceBusProblems(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var problems = new List<string>();
        foreach (var binding in FunctionJsonBinding.Of(functions).Where(b => b.Type is "serviceBus" or "serviceBusTrigger"))
        {
            var isOutput = binding.Type == "serviceBus";
            if (!TryResolve(binding, "queueName", snapshot, problems, out var queue)
                | !TryResolve(binding, "topicName", snapshot, problems, out var topic)
                | !TryResolve(binding, "subscriptionName", snapshot, problems, out var subscription))
            {
                continue;
            }

            if (!TryNamespace(binding, snapshot, problems, out var namespaceId))
            {
                continue;
            }

            var (entity, role) = (isOutput, queue, topic, subscription) switch
            {
                (true, { } q, null, _) => ($"{namespaceId}/queues/{q}", AzureRoles.ServiceBusDataSender),
                (true, null, { } t, _) => ($"{namespaceId}/topics/{t}", AzureRoles.ServiceBusDataSender),
                (false, { } q, null, null) => ($"{namespaceId}/queues/{q}", AzureRoles.ServiceBusDataReceiver),
                (false, null, { } t, { } s) => ($"{namespaceId}/topics/{t}/subscriptions/{s}", AzureRoles.ServiceBusDataReceiver),
                _ => (null, null),
            };
            if (entity is null || role is null)
            {
                problems.Add($"{binding}: needs a queueName, or a topicName{(isOutput ? "" : " and a subscriptionName")}.");
                continue;
            }

            if (snapshot.Find(entity) is null)
            {
                problems.Add($"{binding}: the entity {entity} is not deployed.");
            }

            RequireRole(binding.ToString(), entity, role, snapshot, problems);
        }

        return problems;
    }

    /// <summary>Every storage queue a queueTrigger reads exists, with its -poison queue, in the account its
    /// connection points at, and the identity holds Storage Queue Data Contributor there.</summary>
    public static IReadOnlyList<string> StorageQueueProblems(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var problems = new List<string>();
        foreach (var binding in FunctionJsonBinding.Of(functions).Where(b => b.Type == "queueTrigger"))
        {
            var unresolved = new List<string>();
            if (!TryResolve(binding, "queueName", snapshot, unresolved, out var queue) || queue is null)
            {
                problems.AddRange(unresolved.DefaultIfEmpty($"{binding}: no queueName."));
                continue;
            }

            var endpoint = snapshot.AppSettings.GetValueOrDefault($"{binding.Connection}__queueServiceUri") ?? "";
            var accounts = snapshot.ReferencedIds(endpoint, StorageAccountType);
            if (accounts.Count != 1)
            {
                problems.Add($"{binding}: '{binding.Connection}__queueServiceUri' does not point at exactly one deployed storage account ({endpoint}).");
                continue;
            }

            // A poison watcher reads the poison queue of a queue checked above (the host creates a poison queue of
            // its own, should the watcher ever fail five times).
            foreach (var name in binding.SuffixOf("queueName") == "-poison" ? [queue + "-poison"] : new[] { queue, queue + "-poison" })
            {
                var id = $"{accounts[0]}/queueServices/default/queues/{name}";
                if (snapshot.Find(id) is null)
                {
                    problems.Add($"{binding}: queue '{name}' is not deployed in {accounts[0]}.");
                }
            }

            RequireRole(binding.ToString(), accounts[0], AzureRoles.StorageQueueDataContributor, snapshot, problems);
        }

        return problems;
    }

    /// <summary>All of the above.</summary>
    public static IReadOnlyList<string> All(IEnumerable<FunctionDefinition> functions, DeploymentSnapshot snapshot)
    {
        var list = functions.ToList();
        return [.. MissingSettings(list, snapshot), .. ConnectionProblems(list, snapshot), .. ServiceBusProblems(list, snapshot), .. StorageQueueProblems(list, snapshot)];
    }

    /// <summary>Fails with every problem on its own line (Assert.Empty would cut the list short).</summary>
    public static void AssertNone(IReadOnlyList<string> problems) =>
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join('\n', problems));

    /// <summary>True when <paramref name="value"/> is <c>[reference('{resourceId}', ...).{property}]</c>.</summary>
    public static bool IsPropertyOf(string value, string resourceId, string property) =>
        value.StartsWith($"[reference('{resourceId}'", StringComparison.OrdinalIgnoreCase)
        && value.EndsWith($").{property}]", StringComparison.Ordinal);

    private static void RequireRole(string what, string scope, string roleId, DeploymentSnapshot snapshot, List<string> problems)
    {
        var granted = snapshot.RoleAssignments.Any(a =>
            string.Equals(a.Scope, scope, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.RoleId, roleId, StringComparison.OrdinalIgnoreCase)
            && IsPropertyOf(a.PrincipalId, snapshot.AppIdentityId, "principalId"));
        if (!granted)
        {
            problems.Add($"{what}: the app's identity has no {AzureRoles.Expected.GetValueOrDefault(roleId, roleId)} role assignment scoped to {scope}.");
        }
    }

    private static bool TryResolve(FunctionJsonBinding binding, string property, DeploymentSnapshot snapshot, List<string> problems, out string? value)
    {
        value = null;
        if (binding.Json[property] is null)
        {
            return true;
        }

        var setting = binding.SettingOf(property);
        if (setting is null && property == "topicName" && binding.HasFixedTopic)
        {
            value = (string)binding.Json[property]!; // an OMS -> WMS flow's topic, fixed in its definition
            return true;
        }

        if (setting is null)
        {
            // A literal entity name works, but the convention is a setting (Bicep and local settings set it).
            problems.Add($"{binding}: {property} must be a %SETTING%, not a literal.");
            return false;
        }

        if (!snapshot.AppSettings.TryGetValue(setting, out value) || string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{binding}: %{setting}% is not an app setting, so its {property} cannot be resolved.");
            return false;
        }

        return true;
    }

    private static bool TryNamespace(FunctionJsonBinding binding, DeploymentSnapshot snapshot, List<string> problems, out string namespaceId)
    {
        namespaceId = "";
        var setting = $"{binding.Connection}__fullyQualifiedNamespace";
        var ids = snapshot.ReferencedIds(snapshot.AppSettings.GetValueOrDefault(setting) ?? "", ServiceBusNamespaceType);
        if (ids.Count != 1)
        {
            problems.Add($"{binding}: '{setting}' does not point at exactly one deployed Service Bus namespace.");
            return false;
        }

        namespaceId = ids[0];
        return true;
    }

    /// <summary>A property of a resource, by dotted path, or null.</summary>
    public static JsonNode? At(this JsonObject resource, string path) =>
        path.Split('.').Aggregate<string, JsonNode?>(resource, (node, key) => node?[key]);
}
