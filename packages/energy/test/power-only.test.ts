import { describe, expect, it } from 'vitest';
import { engineFor, find, MIN, paris, parisConfig, reading } from './fixtures.js';

const at = (hhmm: string) => paris(`2026-01-13T${hhmm}`);

describe('a channel without an energy index', () => {
  it('integrates power by trapezoid, its positive part as import and its negative part as export', () => {
    const engine = engineFor(parisConfig(), { intervals: ['1m', '15m'] });
    // A grid channel swinging from +600 W (import) at 10:00 to −600 W (export) at 10:02, then −600 W to 10:15.
    engine.push(reading({ ts: at('10:00'), power: 600 }));
    engine.push(reading({ ts: at('10:02'), power: -600 }));
    engine.push(reading({ ts: at('10:15'), power: -600 }));
    engine.push(reading({ ts: at('10:16'), power: -600 }));
    const records = engine.drain();
    // Power crosses zero at 10:01. 10:00–10:01: from 600 W to 0 W, a triangle of 600 W × 1 min / 2 = 5 Wh imported.
    const first = find(records, '1m', at('10:00'));
    expect(first.energy_import_wh).toBeCloseTo(5, 12);
    expect(first.energy_export_wh).toBe(0);
    expect(first.energy_source).toEqual({ import: 'power', export: 'power' });
    // 10:01–10:02: from 0 W to −600 W: 5 Wh exported.
    const second = find(records, '1m', at('10:01'));
    expect(second.energy_import_wh).toBe(0);
    expect(second.energy_export_wh).toBeCloseTo(5, 12);
    // 10:02–10:15 is a 13-min gap (> 5 min): power is not integrated over it, the energy there is unknown. The quarter
    // holds 5 Wh each way; its export (0.005 kWh × 0.10) is 0.0005 EUR, import 0.005 kWh × 0.25 = 0.00125 EUR.
    const quarter = find(records, '15m', at('10:00'));
    expect(quarter.energy_import_wh).toBeCloseTo(5, 12);
    expect(quarter.energy_export_wh).toBeCloseTo(5, 12);
    expect(quarter.coverage).toBeCloseTo(2 / 15, 12);
    expect(quarter.cost.import).toBeCloseTo(0.00125, 15);
    expect(quarter.cost.export).toBeCloseTo(0.0005, 15);
    expect(quarter.power_w).toEqual({ mean: 0, min: -600, max: 600 });
    // The minutes inside the gap have no record, nothing is known there; 10:02 has its reading but no known energy.
    expect(records.filter((r) => r.interval === '1m').map((r) => (r.start - at('10:00')) / MIN)).toEqual([0, 1, 2, 15]);
    expect(find(records, '1m', at('10:02'))).toMatchObject({
      readings: 1,
      energy_import_wh: null,
      energy_export_wh: null,
    });
    expect(find(records, '1m', at('10:02')).cost).toMatchObject({
      import: null,
      export: null,
      unknown: 'no known import energy in this interval',
    });
  });
});
