// Service Bus namespace with every topic, subscription and queue the functions use, and the app identity's
// rights on exactly those entities: Data Sender on what an output binding writes, Data Receiver on what a
// trigger reads. Nothing at namespace scope, so a function can never read or write an entity it does not
// declare. Local (SAS) auth is off: connection strings cannot work, only Entra tokens.

import { serviceBusQueue, serviceBusTopic } from '../types.bicep'

@description('Namespace name.')
@minLength(6)
@maxLength(50)
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Standard for dev (topics, cheapest); Premium for prod (zone redundancy, isolation).')
@allowed([
  'Standard'
  'Premium'
])
param skuName string

@description('Spread the namespace over availability zones (Premium only).')
param zoneRedundant bool

@description('Topics, each with its subscriptions.')
param topics serviceBusTopic[]

@description('Queues.')
param queues serviceBusQueue[]

@description('Principal id of the app\'s managed identity.')
param principalId string

@description('Role definition id (GUID) of Azure Service Bus Data Sender.')
param senderRoleId string

@description('Role definition id (GUID) of Azure Service Bus Data Receiver.')
param receiverRoleId string

// Entity defaults. Messages that expire or fail maxDeliveryCount times go to the dead-letter queue instead of
// vanishing; the handler is idempotent, so a redelivery is harmless and 10 tries ride out a short outage.
var messageTimeToLive = 'P14D'
var lockDuration = 'PT1M'
var maxDeliveryCount = 10
// Duplicate detection keys on MessageId, which a custom handler cannot set on an output message (the host
// sends the body only), so it is off unless an entity is fed by a sender that sets MessageId itself.
var duplicateWindow = 'PT10M'

var subscriptions = flatten(map(topics, topic => map(topic.subscriptions, sub => union(sub, { topic: topic.name }))))

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuName
    capacity: skuName == 'Premium' ? 1 : null
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    zoneRedundant: skuName == 'Premium' && zoneRedundant
  }
}

resource topicResources 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topic in topics: {
    parent: namespace
    name: topic.name
    properties: {
      defaultMessageTimeToLive: messageTimeToLive
      enableBatchedOperations: true
      requiresDuplicateDetection: topic.?duplicateDetection ?? false
      duplicateDetectionHistoryTimeWindow: (topic.?duplicateDetection ?? false) ? duplicateWindow : null
    }
  }
]

resource subscriptionResources 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for sub in subscriptions: {
    name: '${namespace.name}/${sub.topic}/${sub.name}'
    properties: {
      defaultMessageTimeToLive: messageTimeToLive
      lockDuration: lockDuration
      maxDeliveryCount: maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      deadLetteringOnFilterEvaluationExceptions: true
      enableBatchedOperations: true
      requiresSession: false
    }
    dependsOn: [
      topicResources
    ]
  }
]

resource queueResources 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in queues: {
    parent: namespace
    name: queue.name
    properties: {
      defaultMessageTimeToLive: messageTimeToLive
      lockDuration: lockDuration
      maxDeliveryCount: maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      enableBatchedOperations: true
      requiresSession: false
      requiresDuplicateDetection: queue.?duplicateDetection ?? false
      duplicateDetectionHistoryTimeWindow: (queue.?duplicateDetection ?? false) ? duplicateWindow : null
    }
  }
]

// Data Sender on each topic an output binding writes to, scoped to that topic.
resource topicSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (topic, i) in topics: if (topic.send) {
    name: guid(topicResources[i].id, principalId, senderRoleId)
    scope: topicResources[i]
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', senderRoleId)
    }
  }
]

// Data Receiver on each subscription a trigger reads, scoped to that subscription.
resource subscriptionReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (sub, i) in subscriptions: if (sub.receive) {
    name: guid(subscriptionResources[i].id, principalId, receiverRoleId)
    scope: subscriptionResources[i]
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', receiverRoleId)
    }
  }
]

// Data Sender / Data Receiver on each queue, as its functions need, scoped to that queue.
resource queueSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queue, i) in queues: if (queue.send) {
    name: guid(queueResources[i].id, principalId, senderRoleId)
    scope: queueResources[i]
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', senderRoleId)
    }
  }
]

resource queueReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (queue, i) in queues: if (queue.receive) {
    name: guid(queueResources[i].id, principalId, receiverRoleId)
    scope: queueResources[i]
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', receiverRoleId)
    }
  }
]

@description('Namespace name.')
output name string = namespace.name

@description('Fully qualified namespace (host name of the endpoint), for ServiceBus__fullyQualifiedNamespace.')
output fullyQualifiedNamespace string = split(split(split(namespace.properties.serviceBusEndpoint, '://')[1], '/')[0], ':')[0]
