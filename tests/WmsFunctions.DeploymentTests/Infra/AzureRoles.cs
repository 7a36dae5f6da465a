namespace WmsFunctions.DeploymentTests.Infra;

/// <summary>Built-in Azure role definition ids (the same in every tenant).</summary>
public static class AzureRoles
{
    public const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    public const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    public const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    public const string ServiceBusDataSender = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39";
    public const string ServiceBusDataReceiver = "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0";
    public const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    public const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";

    public const string Owner = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    public const string Contributor = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    public const string UserAccessAdministrator = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    public const string RoleBasedAccessControlAdministrator = "f58310d9-a9f6-439a-9e8d-f62e7b41a168";
    public const string ServiceBusDataOwner = "090c5cfd-751d-490a-894a-3ce6f1109419";

    /// <summary>Roles that manage resources or grant access: the app's identity must never hold one.</summary>
    public static IReadOnlyDictionary<string, string> Forbidden { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [Owner] = "Owner",
        [Contributor] = "Contributor",
        [UserAccessAdministrator] = "User Access Administrator",
        [RoleBasedAccessControlAdministrator] = "Role Based Access Control Administrator",
        [ServiceBusDataOwner] = "Azure Service Bus Data Owner",
    };

    /// <summary>The data-plane roles the app is meant to have, each for a reason given in main.bicep.</summary>
    public static IReadOnlyDictionary<string, string> Expected { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [StorageBlobDataOwner] = "Storage Blob Data Owner",
        [StorageTableDataContributor] = "Storage Table Data Contributor",
        [StorageQueueDataContributor] = "Storage Queue Data Contributor",
        [ServiceBusDataSender] = "Azure Service Bus Data Sender",
        [ServiceBusDataReceiver] = "Azure Service Bus Data Receiver",
        [KeyVaultSecretsUser] = "Key Vault Secrets User",
        [MonitoringMetricsPublisher] = "Monitoring Metrics Publisher",
    };
}
