import type { AedesMessage } from '../aedes-internals.js';

/** An Aedes message as it crosses to another node (payload in base64). */
export interface WireMessage {
  topic: string;
  payload: string;
  qos: number;
  brokerId?: string;
  brokerCounter?: number;
}

/** What the nodes of a cluster tell each other about shared subscriptions. */
export type ShareEvent =
  | {
      kind: 'member';
      topic: string;
      clientId: string;
      qos: number;
      persistent: boolean;
      /** The node the member is connected to; null while a persistent member is offline. */
      node: string | null;
    }
  | { kind: 'left'; topic: string; clientId: string }
  | { kind: 'deliver'; to: string; topic: string; clientId: string; qos: number; message: WireMessage }
  | { kind: 'loads'; loads: Array<[topic: string, clientId: string, unacknowledged: number]> };

/** The cluster as shared subscriptions see it (src/cluster/ provides it). */
export interface ShareCluster {
  /** This node's id: Aedes' id, which is also the brokerId of what is published to it. */
  readonly node: string;
  /** Tells every other node. */
  send(event: ShareEvent): void;
  /** What the other nodes tell (each event with the node that sent it). */
  on(handler: (event: ShareEvent & { from: string }) => void): void;
  /** Whether `node` was heard from within the last 3 heartbeats. */
  alive(node: string): boolean;
  /** Takes `key` for `ttlMs` unless another node holds it: one node at a time does the work it names. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  release(key: string): Promise<void>;
}

export function toWire(message: AedesMessage & { payload?: unknown }): WireMessage {
  const payload = message.payload;
  return {
    topic: message.topic,
    payload: (Buffer.isBuffer(payload) ? payload : Buffer.from(String(payload ?? ''))).toString('base64'),
    qos: message.qos,
    ...(message.brokerId !== undefined && { brokerId: message.brokerId }),
    ...(message.brokerCounter !== undefined && { brokerCounter: message.brokerCounter }),
  };
}

export function fromWire(wire: WireMessage): AedesMessage & { payload: Buffer } {
  return { ...wire, payload: Buffer.from(wire.payload, 'base64'), retain: false, dup: false };
}
