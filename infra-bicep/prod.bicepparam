using 'main.bicep'

// Prod: 99.95% target. Zone-redundant storage, Flex Consumption plan and Service Bus (Premium); two
// always-ready instances for the webhooks (HTTP scale group), one per zone at least, so no cold start and no
// single-zone dependency for the WMS callers.
param environmentName = 'prod'
param zoneRedundant = true
param serviceBusSku = 'Premium'
param webhookAlwaysReady = 2
param maximumInstanceCount = 100
param logRetentionInDays = 90

// Monitoring: writes and deletes of the storage services (reads are left out: queue polling would dominate the
// bill); every alert to the operations mailbox below (replace it with yours) and to the webhooks given at deploy
// time in WMS_ALERT_WEBHOOKS (JSON array of { name, serviceUri }: the URLs carry tokens, so never in this file).
param storageLogCategories = [
  'StorageWrite'
  'StorageDelete'
]
param alertEmailReceivers = [
  {
    name: 'wms-operations'
    emailAddress: 'wms-operations@example.com'
  }
]
param alertWebhookReceivers = json(readEnvironmentVariable('WMS_ALERT_WEBHOOKS', '[]'))
param alertThresholds = {
  lagP95Milliseconds: 2000
  failureRatePercent: 5
  failureRateMinimumInvocations: 10
  functionErrors: 5
  availabilityFailedLocations: 2
}
param availabilityLocations = [
  'emea-nl-ams-azr'
  'emea-gb-db3-azr'
  'emea-fr-pra-edge'
  'emea-se-sto-edge'
  'emea-ch-zrh-edge'
]
param availabilityFrequencySeconds = 300
