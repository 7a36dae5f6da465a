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
// bill).
param storageLogCategories = [
  'StorageWrite'
  'StorageDelete'
]
