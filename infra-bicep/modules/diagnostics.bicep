// Platform logs and metrics of the five resources the hub runs on, all into the one Log Analytics workspace, so an
// operator reads the host's own log, Service Bus's and Key Vault's operations and the storage requests next to the
// app's telemetry (Application Insights writes to the same workspace). One file, so what reaches the workspace, and
// what it costs, is decided in one place.
//
// Storage is the odd one: a storage account takes only metrics; its request logs (StorageRead/Write/Delete) exist
// only on the blob, queue and table services, so each service gets its own setting. The services are referred to as
// existing: every StorageV2 account has them, whether or not storage.bicep declares containers, tables or queues.

@description('Log Analytics workspace resource id.')
param workspaceId string

@description('Name of the function app.')
param functionAppName string

@description('Name of the Service Bus namespace.')
param serviceBusName string

@description('Name of the Key Vault.')
param keyVaultName string

@description('Names of the storage accounts (host, data).')
param storageAccountNames string[]

@description('Storage request log categories sent from every blob, queue and table service.')
@allowed([
  'StorageRead'
  'StorageWrite'
  'StorageDelete'
])
param storageLogCategories string[]

var settingName = 'to-log-analytics'
var allMetrics = [
  {
    category: 'AllMetrics'
    enabled: true
  }
]
var allLogs = [
  {
    categoryGroup: 'allLogs'
    enabled: true
  }
]
// Storage names its metric category Transaction (AllMetrics is not offered there).
var storageMetrics = [
  {
    category: 'Transaction'
    enabled: true
  }
]
var storageLogs = map(storageLogCategories, category => {
  category: category
  enabled: true
})

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusName
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource storageAccounts 'Microsoft.Storage/storageAccounts@2023-05-01' existing = [
  for name in storageAccountNames: {
    name: name
  }
]

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = [
  for (name, i) in storageAccountNames: {
    parent: storageAccounts[i]
    name: 'default'
  }
]

resource queueServices 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' existing = [
  for (name, i) in storageAccountNames: {
    parent: storageAccounts[i]
    name: 'default'
  }
]

resource tableServices 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' existing = [
  for (name, i) in storageAccountNames: {
    parent: storageAccounts[i]
    name: 'default'
  }
]

// FunctionAppLogs: the host's own log (invocations, scale, start-up, binding errors), there even when the app's
// telemetry is not. Named rather than allLogs: the web categories of App Service (HTTP, console, ...) have nothing
// to say about a Flex Consumption function app.
resource functionAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: functionApp
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
    metrics: allMetrics
  }
}

// Resource-specific tables (AZMSOperationalLogs, AZMSRuntimeAuditLogs, ...) rather than the shared AzureDiagnostics.
resource serviceBusDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: serviceBus
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: allLogs
    metrics: allMetrics
  }
}

// AuditEvent: every secret read, by whom; the platform resolving a Key Vault reference shows as the app's identity.
resource keyVaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: settingName
  scope: keyVault
  properties: {
    workspaceId: workspaceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: allLogs
    metrics: allMetrics
  }
}

resource storageAccountDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (name, i) in storageAccountNames: {
    name: settingName
    scope: storageAccounts[i]
    properties: {
      workspaceId: workspaceId
      metrics: storageMetrics
    }
  }
]

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (name, i) in storageAccountNames: {
    name: settingName
    scope: blobServices[i]
    properties: {
      workspaceId: workspaceId
      logs: storageLogs
      metrics: storageMetrics
    }
  }
]

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (name, i) in storageAccountNames: {
    name: settingName
    scope: queueServices[i]
    properties: {
      workspaceId: workspaceId
      logs: storageLogs
      metrics: storageMetrics
    }
  }
]

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for (name, i) in storageAccountNames: {
    name: settingName
    scope: tableServices[i]
    properties: {
      workspaceId: workspaceId
      logs: storageLogs
      metrics: storageMetrics
    }
  }
]
