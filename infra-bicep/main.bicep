// WmsFunctions in one resource group: a Flex Consumption function app (custom handler) with a user-assigned
// identity, its host/deployment storage, the hub's data storage, Service Bus, Key Vault and monitoring.
// Every connection is identity-based; no key, SAS or connection string exists or is output.
//
//   az deployment group create -g <rg> -f infra-bicep/main.bicep -p infra-bicep/dev.bicepparam
//
// Adding a function: its %SETTING% names must be app settings (the deployment tests check every function.json
// of FunctionCatalog against this template). A Service Bus entity, storage queue or timer schedule is one line
// in the lists below; the entity is created, its setting set and the least role granted from that line.

import { alertRuleThresholds, emailReceiver, serviceBusQueue, serviceBusTopic, webhookReceiver } from 'types.bicep'

@description('Environment name: part of every resource name and tag.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentName string

@description('Azure region of every resource; must offer Flex Consumption (and zones, when zoneRedundant).')
param location string = resourceGroup().location

@description('Short lower-case prefix for resource names (2-5 letters).')
@minLength(2)
@maxLength(5)
param namePrefix string = 'wms'

@description('Extra tags for every resource.')
param tags object = {}

@description('Availability zones: ZRS storage, zone-redundant Flex Consumption plan and Service Bus (Premium).')
param zoneRedundant bool = false

@description('Service Bus tier. Premium is needed for zone redundancy.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Always-ready instances for the HTTP (webhook) scale group; 0 scales to zero. Zone redundancy needs 2 or more.')
@minValue(0)
param webhookAlwaysReady int = 0

@description('Upper bound of function app instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Version of the custom handler runtime in the Flex Consumption runtime catalog (az functionapp list-flexconsumption-runtimes).')
param functionsRuntimeVersion string = '1.0'

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Storage request logs (StorageRead, StorageWrite, StorageDelete) sent to Log Analytics from every blob, queue and table service. StorageRead is left out by default: the queue triggers poll every queue twice a second, which would be most of the bill.')
@allowed([
  'StorageRead'
  'StorageWrite'
  'StorageDelete'
])
param storageLogCategories string[] = [
  'StorageWrite'
  'StorageDelete'
]

@description('Mailboxes every alert is sent to.')
param alertEmailReceivers emailReceiver[] = []

@description('Webhooks every alert is posted to (common alert schema). The URLs carry tokens: pass them at deploy time (the parameter files read WMS_ALERT_WEBHOOKS), never in a file.')
param alertWebhookReceivers webhookReceiver[] = []

@description('Where the alert rules draw their lines.')
param alertThresholds alertRuleThresholds = {
  lagP95Milliseconds: 2000
  failureRatePercent: 5
  failureRateMinimumInvocations: 10
  functionErrors: 5
  availabilityFailedLocations: 2
}

@description('Locations of the availability test of /api/health (ids such as emea-nl-ams-azr); at least as many as alertThresholds.availabilityFailedLocations.')
param availabilityLocations string[] = [
  'emea-nl-ams-azr'
  'emea-gb-db3-azr'
  'emea-fr-pra-edge'
]

@description('Seconds between two availability test runs from one location.')
@allowed([
  300
  600
  900
])
param availabilityFrequencySeconds int = 300

@description('Service Bus topic of the CloudEvents sent to the OMS (OMS_EVENTS_TOPIC).')
param omsEventsTopic string = 'wms-to-oms'

@description('Subscription on that topic from which the OMS reads; without one the topic drops every message.')
param omsSubscription string = 'oms'

@description('Service Bus topic of alerts for people (ALERTS_TOPIC): overdue pick slips, later failures and discrepancies.')
param alertsTopic string = 'wms-alerts'

@description('NCRONTAB (UTC, with seconds) of the pick-slip deadline scan (PICKSLIP_DEADLINE_SCHEDULE).')
param pickSlipDeadlineSchedule string = '0 */1 * * * *'

@description('NCRONTAB (UTC, with seconds) of the marketplace order pull (CHANNELS_ORDER_PULL_SCHEDULE).')
param channelOrderPullSchedule string = '0 */2 * * * *'

@description('NCRONTAB (UTC, with seconds) of the alerts evaluator (ALERTS_SCHEDULE): failures, dead letters, lag, discrepancies against thresholds; every minute, since each run is one point of the per-minute series the early warning forecasts.')
param alertsSchedule string = '0 * * * * *'

@description('NCRONTAB (UTC, with seconds) of the stock reconciliation of every WMS instance (RECONCILIATION_SCHEDULE).')
param reconciliationSchedule string = '0 30 2 * * *'

@description('Subscription the hub\'s OMS -> WMS functions read on each OMS topic (oms-items, oms-vendors, ...): OMS_SUBSCRIPTION.')
param hubSubscription string = 'wms-hub'

@description('Storage queue of the outbox (OUTBOX_QUEUE); the host adds <name>-poison for failed messages.')
param outboxQueue string = 'oms-outbox'

@description('Prefix of the hub\'s table names (HUB_TABLE_PREFIX).')
param tablePrefix string = 'Hub'

@description('Tenants file inside the deployment package (HUB_TENANTS_FILE), relative to the app root.')
param tenantsFile string = 'tenants.json'

@description('App settings whose values are Key Vault secrets: { SETTING_NAME: \'secret-name\' }. Each becomes a Key Vault reference to the latest version of that secret in this deployment\'s vault.')
param keyVaultReferences object = {}

var token = uniqueString(resourceGroup().id, environmentName)
var appInsightsName = 'appi-${namePrefix}-${environmentName}-${token}'
// Names known before deployment, so the diagnostic settings and alerts can name their resources (What-If predicts
// them; a module output would not be known in time).
var functionAppName = 'func-${namePrefix}-${environmentName}-${token}'
var serviceBusName = 'sb-${namePrefix}-${environmentName}-${token}'
var keyVaultName = take('kv-${namePrefix}-${token}', 24)
var hostStorageName = take('st${namePrefix}fn${token}', 24)
var dataStorageName = take('st${namePrefix}dt${token}', 24)
var resourceTags = union(tags, {
  workload: 'wms-functions'
  environment: environmentName
})

// Built-in role definition ids. Data-plane roles only: no Owner, Contributor or User Access Administrator.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

// ---- What the functions use: one line per entity -------------------------------------------------------

// Service Bus topics. send: an output binding writes to it (Data Sender on the topic); a subscription with
// receive: a trigger reads it (Data Receiver on the subscription). setting: the %SETTING% in function.json.
var serviceBusTopics serviceBusTopic[] = [
  // OutboxRelay -> OMS. The OMS's own identity reads the `oms` subscription (granted by the OMS team).
  // The channels read the same events through their own subscription (ChannelFeed: shipments and stock to the marketplaces).
  { name: omsEventsTopic, setting: 'OMS_EVENTS_TOPIC', send: true, subscriptions: [{ name: omsSubscription, setting: '', receive: false }, { name: 'channels', setting: 'CHANNELS_FEED_SUBSCRIPTION', receive: true }] }
  // ChannelStock -> the sales channels: available-to-sell per SKU and channel; the channels' integrations read `channels`.
  { name: 'channels', setting: 'CHANNELS_TOPIC', send: true, subscriptions: [{ name: 'channels', setting: '', receive: false }] }
  // PickSlipEscalation (and later other alerts) -> people; the operations team's tooling reads `ops`.
  { name: alertsTopic, setting: 'ALERTS_TOPIC', send: true, subscriptions: [{ name: 'ops', setting: '', receive: false }] }
  // OMS -> WMS flows, one topic each (its name is in the flow's definition, shared/Core/Flows/<flow>): the OMS's identity
  // sends to it (granted by the OMS team); the flow's function reads the hub's subscription (OMS_SUBSCRIPTION).
  { name: 'oms-items', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
  { name: 'oms-vendors', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
  { name: 'oms-purchase-orders', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
  { name: 'oms-pick-slips', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
  { name: 'oms-order-changes', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
  { name: 'oms-return-authorizations', setting: '', send: false, subscriptions: [{ name: hubSubscription, setting: '', receive: true }] }
]

// Service Bus queues, e.g. { name: 'wms-commands', setting: 'WMS_COMMANDS_QUEUE', send: false, receive: true }.
var serviceBusQueues serviceBusQueue[] = []

// Storage queues in the data account that a queueTrigger reads (connection HubStorage); each gets its poison queue.
var storageQueues = [
  { name: outboxQueue, setting: 'OUTBOX_QUEUE' }
  { name: 'pickslip-escalations', setting: 'PICKSLIP_ESCALATION_QUEUE' }
  // Pick slips handed to the pick-slip orchestration (the handler writes; its queue trigger comes with issue 5).
  { name: 'pickslip-events', setting: 'PICKSLIP_EVENTS_QUEUE' }
  // A SKU's stock or reservations changed (and delayed flushes at the end of its publication window).
  { name: 'channel-stock', setting: 'CHANNELS_STOCK_QUEUE' }
  // One message per (tenant, WMS instance) reconciliation run.
  { name: 'reconciliation-runs', setting: 'RECONCILIATION_QUEUE' }
  // The slices of operators' bulk recovery jobs (replay, resolve or ignore failed syncs by filter).
  { name: 'failed-sync-jobs', setting: 'FAILED_SYNC_JOBS_QUEUE' }
  // OMS -> WMS deliveries deferred while their WMS instance was unavailable (docs/oms-to-wms.md).
  { name: 'wms-delivery-retries', setting: 'WMS_DELIVERY_RETRY_QUEUE' }
]

// Timer schedules (NCRONTAB, UTC), e.g. RECONCILE_SCHEDULE: '0 */15 * * * *'.
var timerSchedules = {
  PICKSLIP_DEADLINE_SCHEDULE: pickSlipDeadlineSchedule
  CHANNELS_ORDER_PULL_SCHEDULE: channelOrderPullSchedule
  ALERTS_SCHEDULE: alertsSchedule
  RECONCILIATION_SCHEDULE: reconciliationSchedule
}

// The hub's tables (shared/Storage/HubStorage.cs, enum HubTable).
var tables = map(['Inbox', 'Stock', 'Audit', 'Items', 'PurchaseOrders', 'PurchaseOrderReceipts', 'PickSlips', 'PickSlipDeadlines', 'PickSlipsByState', 'OutboundDeliveries', 'FailedSyncs', 'WebhookDeliveries', 'X12ControlNumbers', 'X12Interchanges', 'Channels', 'FailedSyncIndex', 'AuditIndex', 'AlertIncidents', 'AlertSeries', 'ReconciliationRuns', 'ReconciliationRows', 'FailedSyncJobs', 'QueueRetries'], table => '${tablePrefix}${table}')

// ---------------------------------------------------------------------------------------------------------

var serviceBusSubscriptions = flatten(map(serviceBusTopics, topic => topic.subscriptions))
// The subscriptions a trigger reads, with their topics: each gets a dead-letter alert.
var readSubscriptions = flatten(map(serviceBusTopics, topic => map(filter(topic.subscriptions, sub => sub.receive), sub => { topic: topic.name, name: sub.name })))
var entitySettings = toObject(
  filter(concat(serviceBusTopics, serviceBusSubscriptions, serviceBusQueues, storageQueues), entity => !empty(entity.setting)),
  entity => entity.setting,
  entity => entity.name
)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${namePrefix}-${environmentName}-${token}'
    location: location
    tags: resourceTags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: 'log-${namePrefix}-${environmentName}-${token}'
    appInsightsName: appInsightsName
    location: location
    tags: resourceTags
    retentionInDays: logRetentionInDays
    #disable-next-line what-if-short-circuiting // role assignment names are guid(scope, principalId, role) by convention
    principalId: identity.outputs.principalId
    metricsPublisherRoleId: roles.monitoringMetricsPublisher
  }
}

// Host storage: the Functions host's keys, locks and timer state (blobs), its diagnostic events (tables) and
// the deployment package (blob container). No queues: the host needs them only for blob triggers.
module hostStorage 'modules/storage.bicep' = {
  name: 'hostStorage'
  params: {
    name: hostStorageName
    location: location
    tags: resourceTags
    skuName: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS'
    containers: [deploymentContainer]
    #disable-next-line what-if-short-circuiting // role assignment names are guid(scope, principalId, role) by convention
    principalId: identity.outputs.principalId
    roleIds: [
      roles.storageBlobDataOwner // the host creates containers and leases blobs; Flex reads the package
      roles.storageTableDataContributor // host diagnostic events
    ]
  }
}

var deploymentContainer = 'app-package'

// Data storage: the hub's tables and the outbox queue, and nothing else.
module dataStorage 'modules/storage.bicep' = {
  name: 'dataStorage'
  params: {
    name: dataStorageName
    location: location
    tags: resourceTags
    skuName: zoneRedundant ? 'Standard_ZRS' : 'Standard_LRS'
    tables: tables
    queues: flatten(map(storageQueues, queue => [queue.name, '${queue.name}-poison']))
    #disable-next-line what-if-short-circuiting // role assignment names are guid(scope, principalId, role) by convention
    principalId: identity.outputs.principalId
    roleIds: [
      roles.storageTableDataContributor // inbox, stock ledger, audit, items
      roles.storageQueueDataContributor // the handler enqueues; the queue trigger peeks, deletes, writes -poison
    ]
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'serviceBus'
  params: {
    name: serviceBusName
    location: location
    tags: resourceTags
    skuName: serviceBusSku
    zoneRedundant: zoneRedundant
    topics: serviceBusTopics
    queues: serviceBusQueues
    #disable-next-line what-if-short-circuiting // role assignment names are guid(scope, principalId, role) by convention
    principalId: identity.outputs.principalId
    senderRoleId: roles.serviceBusDataSender
    receiverRoleId: roles.serviceBusDataReceiver
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyVault'
  params: {
    name: keyVaultName
    location: location
    tags: resourceTags
    #disable-next-line what-if-short-circuiting // role assignment names are guid(scope, principalId, role) by convention
    principalId: identity.outputs.principalId
    readerRoleId: roles.keyVaultSecretsUser
  }
}

var secretReferences = toObject(
  items(keyVaultReferences),
  entry => entry.key,
  entry => '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${entry.value}/)'
)

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionApp'
  params: {
    planName: 'plan-${namePrefix}-${environmentName}-${token}'
    appName: functionAppName
    location: location
    tags: resourceTags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentContainerUrl: '${hostStorage.outputs.blobEndpoint}${deploymentContainer}'
    appInsightsName: appInsightsName
    runtimeVersion: functionsRuntimeVersion
    zoneRedundant: zoneRedundant
    alwaysReady: webhookAlwaysReady > 0 ? [{ name: 'http', instanceCount: webhookAlwaysReady }] : []
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    appSettings: union(
      {
        // Functions host storage, identity-based.
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identity.outputs.clientId
        AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
        AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
        // Connection "HubStorage": the queue trigger (host) and the handler's table and queue clients.
        HubStorage__credential: 'managedidentity'
        HubStorage__clientId: identity.outputs.clientId
        HubStorage__tableServiceUri: dataStorage.outputs.tableEndpoint
        HubStorage__queueServiceUri: dataStorage.outputs.queueEndpoint
        // Connection "ServiceBus": triggers and output bindings.
        ServiceBus__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
        ServiceBus__credential: 'managedidentity'
        ServiceBus__clientId: identity.outputs.clientId
        // The handler's own settings.
        HUB_TABLE_PREFIX: tablePrefix
        HUB_TENANTS_FILE: tenantsFile
        // The subscription every OMS -> WMS function reads on its flow's topic.
        OMS_SUBSCRIPTION: hubSubscription
      },
      entitySettings,
      timerSchedules,
      secretReferences
    )
  }
  // The app reads the component's connection string by name, so the dependency is not implicit.
  dependsOn: [
    monitoring
  ]
}

// ---- Azure Monitor: diagnostic settings, alerts, workbook (docs/operations.md, "Azure Monitor") ----------------

module diagnostics 'modules/diagnostics.bicep' = {
  name: 'diagnostics'
  params: {
    workspaceId: monitoring.outputs.workspaceId
    functionAppName: functionAppName
    serviceBusName: serviceBusName
    keyVaultName: keyVaultName
    storageAccountNames: [
      hostStorageName
      dataStorageName
    ]
    storageLogCategories: storageLogCategories
  }
  // The settings name their resources, so the dependencies are not implicit.
  dependsOn: [
    functionApp
    serviceBus
    keyVault
    hostStorage
    dataStorage
  ]
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  params: {
    namePrefix: '${namePrefix}-${environmentName}'
    location: location
    tags: resourceTags
    appInsightsName: appInsightsName
    serviceBusName: serviceBusName
    functionAppHostName: functionApp.outputs.defaultHostName
    deadLetterSubscriptions: readSubscriptions
    poisonQueues: map(storageQueues, queue => queue.name)
    emailReceivers: alertEmailReceivers
    webhookReceivers: alertWebhookReceivers
    thresholds: alertThresholds
    availabilityLocations: availabilityLocations
    availabilityFrequencySeconds: availabilityFrequencySeconds
  }
  // The rules read the component by name (the namespace comes before the app, whose host name they use).
  dependsOn: [
    monitoring
  ]
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  params: {
    displayName: 'WmsFunctions operations (${environmentName})'
    location: location
    tags: resourceTags
    appInsightsName: appInsightsName
  }
  dependsOn: [
    monitoring
  ]
}

@description('Function app name: func azure functionapp publish <name>.')
output functionAppName string = functionApp.outputs.name

@description('Function app host name.')
output functionAppHostName string = functionApp.outputs.defaultHostName

@description('Vault that holds WMS/OMS credentials.')
output vaultName string = keyVault.outputs.name

@description('Service Bus namespace host name.')
output serviceBusNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('Data storage account (tables, outbox queue).')
output dataStorageAccount string = dataStorage.outputs.name

@description('Client id of the app\'s managed identity.')
output identityClientId string = identity.outputs.clientId
