using 'main.bicep'

// Dev: cheapest shape that still runs every function. No zones, scale to zero, Service Bus Standard.
param environmentName = 'dev'
param zoneRedundant = false
param serviceBusSku = 'Standard'
param webhookAlwaysReady = 0
param maximumInstanceCount = 40
param logRetentionInDays = 30

// Monitoring: deletes of the storage services only.
param storageLogCategories = [
  'StorageDelete'
]
