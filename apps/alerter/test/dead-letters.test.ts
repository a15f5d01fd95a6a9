import { exampleReading, topics, validateDeadLetter } from '@wattbus/contract';
import { type ProcessHandle, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BROKER_NAMES,
  BROKERS,
  Feeder,
  info,
  Observer,
  publishRetained,
  startAlerter,
  subjectsOf,
  type TestBroker,
} from './helpers.js';

interface Bad {
  name: string;
  topic: string;
  payload: string;
  reason: RegExp;
}

const reading = (over: Record<string, unknown>) => JSON.stringify({ ...exampleReading(), ...over });

/** Retained, so the alerter gets them as soon as it subscribes (sorted by topic: their order is the broker's). */
const RETAINED_BAD: Bad[] = [
  {
    name: 'schema-invalid retained alert',
    topic: 'wattbus/v1/alerts/house-bad/missing-data',
    payload: JSON.stringify({ v: 1, site: 'house-bad', rule: 'missing-data', state: 'maybe' }),
    reason: /^schema: .*state/,
  },
  {
    name: 'non-JSON info',
    topic: 'wattbus/v1/house-bad/info',
    payload: '{"v":1,"site":',
    reason: /^not JSON: /,
  },
];

/** Published live, in this order, once the alerter is known to be subscribed. */
const LIVE_BAD: Bad[] = [
  {
    name: 'schema-invalid reading',
    topic: 'wattbus/v1/house-12/main/reading',
    payload: reading({ values: { power_w: '12' } }),
    reason: /^schema: values\.power_w: expected number, got "12"$/,
  },
  {
    name: 'reading on a topic with a bad site id',
    topic: 'wattbus/v1/House_12/main/reading',
    payload: reading({}),
    reason: /^bad topic: bad site id "House_12"/,
  },
  {
    name: 'schema-invalid status',
    topic: 'wattbus/v1/house-12/status',
    payload: JSON.stringify({ v: 1, state: 'asleep', ts: 1763800000000, agent: '0.1.0' }),
    reason: /^schema: state/,
  },
];

describe.concurrent.each(BROKER_NAMES)('alerter on %s: bad input', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let feeder: Feeder | undefined;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-dlq-${name}`);
  });
  afterAll(async () => {
    feeder?.stop();
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('dead-letters each bad message with its reason on wattbus/v1/dlq/alerter and keeps working', async () => {
    for (const bad of RETAINED_BAD) await publishRetained(observer.client, bad.topic, bad.payload);
    alerter = await startAlerter(broker.url); // default consumer id: "alerter"

    await waitFor(() => observer.letters.length >= RETAINED_BAD.length, {
      what: 'the retained dead letters',
      timeoutMs: 8000,
    });
    for (const bad of LIVE_BAD) await observer.client.publishAsync(bad.topic, bad.payload, { qos: 1 });
    const all = RETAINED_BAD.length + LIVE_BAD.length;
    await waitFor(() => observer.letters.length >= all, {
      what: `${all} dead letters (got ${observer.letters.map((l) => l.letter.reason).join(' | ')})`,
      timeoutMs: 8000,
    });

    // Still working: a site that goes silent is raised.
    const U = 'house-after';
    await publishRetained(observer.client, topics.info(U), info(U, ['grid']));
    feeder = new Feeder(observer.client, [[U, 'main', 'grid']]);
    feeder.pause(U, 'main', 'grid');
    const raised = await observer.waitForAlert(U, 'raised', (a) => a.state === 'raised');
    expect(raised.topic).toBe(topics.alert(U, 'missing-data'));
    expect(subjectsOf(raised.alert)).toEqual(['main/grid']);
    expect(alerter.proc.exitCode).toBeNull();

    const letters = observer.letters;
    expect(letters).toHaveLength(all);
    const inOrder = [
      ...letters.slice(0, RETAINED_BAD.length).sort((a, b) => a.letter.topic.localeCompare(b.letter.topic)),
      ...letters.slice(RETAINED_BAD.length),
    ];
    for (const [i, bad] of [...RETAINED_BAD, ...LIVE_BAD].entries()) {
      const { topic, letter } = inOrder[i] ?? { topic: 'none', letter: undefined };
      if (!letter) throw new Error(`no dead letter for ${bad.name}`);
      expect(topic, bad.name).toBe('wattbus/v1/dlq/alerter');
      expect(validateDeadLetter(letter).ok, bad.name).toBe(true);
      expect(letter.reason, bad.name).toMatch(bad.reason);
      expect(letter.topic, bad.name).toBe(bad.topic);
      expect(letter.consumer, bad.name).toBe('alerter');
      expect(letter.payload_encoding, bad.name).toBe('utf8');
      expect(letter.payload, bad.name).toBe(bad.payload);
      expect(letter.payload_bytes, bad.name).toBe(Buffer.byteLength(bad.payload));
    }
    // Only the bad alert ever showed up as an invalid alert; the alerter published nothing invalid.
    expect(observer.invalid.map((line) => line.split(':')[0])).toEqual([RETAINED_BAD[0]?.topic]);
    expect(observer.alerts.map((a) => [a.alert.site, a.alert.state])).toEqual([[U, 'raised']]);

    feeder.stop();
    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
