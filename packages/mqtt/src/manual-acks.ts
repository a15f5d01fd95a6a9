import type { IPublishPacket, MqttClient } from 'mqtt';
import { sendRawPacket } from './mqttjs-internals.js';

/** A received message whose PUBACK is sent only when `ack()` is called. */
export interface HeldMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  /** Releases the PUBACK (QoS1). Idempotent; a no-op for QoS0/2 and for messages of an earlier connection. */
  ack(): void;
}

export interface ManualAckOptions {
  /** Most messages held unacked at once; past it the client stops reading from the socket. */
  maxInFlight: number;
}

export interface ManualAckReceiver {
  /** Messages passed on and not yet acked. */
  inFlight(): number;
  /**
   * Stops passing messages on: later ones are left unacked (the broker redelivers them to the next session) and
   * the socket is read again even at `maxInFlight`. Without it, a worker stopping at a full window would never
   * read its DISCONNECT through: mqtt.js would be waiting for a callback that only a new message could release.
   * Held messages can still be acked.
   */
  close(): void;
}

interface Held {
  messageId: number;
  ready: boolean;
}

// Handing mqtt.js's handleMessage callback an error makes it skip its automatic PUBACK and go on with the
// next packet at once (handlers/publish.js; see mqttjs-internals.ts). We send the PUBACK ourselves when the
// store has the message.
const SKIP_AUTO_ACK = new Error('wattbus: PUBACK sent after the write');

/**
 * Ack-after-write for mqtt.js, for MQTT 3.1.1 and 5 alike. mqtt.js handles incoming packets one at a time
 * and sends each PUBACK before it reads the next one, so holding the callback of `customHandleAcks` or
 * `handleMessage` until a store write finishes would write one message per batch. Instead every QoS1 message
 * is passed on at once and acked later; only when `maxInFlight` messages are held does the callback wait,
 * which stops mqtt.js reading and lets TCP flow control push back on the broker.
 *
 * PUBACKs go out in the order the messages arrived (MQTT 3.1.1 §4.6, MQTT 5 §4.6): an ack releases the
 * longest run of acked messages at the head of the queue. Message ids are per connection: acks of messages
 * received before a reconnect are dropped, and the broker redelivers those to the persistent session.
 */
export function receiveWithManualAcks(
  client: MqttClient,
  onMessage: (message: HeldMessage) => void,
  options: ManualAckOptions,
): ManualAckReceiver {
  let connection = 0;
  let closing = false;
  let queue: Held[] = [];
  let head = 0;
  const waiting: Array<() => void> = [];
  const inFlight = () => queue.length - head;

  const release = () => {
    while (head < queue.length && (queue[head] as Held).ready) {
      if (client.connected) {
        sendRawPacket(client, { cmd: 'puback', messageId: (queue[head] as Held).messageId, reasonCode: 0 });
      }
      head++;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    while (waiting.length > 0 && inFlight() < options.maxInFlight) waiting.shift()?.();
  };

  // A full window stops mqtt.js handling packets, and a PINGRESP waits behind the unread messages: the store being
  // slow is not the broker being gone. mqtt.js gives up half a keepalive after its PINGREQ; while this receiver
  // holds the window it pings again at once and starts the count over, so the broker still hears from it (at most a
  // keepalive apart) and neither side drops the connection, and the broker's copies of the window, for a write
  // that takes long. Once the window moves, the PINGRESPs are read and the usual check resumes.
  const keepaliveTimeout = client.onKeepaliveTimeout.bind(client);
  client.onKeepaliveTimeout = () => {
    if (waiting.length === 0) {
      keepaliveTimeout();
      return;
    }
    client.reschedulePing(true);
    client.sendPing();
  };

  client.on('connect', () => {
    connection++;
    queue = [];
    head = 0;
    for (const resume of waiting.splice(0)) resume();
  });

  client.handleMessage = (packet: IPublishPacket, callback) => {
    if (closing) {
      // Unacked, so the broker keeps it for the next session; read on, so a DISCONNECT can get through.
      callback(packet.qos === 1 ? SKIP_AUTO_ACK : undefined);
      return;
    }
    const { qos } = packet;
    if (qos !== 1) {
      // QoS0 needs no ack; QoS2 (not used by wattbus) keeps mqtt.js's own handshake.
      onMessage({ topic: packet.topic, payload: packet.payload as Buffer, qos, ack: () => {} });
      callback();
      return;
    }
    const receivedOn = connection;
    const held: Held = { messageId: packet.messageId as number, ready: false };
    queue.push(held);
    onMessage({
      topic: packet.topic,
      payload: packet.payload as Buffer,
      qos,
      ack: () => {
        if (held.ready || receivedOn !== connection) return;
        held.ready = true;
        release();
      },
    });
    if (inFlight() < options.maxInFlight) callback(SKIP_AUTO_ACK);
    else waiting.push(() => callback(SKIP_AUTO_ACK));
  };
  return {
    inFlight,
    close: () => {
      closing = true;
      for (const resume of waiting.splice(0)) resume();
    },
  };
}
