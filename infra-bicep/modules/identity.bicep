// The one user-assigned managed identity the function app uses for everything: host storage, deployment
// package, data storage, Service Bus, Key Vault references and Application Insights. User-assigned (not
// system-assigned) so every role assignment can be made in the same deployment, before the app first starts.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id, for the app\'s identity block, keyVaultReferenceIdentity and deployment storage auth.')
output id string = identity.id

@description('Client id: the *__clientId settings tell the host and the handler which identity to use.')
output clientId string = identity.properties.clientId

@description('Principal (object) id: every role assignment is made to it.')
output principalId string = identity.properties.principalId
