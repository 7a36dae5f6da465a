// A storage account reachable only with Entra ID: shared keys off (so no connection string or SAS can
// exist), HTTPS only, TLS 1.2, no public blob access. Used twice by main.bicep: once for the Functions
// host and the deployment package, once for the hub's data (tables and queues), so the data never shares
// an account, or a role assignment, with the host's internals.

@description('Storage account name (3-24 lower-case letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Standard_ZRS keeps the account writable through a zone outage; Standard_LRS is the cheap choice.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param skuName string

@description('Blob containers to create.')
param containers string[] = []

@description('Tables to create.')
param tables string[] = []

@description('Queues to create.')
param queues string[] = []

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('Role definition ids (GUIDs) the identity gets on this account, each for a stated reason in main.bicep.')
param roleIds string[]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = if (!empty(containers)) {
  parent: account
  name: 'default'
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for container in containers: {
    parent: blobService
    name: container
    properties: {
      publicAccess: 'None'
    }
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = if (!empty(tables)) {
  parent: account
  name: 'default'
}

resource storageTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for table in tables: {
    parent: tableService
    name: table
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = if (!empty(queues)) {
  parent: account
  name: 'default'
}

resource storageQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queue in queues: {
    parent: queueService
    name: queue
  }
]

// Data-plane roles on this account only. Account scope (not per table or queue) because the handler and
// the host call CreateIfNotExists on start, and this account holds nothing but what these roles are for.
resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in roleIds: {
    name: guid(account.id, principalId, roleId)
    scope: account
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

@description('Account name.')
output name string = account.name

@description('Blob endpoint (https://<name>.blob.<suffix>/), for identity-based settings.')
output blobEndpoint string = account.properties.primaryEndpoints.blob

@description('Queue endpoint, for identity-based settings.')
output queueEndpoint string = account.properties.primaryEndpoints.queue

@description('Table endpoint, for identity-based settings.')
output tableEndpoint string = account.properties.primaryEndpoints.table
