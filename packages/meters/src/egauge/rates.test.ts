import { describe, expect, it } from 'vitest';
import { samplesFromHistory } from './rates.js';
import { registerMappings } from './registers.js';
import type { History } from './xml.js';

const T = 1_718_967_600; // a multiple of 60

/** A history from columns of totals, one row per second ending at T (the last value is the newest). */
function history(columns: Record<string, Array<string | number | bigint>>, spacing = 1): History {
  const rows = new Map<number, Map<string, string>>();
  const length = Math.max(...Object.values(columns).map((c) => c.length));
  for (let k = 0; k < length; k++) {
    const ts = T - (length - 1 - k) * spacing;
    rows.set(ts, new Map(Object.entries(columns).map(([name, values]) => [name, String(values[k])])));
  }
  return { columns: Object.keys(columns).map((name) => ({ name, type: '' })), rows, newestTs: T };
}

const run = (
  h: History,
  specs: Parameters<typeof registerMappings>[0],
  step = 1,
  after?: number,
  reported = new Set<string>(),
) => samplesFromHistory(h, registerMappings(specs, 250_000), { step, after, reported });

describe('samplesFromHistory', () => {
  it('turns W·s totals into W over each step: 1000 W for 10 s rows gives power_w 1000', () => {
    const totals = Array.from({ length: 21 }, (_, k) => 5_000_000 + 1000 * k);
    const result = run(history({ Grid: totals }), ['Grid=P'], 10, T - 20);
    expect(result.samples).toEqual([
      { channel: 'grid', ts: (T - 10) * 1000, values: { power_w: 1000 } },
      { channel: 'grid', ts: T * 1000, values: { power_w: 1000 } },
    ]);
    expect(result.lastTs).toBe(T);
    expect(result.anomalies).toEqual([]);
  });

  it('keeps the sign of bidirectional power registers (export is negative)', () => {
    const result = run(history({ Grid: [1_000_000, 997_500] }), ['Grid=P'], 1, T - 1);
    expect(result.samples[0]?.values).toEqual({ power_w: -2500 });
  });

  it('scales mV·s, mA·s and mHz·s totals to V, A and Hz, and W·s totals to Wh indexes', () => {
    const result = run(
      history({
        Grid: [3_600_000, 3_601_000],
        'L1 Voltage': [4_511_319_123_106, 4_511_319_353_606],
        CT1: [97_553_402_118, 97_553_414_368],
        Hz: [944_129_220_004, 944_129_270_014],
      }),
      [
        { name: 'Grid', unit: 'P', channel: 'grid' },
        { name: 'Grid', unit: 'P', channel: 'grid', value: 'energy_import_wh' },
        { name: 'L1 Voltage', unit: 'V', channel: 'grid', value: 'voltage_v_l1' },
        { name: 'CT1', unit: 'I', channel: 'grid', value: 'current_a_l1' },
        { name: 'Hz', unit: 'F', channel: 'grid' },
      ],
      1,
      T - 1,
    );
    expect(result.samples).toEqual([
      {
        channel: 'grid',
        ts: T * 1000,
        values: {
          power_w: 1000,
          energy_import_wh: 1000.277778,
          voltage_v_l1: 230.5,
          current_a_l1: 12.25,
          frequency_hz: 50.01,
        },
      },
    ]);
  });

  it('returns only the newest step when nothing was returned before, and nothing at or before `after`', () => {
    const h = history({ Grid: [0, 100, 200, 300, 400] });
    expect(run(h, ['Grid=P']).samples.map((s) => s.ts)).toEqual([T * 1000]);
    expect(run(h, ['Grid=P'], 1, T - 2).samples.map((s) => s.ts)).toEqual([(T - 1) * 1000, T * 1000]);
    expect(run(h, ['Grid=P'], 1, T).samples).toEqual([]);
    expect(run(h, ['Grid=P'], 1, T).lastTs).toBeUndefined();
  });

  it('handles the circular S64 totals: a wrap-around is a small step, not a huge negative', () => {
    const result = run(
      history({ Grid: [9_223_372_036_854_775_307n, -9_223_372_036_854_775_808n + 499n] }),
      ['Grid=P'],
      1,
      T - 1,
    );
    expect(result.samples[0]?.values).toEqual({ power_w: 1000 });
  });

  it('skips the interval of a counter reset and goes on after it', () => {
    // a voltage total only grows: a decrease is a reset; a power total back near zero is one too
    const h = history({ V: [9_000_000_000, 9_000_230_000, 230_100, 460_200], P: [7e10, 7e10 + 800, 900, 1800] });
    const result = run(h, ['V=V', 'P=P'], 1, T - 3);
    expect(result.samples).toEqual([
      { channel: 'v', ts: (T - 2) * 1000, values: { voltage_v: 230 } },
      { channel: 'p', ts: (T - 2) * 1000, values: { power_w: 800 } },
      { channel: 'v', ts: T * 1000, values: { voltage_v: 230.1 } },
      { channel: 'p', ts: T * 1000, values: { power_w: 900 } },
    ]);
    expect(result.anomalies).toEqual([]);
    expect(result.lastTs).toBe(T);
  });

  it('reports an implausible jump once, then skips its interval silently', () => {
    const h = history({ Grid: [1000, 2000, 2000 + 1e12, 3000 + 1e12] });
    const first = run(h, ['Grid=P'], 1, T - 3);
    expect(first.anomalies).toEqual([
      {
        key: `Grid@${T - 1}`,
        message: expect.stringMatching(
          /^register "Grid": 1\.000e\+12 W from \S+ to \S+ is implausible \(limit 250000 W\): counter glitch, interval skipped$/,
        ),
      },
    ]);
    const again = run(h, ['Grid=P'], 1, T - 3, new Set([`Grid@${T - 1}`]));
    expect(again.anomalies).toEqual([]);
    expect(again.samples.map((s) => [s.ts / 1000 - T, s.values.power_w])).toEqual([
      [-2, 1000],
      [0, 1000],
    ]);
  });

  it('reports a value that is not a number, in the newer or the older row', () => {
    const newer = run(history({ Grid: [1000, 'NaN'] }), ['Grid=P'], 1, T - 1);
    expect(newer.anomalies[0]?.message).toBe(
      `register "Grid": value "NaN" at ${new Date(T * 1000).toISOString()} is not a number`,
    );
    const older = run(history({ Grid: ['', 1000] }), ['Grid=P'], 1, T - 1);
    expect(older.anomalies[0]?.message).toMatch(/value "" at .* is not a number/);
    expect(newer.samples).toEqual([]);
  });

  it('makes no sample for a step whose earlier row is missing', () => {
    const h = history({ Grid: [0, 1000, 2000] }, 60);
    expect(run(h, ['Grid=P'], 1, T - 200).samples).toEqual([]);
    expect(run(h, ['Grid=P'], 60, T - 200).samples.map((s) => s.values.power_w)).toEqual(
      [1000 / 60, 1000 / 60].map((x) => Math.round(x * 1e6) / 1e6),
    );
  });
});
