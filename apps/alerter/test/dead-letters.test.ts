import { exampleReading, topics, validateDeadLetter } from '@wattbus/contract';
import { type ProcessHandle, waitFor } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKER_NAMES, BROKERS, info, Observer, publishRetained, startAlerter, type TestBroker } from './helpers.js';

interface Bad {
  name: string;
  topic: string;
  payload: string;
  reason: RegExp;
  /** A site whose good reading, published right after, must be judged (an overload raised at once). */
  next?: string;
}

const reading = (over: Record<string, unknown>) => JSON.stringify({ ...exampleReading(), ...over });
/** JSON of `payload` with its `"DEEP"` value nested 5,000 arrays deep (too deep for JSON.stringify); its schema
 * error once took a consumer down. */
const deep = (payload: object) => JSON.stringify(payload).replace('"DEEP"', `${'['.repeat(5000)}${']'.repeat(5000)}`);
const MAX_FUTURE_MS = 60_000;

/** Retained, so the alerter gets them as soon as it subscribes. */
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
  {
    name: 'retained info whose name is nested 5,000 levels deep',
    topic: 'wattbus/v1/house-deep-info/info',
    payload: deep({ ...info('house-deep-info', ['grid']), name: 'DEEP' }),
    reason: /^schema: name: /,
    next: 'house-deep-info',
  },
];

/** Published live, once the alerter is known to be subscribed, each followed by a good reading of `next`. */
const LIVE_BAD: Bad[] = [
  {
    name: 'schema-invalid reading',
    topic: 'wattbus/v1/house-12/main/reading',
    payload: reading({ values: { power_w: '12' } }),
    reason: /^schema: values\.power_w: expected number, got "12"$/,
    next: 'house-12',
  },
  {
    name: 'reading on a topic with a bad site id',
    topic: 'wattbus/v1/House_12/main/reading',
    payload: reading({}),
    reason: /^bad topic: bad site id "House_12"/,
    next: 'house-13',
  },
  {
    name: 'schema-invalid status',
    topic: 'wattbus/v1/house-12/status',
    payload: JSON.stringify({ v: 1, state: 'asleep', ts: 1763800000000, agent: '0.1.0' }),
    reason: /^schema: state/,
  },
  {
    name: 'reading nested 5,000 levels deep',
    topic: 'wattbus/v1/house-deep/main/reading',
    payload: deep({ ...exampleReading(), site: 'house-deep', values: { power_w: 'DEEP' } }),
    reason: /^schema: values\.power_w: /,
    next: 'house-deep',
  },
  {
    name: 'reading of meter "reading" (a reserved id)',
    topic: 'wattbus/v1/x/reading/reading',
    payload: reading({ site: 'x', meter: 'reading' }),
    reason: /meter id "reading" is reserved/,
    next: 'x',
  },
  {
    name: 'reading of meter "status" (a reserved id)',
    topic: 'wattbus/v1/rsv/status/reading',
    payload: reading({ site: 'rsv', meter: 'status' }),
    reason: /meter id "status" is reserved/,
    next: 'rsv',
  },
  {
    name: 'reading stamped in 2099',
    topic: 'wattbus/v1/house-future/main/reading',
    payload: reading({ site: 'house-future', ts: Date.UTC(2099, 0, 1), values: { power_w: 9500 } }),
    reason: /^ts 2099-01-01T00:00:00\.000Z is \d+ s ahead of this consumer's clock \(limit 60 s\)$/,
    next: 'house-future',
  },
  {
    name: 'reading stamped 2 minutes ahead, past max_future_ms',
    topic: 'wattbus/v1/house-ahead/main/reading',
    payload: reading({ site: 'house-ahead', ts: Date.now() + 120_000, values: { power_w: 9500 } }),
    reason: /^ts \S+ is \d+ s ahead of this consumer's clock \(limit 60 s\)$/,
    next: 'house-ahead',
  },
];

let seq = 0;
/** A good reading now, above the 9000 W limit every site has here: its overload is raised at once. */
const overloadReading = (site: string) =>
  reading({ site, seq: ++seq, ts: Date.now(), values: { power_w: 9500 }, labels: {} });

describe.concurrent.each(BROKER_NAMES)('alerter on %s: bad input', (name) => {
  let broker: TestBroker;
  let observer: Observer;
  let alerter: ProcessHandle | undefined;

  beforeAll(async () => {
    broker = await BROKERS[name]();
    observer = await Observer.connect(broker.url, `observer-dlq-${name}`);
  });
  afterAll(async () => {
    await alerter?.stop();
    await observer?.close();
    await broker?.stop();
  });

  it('dead-letters each bad message with its reason on wattbus/v1/dlq/alerter and judges the next good one', async () => {
    for (const bad of RETAINED_BAD) await publishRetained(observer.client, bad.topic, bad.payload);
    alerter = await startAlerter(broker.url, undefined, {
      max_future_ms: MAX_FUTURE_MS,
      overrides: [{ overload: { limit_w: 9000, raise_after_s: 0 } }],
    }); // default consumer id: "alerter"

    await waitFor(() => observer.letters.length >= RETAINED_BAD.length, {
      what: 'the retained dead letters',
      timeoutMs: 8000,
    });
    for (const bad of [...RETAINED_BAD, ...LIVE_BAD]) {
      if (LIVE_BAD.includes(bad)) await observer.client.publishAsync(bad.topic, bad.payload, { qos: 1 });
      if (bad.next) {
        await observer.client.publishAsync(topics.reading(bad.next, 'main'), overloadReading(bad.next), { qos: 1 });
      }
    }
    const all = RETAINED_BAD.length + LIVE_BAD.length;
    await waitFor(() => observer.letters.length >= all, {
      what: `${all} dead letters (got ${observer.letters.map((l) => l.letter.reason).join(' | ')})`,
      timeoutMs: 8000,
    });

    // Each good reading after a bad one was judged: its site's overload is raised, from that reading.
    for (const bad of [...RETAINED_BAD, ...LIVE_BAD]) {
      if (!bad.next) continue;
      const raised = await observer.waitForAlert(bad.next, 'overload raised', (a) => a.rule === 'overload');
      expect(raised.alert.open, bad.name).toEqual([
        { subject: 'main/grid', since: expect.any(Number), message: '9500 W above the limit of 9000 W', value: 9500 },
      ]);
      expect(raised.alert.open[0]?.since, bad.name).toBeLessThanOrEqual(Date.now());
    }
    expect(alerter.proc.exitCode).toBeNull();

    const letters = observer.letters;
    expect(letters).toHaveLength(all);
    for (const bad of [...RETAINED_BAD, ...LIVE_BAD]) {
      const found = letters.filter((l) => l.letter.topic === bad.topic);
      expect(found, bad.name).toHaveLength(1);
      const { topic, letter } = found[0] as (typeof letters)[number];
      expect(topic, bad.name).toBe('wattbus/v1/dlq/alerter');
      expect(validateDeadLetter(letter).ok, bad.name).toBe(true);
      expect(letter.reason, bad.name).toMatch(bad.reason);
      expect(letter.consumer, bad.name).toBe('alerter');
      expect(letter.payload_encoding, bad.name).toBe('utf8');
      expect(letter.payload, bad.name).toBe(bad.payload);
      expect(letter.payload_bytes, bad.name).toBe(Buffer.byteLength(bad.payload));
    }
    // Only the bad alert ever showed up as an invalid alert; the alerter published nothing invalid, and only
    // the overloads.
    expect(observer.invalid.map((line) => line.split(':')[0])).toEqual([RETAINED_BAD[0]?.topic]);
    expect(observer.alerts.map((a) => [a.alert.rule, a.alert.state]).sort()).toEqual(
      [...RETAINED_BAD, ...LIVE_BAD].filter((b) => b.next).map(() => ['overload', 'raised']),
    );

    expect(await alerter.stop()).toBe(0);
    alerter = undefined;
  });
});
