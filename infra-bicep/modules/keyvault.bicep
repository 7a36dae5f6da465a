// Key Vault for WMS/OMS credentials. Access is Azure RBAC only (no access policies), soft delete and purge
// protection are on, so a deleted secret or vault can be recovered and cannot be destroyed early. The app
// reads secrets through Key Vault references in app settings, resolved by the platform with the app's
// identity; Flex Consumption resolves references only when the vault is reachable over its public endpoint,
// so network access stays open and RBAC is the gate.

@description('Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('Role definition id (GUID) of Key Vault Secrets User.')
param readerRoleId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

// Read secret values, nothing else: no listing of keys or certificates, no writes. Operators who add secrets
// get Key Vault Secrets Officer themselves, outside this template.
resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, readerRoleId)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleId)
  }
}

@description('Vault name.')
output name string = vault.name

@description('Vault URI (https://<name>.vault.<suffix>/), the base of every Key Vault reference.')
output vaultUri string = vault.properties.vaultUri
