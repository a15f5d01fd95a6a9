import { describe, expect, it } from 'vitest';
import { exampleReading } from './fixtures.js';
import { validateAlert, validateDeadLetter, validateInfo, validateReading, validateStatus } from './validate.js';

const errorsOf = (data: unknown) => {
  const r = validateReading(data);
  if (r.ok) throw new Error('expected the reading to be rejected');
  return r.errors;
};

describe('validateReading', () => {
  it('accepts the DESIGN.md example', () => {
    const r = validateReading(exampleReading());
    expect(r).toEqual({ ok: true, value: exampleReading() });
  });

  it('names the path of a string in values', () => {
    const reading = { ...exampleReading(), values: { power_w: '12' } };
    expect(errorsOf(reading)).toEqual(['values.power_w: expected number, got "12"']);
    // 1e400 in a payload parses as Infinity: say so, not "null"
    expect(errorsOf(JSON.parse(JSON.stringify(reading).replace('"12"', '1e400')))).toEqual([
      'values.power_w: expected number, got Infinity',
    ]);
  });

  it('reports a missing ts', () => {
    const { ts: _ts, ...reading } = exampleReading();
    expect(errorsOf(reading)).toEqual(['ts: missing']);
  });

  it('rejects value names outside the quantity registry', () => {
    const reading = { ...exampleReading(), values: { power_kw: 1.2 } };
    expect(errorsOf(reading)).toEqual([
      'values.power_kw: not a value name from the quantity registry (<quantity>_<unit>[_<phase>], e.g. power_w, voltage_v_l1)',
    ]);
  });

  it('rejects seconds where milliseconds are expected', () => {
    expect(errorsOf({ ...exampleReading(), ts: 1763800000 })).toEqual(['ts: must be >= 946684800000 (got 1763800000)']);
  });

  it('folds an enum into one line', () => {
    expect(errorsOf({ ...exampleReading(), role: 'solar' })).toEqual([
      'role: expected one of "grid", "consumption", "production", "other", got "solar"',
    ]);
  });

  it('rejects unknown keys, bad ids, empty values and wrong versions together', () => {
    const reading = { ...exampleReading(), v: 2, site: 'House 12', values: {}, extra: true };
    expect(errorsOf(reading)).toEqual([
      'extra: unknown key',
      'v: expected 1, got 2',
      'site: "House 12" does not match ^[a-z0-9][a-z0-9_-]{0,63}$',
      'values: must NOT have fewer than 1 properties (got {})',
    ]);
  });

  it('accepts phase-suffixed and dimensionless value names', () => {
    const reading = { ...exampleReading(), values: { power_factor_l2: 0.97, voltage_v_l1_l2: 400.1 } };
    expect(validateReading(reading).ok).toBe(true);
  });
});

describe('other message validators', () => {
  it('validates a status', () => {
    expect(validateStatus({ v: 1, state: 'online', ts: 1763800000000, agent: '0.1.0' }).ok).toBe(true);
    expect(validateStatus({ v: 1, state: 'gone', ts: 1763800000000, agent: '0.1.0' })).toEqual({
      ok: false,
      errors: ['state: expected one of "online", "offline", got "gone"'],
    });
  });

  it('validates info with location and meters', () => {
    const info = {
      v: 1,
      site: 'house-12',
      ts: 1763800000000,
      name: 'House 12',
      location: { lat: 50.85, lon: 4.35 },
      tags: { city: 'Brussels', postcode: '1000' },
      meters: [{ id: 'main', driver: 'simulated', interval_ms: 1000, channels: [{ id: 'grid', role: 'grid' }] }],
    };
    expect(validateInfo(info).ok).toBe(true);
    expect(validateInfo({ ...info, location: { lat: 91, lon: 0 } })).toEqual({
      ok: false,
      errors: ['location.lat: must be <= 90 (got 91)'],
    });
  });

  it('validates alerts and dead letters', () => {
    const alert = {
      v: 1,
      site: 'house-12',
      rule: 'missing-data',
      ts: 1763800000000,
      state: 'raised',
      severity: 'warning',
      message: '1 channel silent',
      open: [{ subject: 'main/grid', since: 1763800000000, message: 'no reading for 30 s' }],
    };
    expect(validateAlert(alert).ok).toBe(true);
    const dl = {
      reason: 'x',
      topic: 't',
      payload: 'p',
      payload_encoding: 'utf8',
      payload_bytes: 1,
      payload_truncated: false,
      consumer: 'sink',
      ts: 1763800000000,
    };
    expect(validateDeadLetter(dl).ok).toBe(true);
    expect(validateDeadLetter({ ...dl, payload_encoding: 'hex' }).ok).toBe(false);
  });
});
