// The Functions app on a Flex Consumption plan (Linux) with the `custom` runtime: the host starts the
// self-contained WmsFunctions.Handler named in host.json and calls it over loopback HTTP. The package is
// read from a blob container with the app's managed identity; every connection is identity-based.

@description('Name of the Flex Consumption plan.')
param planName string

@description('Name of the function app.')
param appName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity.')
param identityClientId string

@description('URL of the blob container that holds the deployment package.')
param deploymentContainerUrl string

@description('Name of the Application Insights component the app reports to.')
param appInsightsName string

@description('App settings composed in main.bicep (connections, %SETTING% values, Key Vault references).')
param appSettings object

@description('Version of the custom runtime in the regional Flex Consumption runtime catalog.')
param runtimeVersion string

@description('Spread instances over availability zones; needs ZRS host storage and at least 2 always-ready instances per group.')
param zoneRedundant bool

@description('Always-ready instances per scale group, e.g. [{ name: \'http\', instanceCount: 2 }] for the webhooks.')
param alwaysReady object[]

@description('Upper bound of instances (Flex Consumption: 40 to 1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory per instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
    zoneRedundant: zoneRedundant
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with this identity (the default would be a system-assigned one).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // Flex Consumption takes the worker runtime from here; FUNCTIONS_WORKER_RUNTIME is not an app setting there.
      runtime: {
        name: 'custom'
        version: runtimeVersion
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'appsettings'
  properties: union(appSettings, {
    // The connection string only locates the component; with local auth disabled on it, ingestion needs the
    // Entra token that the authentication string asks the host to get for the app's identity.
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  })
}

@description('Function app name.')
output name string = app.name

@description('Default host name; webhooks are https://<host>/api/wms/{tenant}/{instance}/...')
output defaultHostName string = app.properties.defaultHostName
