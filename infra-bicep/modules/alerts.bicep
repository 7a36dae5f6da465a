// What wakes a person: one action group (mail and webhooks from parameters) and the alert rules that notify it.
//
// - Service Bus: dead-lettered messages, one metric alert per subscription a function of the hub reads.
// - Storage queues: poisoned messages, one log alert per queue a function of the hub reads (wms.queue.poisoned).
// - Failure rate and errors per function, the end-to-end lag p95, open failed syncs: log alerts over Application
//   Insights (requests, exceptions, traces, customMetrics).
// - Availability: a standard web test of GET /api/health from several regions, and its metric alert.
//
// The lists of subscriptions and queues come from main.bicep, the same lines that create the entities, and the
// deployment tests hold them to every trigger of FunctionCatalog; the metric names are the ones the handler's meter
// "WmsFunctions" publishes (docs/operations.md, "Azure Monitor"). Every rule resolves itself (autoMitigate) once its
// condition clears, so an incident is one notification when it opens and one when it closes.

import { alertRuleThresholds, emailReceiver, webhookReceiver } from '../types.bicep'

@description('Start of every rule name, e.g. wms-dev.')
param namePrefix string

@description('Azure region of the log alert rules and the web test (action groups and metric alerts are global).')
param location string

@description('Tags for every resource.')
param tags object

@description('Application Insights component the app reports to.')
param appInsightsName string

@description('Service Bus namespace of the subscriptions below.')
param serviceBusName string

@description('Host name of the function app; the availability test calls https://<host>/api/health.')
param functionAppHostName string

@description('Subscriptions a function of the hub reads: { topic, name }.')
param deadLetterSubscriptions object[]

@description('Storage queues a function of the hub reads; each has a -poison queue.')
param poisonQueues string[]

@description('Mailboxes of the action group.')
param emailReceivers emailReceiver[]

@description('Webhooks of the action group; the URLs are secure values.')
param webhookReceivers webhookReceiver[]

@description('Where the rules draw their lines.')
param thresholds alertRuleThresholds

@description('Availability test locations (ids such as emea-nl-ams-azr).')
@minLength(1)
param availabilityLocations string[]

@description('Seconds between two availability test runs from one location.')
@allowed([
  300
  600
  900
])
param availabilityFrequencySeconds int

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${namePrefix}'
  location: 'global'
  tags: tags
  properties: {
    // Shown as the sender of SMS and some mails; at most 12 characters.
    groupShortName: take(namePrefix, 12)
    enabled: true
    emailReceivers: map(emailReceivers, receiver => {
      name: receiver.name
      emailAddress: receiver.emailAddress
      useCommonAlertSchema: true
    })
    webhookReceivers: map(webhookReceivers, receiver => {
      name: receiver.name
      serviceUri: receiver.serviceUri
      useCommonAlertSchema: true
    })
  }
}

// Service Bus reports DeadletteredMessages per queue or topic (dimension EntityName): a topic's figure is the sum of
// its subscriptions' dead-letter subqueues. Every OMS -> WMS topic has the hub's subscription alone; on wms-to-oms the
// OMS's own subscription shares the figure with the channels', so that rule also fires for the OMS's dead letters (the
// description says so). The dead-letter watcher empties the subqueue into failed syncs within seconds, so the
// maximum over five minutes is what catches a message passing through; one that stays means the watcher is failing.
resource deadLetterAlerts 'Microsoft.Insights/metricAlerts@2018-03-01' = [
  for subscription in deadLetterSubscriptions: {
    name: 'alert-${namePrefix}-dead-letters-${subscription.topic}-${subscription.name}'
    location: 'global'
    tags: union(tags, {
      'wms-alert': 'dead-lettered'
      'wms-entity': '${subscription.topic}/${subscription.name}'
    })
    properties: {
      description: 'Messages were dead-lettered on topic ${subscription.topic} (subscription ${subscription.name} of the hub, and any other subscription of the topic). Each becomes a failed sync (reason dead-lettered): GET /api/ops/{tenant}/failed-syncs?reason=dead-lettered, then replay. See docs/failures.md.'
      severity: 2
      enabled: true
      scopes: [
        serviceBus.id
      ]
      evaluationFrequency: 'PT1M'
      windowSize: 'PT5M'
      targetResourceType: 'Microsoft.ServiceBus/namespaces'
      criteria: {
        'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
        allOf: [
          {
            criterionType: 'StaticThresholdCriterion'
            name: 'DeadLettered'
            metricNamespace: 'Microsoft.ServiceBus/namespaces'
            metricName: 'DeadletteredMessages'
            dimensions: [
              {
                name: 'EntityName'
                operator: 'Include'
                values: [
                  subscription.topic
                ]
              }
            ]
            operator: 'GreaterThan'
            threshold: 0
            timeAggregation: 'Maximum'
          }
        ]
      }
      autoMitigate: true
      actions: [
        {
          actionGroupId: actionGroup.id
        }
      ]
    }
  }
]

// ---- Log alerts over Application Insights --------------------------------------------------------------------
// Each query returns one row per dimension combination with the measure; the rule takes the measure's maximum over
// the window and compares it with the threshold, one alert per combination (tenant, instance, function, ...).
// Metrics come from the handler's OpenTelemetry meter through the Azure Monitor exporter: customMetrics, one row per
// series and export interval, with valueSum, valueCount, valueMin, valueMax and the tags in customDimensions.

// Storage has no per-queue metric (its queue metrics are per account), so the poisoned count comes from the
// handler's gauge wms.queue.poisoned (tag queue). The latest reading counts: a count that went back to 0 clears the
// alert at the next evaluation. The poison queue's own name is matched as well as the queue's, so the rule does not
// depend on which of the two the gauge tags it with.
var poisonAlerts = [
  for queue in poisonQueues: {
    key: 'poisoned-${queue}'
    kind: 'poisoned-queue'
    entity: queue
    severity: 2
    description: 'Messages of storage queue ${queue} failed five deliveries and went to ${queue}-poison. The poison watcher retries them on the retry schedule (up to about a day) and then records a failed sync. See docs/failures.md.'
    query: format(
      '''
customMetrics
| where name == 'wms.queue.poisoned'
| extend queue = tostring(customDimensions.queue)
| where queue in ('{0}', '{0}-poison')
| summarize arg_max(timestamp, value) by queue
| project queue, poisoned = value
''',
      queue
    )
    measure: 'poisoned'
    dimensions: []
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT15M'
  }
]

var hubAlerts = [
  {
    // Failed invocations as the Functions host records them (requests, one per invocation; success false when the
    // handler answered an error or the host failed the invocation), per function, so a quiet function that fails
    // every time is not hidden behind the busy webhooks.
    key: 'failure-rate'
    kind: 'failure-rate'
    entity: ''
    severity: 1
    description: 'More than ${thresholds.failureRatePercent}% of a function\'s invocations failed in 15 minutes (at least ${thresholds.failureRateMinimumInvocations} invocations). See the workbook\'s failures and the function\'s failed requests in Application Insights.'
    query: format(
      '''
requests
| summarize invocations = count(), failed = countif(success == false) by function = operation_Name
| where invocations >= {0}
| project function, failedPercent = 100.0 * failed / invocations
''',
      thresholds.failureRateMinimumInvocations
    )
    measure: 'failedPercent'
    dimensions: [
      'function'
    ]
    operator: 'GreaterThan'
    threshold: thresholds.failureRatePercent
    windowSize: 'PT15M'
  }
  {
    // What the functions log as errors: exceptions and error-level logs (the handler keeps their severity).
    key: 'function-errors'
    kind: 'function-errors'
    entity: ''
    severity: 2
    description: 'A function logged ${thresholds.functionErrors} or more errors in 15 minutes. Application Insights > Failures, or exceptions and traces with severityLevel >= 3 for that operation.'
    query: '''
union
    (exceptions | project operation_Name),
    (traces | where severityLevel >= 3 | project operation_Name)
| extend function = iff(isempty(operation_Name), '(outside an invocation)', operation_Name)
| summarize errors = count() by function
'''
    measure: 'errors'
    dimensions: [
      'function'
    ]
    operator: 'GreaterThanOrEqual'
    threshold: thresholds.functionErrors
    windowSize: 'PT15M'
  }
  {
    // wms.e2e.lag is a histogram (ms), but the exporter sends each series' interval as sum, count, min and max, with
    // no buckets, so a true p95 cannot be had from customMetrics. The rule takes the p95 of the interval means, each
    // weighted by its event count (percentilew over valueSum / valueCount): close to the events' p95 when intervals
    // are short against the window, and it never flags a tenant for a single slow event the way valueMax would.
    key: 'lag-p95'
    kind: 'lag-p95'
    entity: ''
    severity: 2
    description: 'End-to-end lag p95 (event time to CloudEvent handed to Service Bus) of a tenant and instance above ${thresholds.lagP95Milliseconds} ms over 15 minutes. Check the outbox (GET /api/health: outbox lag) and the workbook\'s lag chart.'
    query: '''
customMetrics
| where name == 'wms.e2e.lag' and valueCount > 0
| extend tenant = tostring(customDimensions.tenant), instance = tostring(customDimensions.instance)
| summarize lagP95 = percentilew(valueSum / valueCount, valueCount, 95) by tenant, instance
'''
    measure: 'lagP95'
    dimensions: [
      'tenant'
      'instance'
    ]
    operator: 'GreaterThan'
    threshold: thresholds.lagP95Milliseconds
    windowSize: 'PT15M'
  }
  {
    // The latest reading of the gauge per tenant and reason: clears once the last one is replayed, resolved or ignored.
    key: 'failed-syncs-open'
    kind: 'failed-syncs-open'
    entity: ''
    severity: 3
    description: 'Failed syncs wait for a person: GET /api/ops/{tenant}/failed-syncs?reason=<reason>, then replay, resolve or ignore (docs/operations.md).'
    query: '''
customMetrics
| where name == 'wms.failed_syncs.open'
| extend tenant = tostring(customDimensions.tenant), reason = tostring(customDimensions.reason)
| summarize arg_max(timestamp, value) by tenant, reason
| project tenant, reason, open = value
'''
    measure: 'open'
    dimensions: [
      'tenant'
      'reason'
    ]
    operator: 'GreaterThan'
    threshold: 0
    windowSize: 'PT15M'
  }
]

resource logAlerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in concat(poisonAlerts, hubAlerts): {
    name: 'alert-${namePrefix}-${rule.key}'
    location: location
    tags: union(tags, { 'wms-alert': rule.kind }, empty(rule.entity) ? {} : { 'wms-entity': rule.entity })
    kind: 'LogAlert'
    properties: {
      displayName: '${namePrefix} ${rule.key}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        appInsights.id
      ]
      evaluationFrequency: 'PT5M'
      windowSize: rule.windowSize
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: rule.measure
            dimensions: [
              for dimension in rule.dimensions: {
                name: dimension
                operator: 'Include'
                values: [
                  '*'
                ]
              }
            ]
            operator: rule.operator
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      // A new component has no customMetrics rows yet; the rules are valid before the first event arrives.
      skipQueryValidation: true
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

// ---- Availability -----------------------------------------------------------------------------------------------
// GET /api/health (anonymous) answers 200 only when storage, settings and the tenants file are fine. A standard test
// from several regions, and an alert once enough of them fail together (one region's network is not an outage).
resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: 'webtest-${namePrefix}-health'
  location: location
  // The portal lists a web test under the component this tag names.
  tags: union(tags, {
    'hidden-link:${appInsights.id}': 'Resource'
  })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: 'webtest-${namePrefix}-health'
    Name: '${namePrefix} health'
    Description: 'GET /api/health of the function app.'
    Enabled: true
    Kind: 'standard'
    Frequency: availabilityFrequencySeconds
    Timeout: 30
    RetryEnabled: true
    Locations: [
      for id in availabilityLocations: {
        Id: id
      }
    ]
    Request: {
      RequestUrl: 'https://${functionAppHostName}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 7
    }
  }
}

resource availabilityAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'alert-${namePrefix}-availability'
  location: 'global'
  tags: union(tags, {
    'wms-alert': 'availability'
    'wms-entity': '/api/health'
  })
  properties: {
    description: 'GET /api/health failed from ${thresholds.availabilityFailedLocations} or more test locations. Its answer (503 not-ready) names what is wrong: storage, a setting, the tenants file. See docs/operations.md, "Health".'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      appInsights.id
    ]
    evaluationFrequency: 'PT1M'
    windowSize: 'PT5M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsights.id
      failedLocationCount: thresholds.availabilityFailedLocations
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}
