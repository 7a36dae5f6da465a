// The operators' workbook: throughput, lag, failures by reason and the view per WMS instance, over the
// handler's metrics in Application Insights. The workbook itself is workbooks/operations.workbook.json, edited in
// the portal's Advanced Editor and checked in; this module only deploys it next to the component.

@description('Workbook display name.')
param displayName string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Application Insights component the workbook reads.')
param appInsightsName string

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// fallbackResourceIds: the resource the queries run against when the workbook is opened from the gallery.
var content = union(loadJsonContent('../workbooks/operations.workbook.json'), {
  fallbackResourceIds: [
    appInsights.id
  ]
})

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's name must be a GUID; the same one on every deployment of this environment.
  name: guid(resourceGroup().id, appInsights.id, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: string(content)
  }
}
