using 'main.bicep'

// Dev: cheapest shape that still runs every function. No zones, scale to zero, Service Bus Standard.
param environmentName = 'dev'
param zoneRedundant = false
param serviceBusSku = 'Standard'
param webhookAlwaysReady = 0
param maximumInstanceCount = 40
param logRetentionInDays = 30

// Monitoring: deletes of the storage services only; alerts appear in the portal (Monitor > Alerts) and go to whoever
// is listed here. Webhook URLs carry tokens: they come from the environment variable WMS_ALERT_WEBHOOKS at deploy
// time (infra-bicep/README.md, "Monitoring and alerts"), never from this file.
param storageLogCategories = [
  'StorageDelete'
]
param alertEmailReceivers = []
param alertWebhookReceivers = json(readEnvironmentVariable('WMS_ALERT_WEBHOOKS', '[]'))
param alertThresholds = {
  lagP95Milliseconds: 2000
  failureRatePercent: 10
  failureRateMinimumInvocations: 10
  functionErrors: 10
  availabilityFailedLocations: 2
}
param availabilityLocations = [
  'emea-nl-ams-azr'
  'emea-gb-db3-azr'
  'emea-fr-pra-edge'
]
param availabilityFrequencySeconds = 900
