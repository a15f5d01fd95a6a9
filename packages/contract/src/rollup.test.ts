import { describe, expect, it } from 'vitest';
import { decodeMessage, decodeRollup } from './decode.js';
import { parseRollupTopic, rollupFilter, rollupTopic, validateRollup } from './rollup.js';
import { SCHEMAS } from './schemas/index.js';
import { parseTopic } from './topics.js';

const rollup = {
  v: 1,
  key: 'house-1/main/grid/1h/1768287600000',
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  interval: '1h',
  start: 1_768_287_600_000,
  end: 1_768_291_200_000,
  revision: 0,
  readings: 60,
  coverage: 1,
  estimated_ms: 0,
  resets: 0,
  energy_import_wh: 600,
  energy_export_wh: 0,
  energy_source: { import: 'index', export: 'power' },
  periods: { HP: { import_wh: 600, export_wh: 0 } },
  tariff: 'fr-hphc',
  power_w: { mean: 600, min: 580, max: 640 },
  voltage_v: null,
  cost: { currency: 'EUR', import: 0.15, export: 0, standing: null, unknown: null },
};

describe('rollups in the contract', () => {
  it('have one topic per site and interval', () => {
    expect(rollupTopic('house-1', '15m')).toBe('wattbus/v1/house-1/rollup/15m');
    expect(rollupFilter()).toBe('wattbus/v1/+/rollup/+');
    expect(parseRollupTopic('wattbus/v1/house-1/rollup/1d')).toEqual({ site: 'house-1', interval: '1d' });
    expect(parseRollupTopic('wattbus/v1/house-1/rollup/reading')).toBeUndefined();
    expect(parseRollupTopic('wattbus/v1/dlq/rollup/1h')).toBeUndefined();
    expect(() => rollupTopic('alerts', '1h')).toThrow(/reserved/);
  });

  it('validate against the schema, naming what is wrong', () => {
    expect(validateRollup(rollup)).toEqual({ ok: true, value: rollup });
    const bad = validateRollup({ ...rollup, interval: '2h', coverage: 1.5, cost: { ...rollup.cost, import: 'free' } });
    expect(bad.ok).toBe(false);
    const errors = bad.ok ? [] : bad.errors.join('\n');
    expect(errors).toMatch(/interval/);
    expect(errors).toMatch(/coverage/);
    expect(errors).toMatch(/cost\.import/);
  });

  it('are a kind of message: parseTopic, decodeMessage and decodeRollup know them', () => {
    const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
    expect(SCHEMAS.rollup.$id).toBe('wattbus/v1/rollup');
    expect(parseTopic('wattbus/v1/house-1/rollup/1h')).toEqual({ kind: 'rollup', site: 'house-1', interval: '1h' });
    // A meter named rollup keeps its reading topic.
    expect(parseTopic('wattbus/v1/house-1/rollup/reading')).toEqual({
      kind: 'reading',
      site: 'house-1',
      meter: 'rollup',
    });
    expect(() => parseTopic('wattbus/v1/house-1/rollup/2h')).toThrow(
      'unknown rollup interval "2h" (expected 1m, 15m, 1h, 1d)',
    );
    const topic = 'wattbus/v1/house-1/rollup/1h';
    expect(decodeMessage(topic, bytes(rollup))).toEqual({
      ok: true,
      value: { kind: 'rollup', site: 'house-1', interval: '1h', value: rollup },
    });
    expect(decodeRollup(topic, bytes(rollup))).toEqual({ ok: true, value: rollup });
    expect(decodeRollup('wattbus/v1/house-2/rollup/1h', bytes(rollup))).toEqual({
      ok: false,
      reason: 'topic/payload mismatch: topic says house-2, payload says house-1',
    });
    expect(decodeRollup('wattbus/v1/house-1/rollup/1d', bytes(rollup))).toEqual({
      ok: false,
      reason: 'topic/payload mismatch: topic says interval 1d, payload says 1h',
    });
    expect(decodeRollup(topic, new Uint8Array())).toEqual({ ok: false, reason: 'empty payload' });
    expect(decodeRollup('wattbus/v1/house-1/main/reading', bytes(rollup))).toEqual({
      ok: false,
      reason: 'not a rollup topic (reading)',
    });
    const bad = decodeRollup(topic, bytes({ ...rollup, revision: -1 }));
    expect(bad.ok ? '' : bad.reason).toMatch(/^schema: .*revision/);
  });
});
