import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_MAX_FUTURE_MS,
  DEFAULT_MAX_PAYLOAD_BYTES,
  decodeMessage,
  filters,
  parseTopic,
} from '@wattbus/contract';
import { ClientAcl, parseAcl, WRITE } from '@wattbus/mqtt/acl';
import { REPO_ROOT } from '@wattbus/testkit';

/** The hostile household: house-12, with its own valid password. */
export const HOSTILE = 'house-12';
/** max_packet_size of deploy/mosquitto/mosquitto.conf and limits.max_packet_bytes of deploy/examples/broker.yaml. */
export const BROKER_PACKET_LIMIT = 262_144;

/** One message the hostile household sends. `topic` as a Buffer carries exactly those bytes (NUL, bad UTF-8). */
export interface Hostile {
  /** The attack it belongs to, e.g. "1 deep power_w" or "gen depth 7,310". */
  attack: string;
  topic: string | Buffer;
  payload: Buffer;
  retain?: boolean;
}

/**
 * What a consumer must do with a message: `dlq` it (exactly once), `take` it (the sink: store it, or dead-letter it
 * alone when the store refuses it; the alerter: judge it), or never see it (`unseen`: the broker refuses it, the ACL
 * does not let house-12 write there, or the consumer does not subscribe to it). `dlq-or-unseen`: what one broker
 * refuses and another passes on (a topic name MQTT forbids or discourages, a reading topic with a reserved or
 * ill-formed id, a packet at the edge of the limit); if it is passed on, the consumer must dead-letter it.
 */
export type Verdict = 'dlq' | 'take' | 'unseen' | 'dlq-or-unseen';

const acl = ClientAcl.compile(parseAcl(readFileSync(join(REPO_ROOT, 'deploy/mosquitto/acl'), 'utf8'), 'acl'), {
  username: HOSTILE,
  clientId: 'hostile',
});

/** The whole PUBLISH packet at QoS1: what the brokers' packet limits count. */
export function packetBytes(topic: string | Buffer, payload: Buffer): number {
  const body = 2 + Buffer.byteLength(topic) + 2 + payload.byteLength;
  const lengthBytes = body < 128 ? 1 : body < 16_384 ? 2 : body < 2_097_152 ? 3 : 4;
  return 1 + lengthBytes + body;
}

/**
 * A topic name a broker must or may refuse (MQTT 3.1.1 §1.5.3): ill-formed UTF-8, NUL, wildcards, empty; control
 * characters and noncharacters such as U+FFFF (mosquitto refuses those, Aedes passes them on).
 */
export function refusableTopic(topic: string | Buffer): boolean {
  const text = topic.toString();
  if (Buffer.isBuffer(topic) && !Buffer.from(text, 'utf8').equals(topic)) return true;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  return text === '' || /[+#\u0000-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/.test(text);
}

/**
 * mosquitto counts a packet as its remaining length + 1 (not the bytes of the remaining length itself), so a packet
 * up to 3 bytes over the limit passes there and not in Aedes.
 */
const nearPacketLimit = (bytes: number) => bytes > BROKER_PACKET_LIMIT && bytes <= BROKER_PACKET_LIMIT + 3;

/** Whether a message reaches the consumers' subscriptions at all (if the broker passes it on), and as which topic. */
function delivered(h: Hostile): string | undefined {
  const bytes = packetBytes(h.topic, h.payload);
  if (bytes > BROKER_PACKET_LIMIT && !nearPacketLimit(bytes)) return undefined;
  const topic = h.topic.toString();
  return acl.allows(WRITE, topic) ? topic : undefined;
}

/** A reading topic the contract would never build (a reserved or ill-formed id): the embedded broker refuses those. */
function badReadingTopic(topic: string): boolean {
  if (!matches(filters.readings, topic)) return false;
  try {
    parseTopic(topic);
    return false;
  } catch {
    return true;
  }
}

/** A consumer that would see the message: what the contract says, unless a broker may refuse it first. */
function judged(h: Hostile, ok: () => boolean): Verdict {
  const bytes = packetBytes(h.topic, h.payload);
  if (refusableTopic(h.topic) || nearPacketLimit(bytes) || badReadingTopic(h.topic.toString())) return 'dlq-or-unseen';
  return ok() ? 'take' : 'dlq';
}

function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  return f.length === t.length && f.every((level, i) => level === '+' || level === t[i]);
}

/** The sink worker reads readings (its site directory reads info and status, and dead-letters neither). */
export function sinkVerdict(h: Hostile, now = Date.now()): Verdict {
  const topic = delivered(h);
  if (topic === undefined || !matches(filters.readings, topic)) return 'unseen';
  const options = { maxBytes: DEFAULT_MAX_PAYLOAD_BYTES, maxFutureMs: DEFAULT_MAX_FUTURE_MS, now };
  return judged(h, () => decodeMessage(topic, h.payload, options).ok);
}

/** The alerter reads readings (clock-checked), and info and status (retained ones keep their old ts: not checked). */
export function alerterVerdict(h: Hostile, now = Date.now()): Verdict {
  const topic = delivered(h);
  if (topic === undefined) return 'unseen';
  const reading = matches(filters.readings, topic);
  if (!reading && !matches(filters.infos, topic) && !matches(filters.statuses, topic)) return 'unseen';
  const maxFutureMs = reading ? DEFAULT_MAX_FUTURE_MS : Number.POSITIVE_INFINITY;
  return judged(h, () => decodeMessage(topic, h.payload, { maxFutureMs, now }).ok);
}
