// Shapes of the entity lists in main.bicep, shared with the modules that read them.

@export()
@description('A Service Bus topic subscription.')
type serviceBusSubscription = {
  @description('Subscription name.')
  name: string

  @description('App setting that carries the name into function.json (%SETTING%); empty when no function reads it.')
  setting: string

  @description('A trigger of this app reads it: the app identity gets Data Receiver on it.')
  receive: bool
}

@export()
@description('A Service Bus topic the app writes to or reads from.')
type serviceBusTopic = {
  @description('Topic name.')
  name: string

  @description('App setting that carries the name into function.json (%SETTING%).')
  setting: string

  @description('An output binding of this app writes to it: the app identity gets Data Sender on it.')
  send: bool

  @description('Needs a MessageId set by the sender; off by default (see modules/servicebus.bicep).')
  duplicateDetection: bool?

  @description('Its subscriptions. A topic without subscriptions drops every message.')
  subscriptions: serviceBusSubscription[]
}

@export()
@description('A Service Bus queue the app writes to or reads from.')
type serviceBusQueue = {
  @description('Queue name.')
  name: string

  @description('App setting that carries the name into function.json (%SETTING%).')
  setting: string

  @description('An output binding of this app writes to it: Data Sender.')
  send: bool

  @description('A trigger of this app reads it: Data Receiver.')
  receive: bool

  @description('Needs a MessageId set by the sender; off by default.')
  duplicateDetection: bool?
}

@export()
@description('A mailbox the action group mails every alert to.')
type emailReceiver = {
  @description('Receiver name, unique in the action group.')
  name: string

  @description('Email address, e.g. the operations team\'s shared mailbox.')
  emailAddress: string
}

@export()
@description('An HTTPS endpoint the action group posts every alert to (common alert schema).')
type webhookReceiver = {
  @description('Receiver name, unique in the action group.')
  name: string

  @description('The URL. Such URLs usually carry a token, so the value is secure and never written in a parameter file.')
  @secure()
  serviceUri: string
}

@export()
@description('Where the alert rules draw their lines; the defaults suit both environments, the parameter files may tighten them.')
type alertRuleThresholds = {
  @description('End-to-end lag (event time -> CloudEvent handed to Service Bus) p95 per tenant and instance, in milliseconds.')
  lagP95Milliseconds: int

  @description('Share of a function\'s invocations that failed over the window, in percent.')
  failureRatePercent: int

  @description('A function\'s invocations in the window below which its failure rate is not judged (one failure of two is no rate).')
  failureRateMinimumInvocations: int

  @description('Errors (exceptions and error-level logs) of one function in the window.')
  functionErrors: int

  @description('Availability test locations failing at the same time before the health endpoint counts as down.')
  availabilityFailedLocations: int
}
