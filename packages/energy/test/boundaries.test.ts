import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RollupEngine } from '../src/rollup/engine.js';
import { Tariffs } from '../src/tariff/tariffs.js';
import { engineFor, find, MIN, paris, parisConfig, reading } from './fixtures.js';

describe('a boundary between two readings', () => {
  it('splits the energy at a tariff price boundary inside the hour by interpolating the index', () => {
    // HP from 06:30 on Tuesday 2026-01-13 (CET): the 06:00–07:00 rollup holds the price change.
    const engine = engineFor(parisConfig({ rules: [{ period: 'HP', from: '06:30', to: '22:00' }] }));
    const at = (hhmm: string) => paris(`2026-01-13T${hhmm}`);
    for (const [hhmm, imp] of [
      ['06:00', 0],
      ['06:20', 400],
      ['06:50', 1000],
      ['07:10', 1200],
    ] as const) {
      engine.push(reading({ ts: at(hhmm), imp }));
    }
    const hour = find(engine.drain(), '1h', at('06:00'));
    // 06:00–06:20: 400 Wh (HC). 06:20–06:50: 600 Wh over 30 min = 20 Wh/min, cut at 06:30: 200 Wh HC + 400 Wh HP.
    // 06:50–07:10: 200 Wh over 20 min = 10 Wh/min; 06:50–07:00 in the hour: 100 Wh HP.
    // Total 1,100 Wh: HC 600, HP 500. Cost 0.6 kWh × 0.20 + 0.5 kWh × 0.25 = 0.120 + 0.125 = 0.245 EUR.
    expect(hour.energy_import_wh).toBeCloseTo(1100, 9);
    expect(hour.periods.HC?.import_wh).toBeCloseTo(600, 9);
    expect(hour.periods.HP?.import_wh).toBeCloseTo(500, 9);
    expect(hour.cost.import).toBeCloseTo(0.245, 12);
    expect(hour.energy_source.import).toBe('index');
    // Readings 06:00, 06:20, 06:50 are in the hour; the segments are 20–30 min apart (> 5 min): estimated, not covered.
    expect(hour.readings).toBe(3);
    expect(hour.coverage).toBe(0);
    expect(hour.estimated_ms).toBe(60 * MIN);
  });

  it('splits a 15-minute rollup at each day-ahead price, and marks cost unknown where a price line is bad', () => {
    const dir = mkdtempSync(join(tmpdir(), 'energy-prices-'));
    const csv = join(dir, 'import.csv');
    // Quarter-hour prices, 10:00 and 10:15 UTC (11:00 and 11:15 in Paris); the 10:30 line is broken.
    writeFileSync(
      csv,
      'start,price\n2026-01-13T10:00:00Z,0.30\n2026-01-13T10:15:00Z,0.10\n2026-01-13T10:30:00Z,n/a\n2026-01-13T10:45:00Z,0.2\n',
    );
    const config = parisConfig({ import: { csv, resolution_min: 15 } });
    const issues: string[] = [];
    const tariffs = new Tariffs(config, { baseDir: dir, onIssue: (issue) => issues.push(issue) });
    expect(issues).toEqual([`${csv}:4: price "n/a" is not a number`]);
    const engine = new RollupEngine({ planFor: (site) => tariffs.planFor(site), intervals: ['1h'] });
    // Index 0 at 10:05Z, 1,200 Wh at 10:25Z and 1,320 Wh at 10:29Z (60 Wh/min), 2,400 Wh at 11:05Z (30 Wh/min);
    // the reading at 11:05Z closes the hour 10:00–11:00Z.
    const utc = (h: number, m: number) => Date.UTC(2026, 0, 13, h, m);
    engine.push(reading({ ts: utc(10, 5), imp: 0 }));
    engine.push(reading({ ts: utc(10, 25), imp: 1200 }));
    engine.push(reading({ ts: utc(10, 29), imp: 1320 }));
    engine.push(reading({ ts: utc(11, 5), imp: 2400 }));
    const hour = find(engine.drain(), '1h', utc(10, 0));
    // Energy 10:05–11:00Z: 1,320 Wh to 10:29Z, then 1,080 Wh over 36 min (30 Wh/min) of which 31 min are in the hour:
    // 930 Wh. Total 2,250 Wh. The 10:30–10:45Z piece (450 Wh) has no price: the hour's import cost is unknown, and the
    // reason names the CSV line.
    expect(hour.energy_import_wh).toBeCloseTo(2250, 9);
    expect(hour.cost.import).toBeNull();
    expect(hour.cost.unknown).toBe(`${csv}:4: price "n/a" is not a number`);

    // The quarters before the bad line: 10:05–10:15Z 600 Wh at 0.30; 10:15–10:29Z 1,320 − 600 = 720 Wh,
    // plus 10:29–10:30Z of the 10:29–10:35Z segment (180 Wh over 6 min = 30 Wh/min): 30 Wh; 750 Wh at 0.10.
    const early = new RollupEngine({ planFor: (site) => tariffs.planFor(site), intervals: ['15m'] });
    for (const [ts, imp] of [
      [utc(10, 5), 0],
      [utc(10, 25), 1200],
      [utc(10, 29), 1320],
      [utc(10, 35), 1500],
    ] as const) {
      early.push(reading({ ts, imp }));
    }
    const records = early.drain();
    // 0.6 kWh × 0.30 = 0.18 EUR; 0.75 kWh × 0.10 = 0.075 EUR.
    expect(find(records, '15m', utc(10, 0)).cost.import).toBeCloseTo(0.18, 12);
    expect(find(records, '15m', utc(10, 15)).energy_import_wh).toBeCloseTo(750, 9);
    expect(find(records, '15m', utc(10, 15)).cost.import).toBeCloseTo(0.075, 12);
  });
});
