import { validateRollup } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { engineFor, MIN, paris, parisConfig, reading } from './fixtures.js';

describe('rollup records and the contract', () => {
  it('every record, with v: 1, is a valid contract Rollup (known and unknown costs, no tariff, breaks)', () => {
    const engine = engineFor(parisConfig());
    const other = engineFor({ tariffs: {}, groups: {}, sites: {} });
    const from = paris('2026-01-13T23:00');
    for (let m = 0; m <= 120; m++) {
      const spec = { ts: from + m * MIN, imp: m === 50 ? 3 : 1000 + 10 * m, power: 600 - 10 * m, voltage: 231 };
      engine.push(reading(spec));
      other.push(reading({ ...spec, role: 'production', channel: 'pv', serial: m < 60 ? 'a' : 'b' }));
    }
    const records = [...engine.drain(), ...other.drain()];
    expect(records.length).toBeGreaterThan(120);
    for (const record of records) {
      const checked = validateRollup({ v: 1, ...record });
      expect(checked.ok ? [] : checked.errors, record.key).toEqual([]);
    }
  });
});
