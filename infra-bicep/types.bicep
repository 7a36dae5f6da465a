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
