export { backoffDelay } from './backoff.js';
export {
  type ConnectOptions,
  clientOptions,
  connectMqtt,
  describeMqttError,
  type EventLog,
  logConnectionEvents,
  type MqttEvent,
} from './connect.js';
export { type MqttConnection, MqttConnectionSchema } from './connection-schema.js';
export { type ConsumerSession, type ConsumerSessionOptions, openConsumerSession } from './consumer-session.js';
export { publishDeadLetter } from './dead-letter.js';
export {
  type HeldMessage,
  type ManualAckOptions,
  type ManualAckReceiver,
  receiveWithManualAcks,
} from './manual-acks.js';
export { type OutConnection, openOutConnection } from './out-connection.js';
export { type ReceiptLog, ReceiptSender } from './receipt-sender.js';
export { type RetainedSnapshotOptions, subscribeRetained } from './retained-snapshot.js';
