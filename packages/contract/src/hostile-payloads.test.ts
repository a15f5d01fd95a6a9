import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeReading } from './decode.js';
import { exampleInfo, exampleReading } from './fixtures.js';
import { ALERT_MAX_OPEN_SUBJECTS, INFO_MAX_CHANNELS, INFO_MAX_METERS } from './schemas/index.js';
import { parseTopic } from './topics.js';
import { preview } from './validate.js';

const TOPIC = 'wattbus/v1/house-12/main/reading';
const INFO_TOPIC = 'wattbus/v1/house-12/info';
const NOW = 1_763_800_000_000;
const bytes = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));
const nested = (depth: number, inner = '5') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
/** A reading whose `values.power_w` is the given JSON text. */
const readingWith = (powerJson: string) =>
  bytes(
    JSON.stringify({ ...exampleReading(), values: { power_w: 0 } }).replace('"power_w":0', `"power_w":${powerJson}`),
  );

function reasonOf(result: { ok: boolean; reason?: string }): string {
  expect(result.ok).toBe(false);
  return (result as { reason: string }).reason;
}

describe('hostile payloads: every check ends in a short reason, never a throw', () => {
  it.each([5_000, 60_000])('a reading nested %i levels deep is refused by its schema', (depth) => {
    const reason = reasonOf(decodeReading(TOPIC, readingWith(nested(depth)), { maxBytes: 256 * 1024, now: NOW }));
    expect(reason).toMatch(/^schema: values\.power_w: expected number, got \[\[\[\[\[\.\.\.\]\]\]\]/);
    expect(reason.length).toBeLessThan(300);
  });

  it('an info whose name is nested 5,000 levels deep is refused, not thrown', () => {
    const info = JSON.stringify({ ...exampleInfo(), name: 'x' }).replace('"name":"x"', `"name":${nested(5_000)}`);
    const reason = reasonOf(decodeMessage(INFO_TOPIC, bytes(info), { now: NOW }));
    expect(reason).toMatch(/^schema: name: expected string, got \[\[\[\[/);
  });

  it('a payload that breaks every rule at once gives a bounded reason', () => {
    const values = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`bogus_${'k'.repeat(200)}_${i}`, 'x']));
    const reason = reasonOf(decodeReading(TOPIC, bytes({ ...exampleReading(), values }), { maxBytes: 4e6, now: NOW }));
    expect(reason.length).toBeLessThan(4_000);
    expect(reason).toMatch(/problems in all$/);
  });

  it.each([
    ['wattbus/v1/house-12/reading/reading', 'bad topic: meter id "reading" is reserved'],
    ['wattbus/v1/house-12/status/reading', 'bad topic: meter id "status" is reserved'],
    ['wattbus/v1/house-12/info/reading', 'bad topic: meter id "info" is reserved'],
    ['wattbus/v1/house-12/health/reading', 'bad topic: meter id "health" is reserved'],
    ['wattbus/v1/dlq/main/reading', 'bad topic: site id "dlq" is reserved'],
    ['wattbus/v1/alerts/main/reading', 'bad topic: rule id "reading" is reserved'],
    [`wattbus/v1/house-12/${'m'.repeat(70_000)}/reading`, /^bad topic: bad meter id "m{10,}/],
  ])('a reading on %s is refused: %s', (topic, reason) => {
    const result = decodeReading(topic, bytes({ ...exampleReading(), meter: 'reading' }), { now: NOW });
    expect(reasonOf(result)).toMatch(reason);
    expect(reasonOf(result).length).toBeLessThan(400);
  });

  it('parseTopic refuses reserved rule ids in alert topics as `topics.alert` does', () => {
    expect(() => parseTopic('wattbus/v1/alerts/house-12/status')).toThrow('rule id "status" is reserved');
  });

  it('a reading stamped beyond the allowed clock skew is refused; within it, accepted', () => {
    const at = (ts: number) => bytes({ ...exampleReading(), ts });
    expect(reasonOf(decodeReading(TOPIC, at(4_070_908_800_000), { now: NOW }))).toMatch(
      /^ts 2099-01-01T00:00:00\.000Z is \d+ s ahead of this consumer's clock \(limit 300 s\)$/,
    );
    expect(decodeReading(TOPIC, at(NOW + 299_000), { now: NOW }).ok).toBe(true);
    expect(decodeReading(TOPIC, at(NOW + 11_000), { now: NOW, maxFutureMs: 10_000 }).ok).toBe(false);
    expect(decodeReading(TOPIC, at(NOW - 86_400_000), { now: NOW }).ok).toBe(true);
  });

  it(`bounds what a site may declare: ${INFO_MAX_METERS} meters of ${INFO_MAX_CHANNELS} channels`, () => {
    const meter = (id: string, channels: number) => ({
      id,
      driver: 'modbus',
      interval_ms: 1000,
      channels: Array.from({ length: channels }, (_, i) => ({ id: `c${i}`, role: 'other' })),
    });
    const info = (meters: unknown[]) => bytes({ ...exampleInfo(), meters });
    const full = Array.from({ length: INFO_MAX_METERS }, (_, i) => meter(`m${i}`, INFO_MAX_CHANNELS));
    expect(decodeMessage(INFO_TOPIC, info(full), { now: NOW }).ok).toBe(true);
    expect(reasonOf(decodeMessage(INFO_TOPIC, info([...full, meter('x', 1)]), { now: NOW }))).toMatch(
      `schema: meters: must NOT have more than ${INFO_MAX_METERS} items`,
    );
    expect(reasonOf(decodeMessage(INFO_TOPIC, info([meter('x', 8_000)]), { now: NOW, maxBytes: 1e6 }))).toMatch(
      `schema: meters[0].channels: must NOT have more than ${INFO_MAX_CHANNELS} items`,
    );
  });

  it('preview stops at its budget whatever the shape', () => {
    expect(preview({ a: [1, 'two', null, { b: true }] })).toBe('{"a":[1,"two",null,{"b":true}]}');
    expect(preview('x'.repeat(1e6))).toHaveLength(60);
    expect(preview(JSON.parse(nested(100_000)))).toBe('[[[[[...]]]]]');
    expect(preview(Array.from({ length: 1e6 }, (_, i) => i))).toMatch(/^\[0,1,2,.*\.\.\.$/);
    expect(preview(JSON.parse('[1e400]'))).toBe('[Infinity]');
    expect(ALERT_MAX_OPEN_SUBJECTS).toBe(100);
  });
});

describe('decodeMessage', () => {
  it('checks each kind with its own schema and the topic', () => {
    const info = decodeMessage(INFO_TOPIC, bytes(exampleInfo()), { now: NOW });
    expect(info).toEqual({ ok: true, value: { kind: 'info', site: 'house-12', value: exampleInfo() } });
    const reading = decodeMessage(TOPIC, bytes(exampleReading()), { now: NOW });
    expect(reading).toEqual({
      ok: true,
      value: { kind: 'reading', site: 'house-12', meter: 'main', value: exampleReading() },
    });
  });

  it('reads an empty retained payload as cleared, but an empty reading as bad', () => {
    expect(decodeMessage(INFO_TOPIC, Buffer.alloc(0))).toEqual({
      ok: true,
      value: { kind: 'info', site: 'house-12', value: null },
    });
    expect(reasonOf(decodeMessage(TOPIC, Buffer.alloc(0)))).toBe('empty payload');
  });

  it("refuses an info naming another site than its topic's", () => {
    expect(reasonOf(decodeMessage('wattbus/v1/house-13/info', bytes(exampleInfo()), { now: NOW }))).toBe(
      'topic/payload mismatch: topic says house-13, payload says house-12',
    );
  });
});
