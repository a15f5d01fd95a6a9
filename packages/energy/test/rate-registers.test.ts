import type { Reading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { engineFor, find, paris, parisConfig, reading } from './fixtures.js';

/** A reading with the meter's own rate registers (`energy_import_wh_<rate>`) beside its total. */
function withRates(ts: number, imp: number, rates: Record<string, number>, direction = 'import'): Reading {
  const r = reading({ ts, imp });
  for (const [rate, index] of Object.entries(rates)) r.values[`energy_${direction}_wh_${rate}`] = index;
  return r;
}

const at = (hhmm: string) => paris(`2026-01-13T${hhmm}`);

describe('periods from the meter’s rate registers', () => {
  it('split each index delta as the HC/HP registers moved, not as the calendar says, and price each period', () => {
    // The calendar: HP 06:00–22:00, HP 0.25, HC 0.20 EUR/kWh. The meter switches to HP at 06:05 by its own clock.
    const engine = engineFor(parisConfig(), { intervals: ['1h'] });
    engine.push(withRates(at('05:50'), 1500, { hc: 1000, hp: 500 }));
    engine.push(withRates(at('06:10'), 1700, { hc: 1150, hp: 550 }));
    engine.push(withRates(at('07:10'), 2900, { hc: 1150, hp: 1750 }));
    const records = engine.drain();
    // 05:50–06:10: 200 Wh, of which the registers say 150 HC and 50 HP (shares 3/4, 1/4); 10 min in each hour:
    // 100 Wh → HC 75, HP 25. 06:10–07:10: 1,200 Wh, all HP; 50 min in the 06:00 hour: 1,000 Wh HP.
    const five = find(records, '1h', at('05:00'));
    expect(five.energy_import_wh).toBeCloseTo(100, 9);
    expect(five.periods.HC?.import_wh).toBeCloseTo(75, 9);
    expect(five.periods.HP?.import_wh).toBeCloseTo(25, 9);
    const six = find(records, '1h', at('06:00'));
    expect(six.energy_import_wh).toBeCloseTo(1100, 9);
    expect(Object.keys(six.periods).sort()).toEqual(['HC', 'HP']);
    expect(six.periods.HC?.import_wh).toBeCloseTo(75, 9);
    expect(six.periods.HP?.import_wh).toBeCloseTo(1025, 9);
    // Each period at its own price: 0.075 kWh × 0.20 + 1.025 kWh × 0.25 = 0.015 + 0.25625 = 0.27125 EUR.
    expect(six.cost.import).toBeCloseTo(0.27125, 12);
    expect(six.energy_source.import).toBe('index');

    // The same totals without registers: the calendar puts all of 06:00–07:00 in HP, 1.1 kWh × 0.25 = 0.275 EUR.
    const calendar = engineFor(parisConfig(), { intervals: ['1h'] });
    for (const [hhmm, imp] of [
      ['05:50', 1500],
      ['06:10', 1700],
      ['07:10', 2900],
    ] as const) {
      calendar.push(reading({ ts: at(hhmm), imp }));
    }
    const plain = find(calendar.drain(), '1h', at('06:00'));
    expect(plain.periods).toEqual({ HP: { import_wh: expect.closeTo(1100, 9), export_wh: 0 } });
    expect(plain.cost.import).toBeCloseTo(0.275, 12);
  });

  it('take the total as the amount and the registers as the split, and fall back to the calendar where they break', () => {
    const engine = engineFor(parisConfig(), { intervals: ['1h'] });
    engine.push(withRates(at('10:00'), 0, { t1: 0, t2: 0 }));
    // 10:00–10:30: total 300 Wh; the registers moved 99 + 198 = 297 Wh (they round): T1 100, T2 200 of the total.
    engine.push(withRates(at('10:30'), 300, { t1: 99, t2: 198 }));
    // 10:30–11:00: 300 Wh, all T2.
    engine.push(withRates(at('11:00'), 600, { t1: 99, t2: 498 }));
    // 11:00–11:10: 100 Wh, but t1 goes backwards (a register reset): this segment is split by the calendar (HP).
    engine.push(withRates(at('11:10'), 700, { t1: 0, t2: 600 }));
    // 11:10–12:00: 600 Wh, all T2 — but the 12:00 reading lacks t2: that segment goes by the calendar too.
    engine.push(withRates(at('11:40'), 1000, { t1: 0, t2: 900 }));
    engine.push(withRates(at('12:00'), 1300, { t1: 0 }));
    const records = engine.drain();
    const ten = find(records, '1h', at('10:00'));
    expect(ten.energy_import_wh).toBeCloseTo(600, 9);
    expect(ten.periods.T1?.import_wh).toBeCloseTo(100, 9);
    expect(ten.periods.T2?.import_wh).toBeCloseTo(500, 9);
    // The tariff prices HP and HC only: energy in T1 and T2 has no price, and the reason says which period.
    expect(ten.cost.import).toBeNull();
    expect(ten.cost.unknown).toBe('no fixed price for period "T1"');
    const eleven = find(records, '1h', at('11:00'));
    // 11:00–11:10 calendar HP 100; 11:10–11:40 registers T2 300; 11:40–12:00 (t2 missing at 12:00) calendar HP 300.
    expect(eleven.energy_import_wh).toBeCloseTo(700, 9);
    expect(eleven.periods.HP?.import_wh).toBeCloseTo(400, 9);
    expect(eleven.periods.T2?.import_wh).toBeCloseTo(300, 9);
    expect(eleven.periods.T1).toBeUndefined();
  });

  it('price register periods with the tariff’s "*" price, and split export registers the same way', () => {
    const engine = engineFor(parisConfig({ import: { fixed: { '*': 0.3 } }, export: { fixed: { T2: 0.05 } } }), {
      intervals: ['1h'],
    });
    const r = (hhmm: string, imp: number, exp: number, t1: number, t2: number) => {
      const x = withRates(at(hhmm), imp, { t1: imp });
      x.values.energy_export_wh = exp;
      x.values.energy_export_wh_t1 = t1;
      x.values.energy_export_wh_t2 = t2;
      return x;
    };
    // Import: only a t1 register, which moves with the total: all T1, at the "*" price 0.30.
    // Export 13:00–14:00: 400 Wh, registers t1 +100, t2 +300: T1 100 (no export price for T1), T2 300.
    engine.push(r('13:00', 0, 0, 0, 0));
    engine.push(r('14:00', 1000, 400, 100, 300));
    engine.push(r('14:30', 1100, 400, 100, 300));
    const hour = find(engine.drain(), '1h', at('13:00'));
    expect(hour.periods.T1?.export_wh).toBeCloseTo(100, 9);
    expect(hour.periods.T2?.export_wh).toBeCloseTo(300, 9);
    expect(hour.energy_export_wh).toBeCloseTo(400, 9);
    expect(hour.periods.T1?.import_wh).toBeCloseTo(1000, 9);
    expect(hour.cost.import).toBeCloseTo(0.3, 12);
    expect(hour.cost.export).toBeNull();
    expect(hour.cost.unknown).toBe('no fixed price for period "T1"');
  });

  it('keep the registers through a snapshot and restore', () => {
    const push = (e: ReturnType<typeof engineFor>, from: number, to: number) => {
      for (let m = from; m <= to; m++) {
        const hc = m < 30 ? 10 * m : 300;
        e.push(withRates(at('05:00') + m * 60_000, 10 * m, { hc, hp: 10 * m - hc }));
      }
    };
    const whole = engineFor(parisConfig(), { intervals: ['1h'] });
    push(whole, 0, 61);
    const before = engineFor(parisConfig(), { intervals: ['1h'] });
    push(before, 0, 40);
    before.drain();
    const after = engineFor(parisConfig(), { intervals: ['1h'] });
    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    push(after, 41, 61);
    const hour = find(after.drain(), '1h', at('05:00'));
    expect(hour).toEqual(find(whole.drain(), '1h', at('05:00')));
    // 05:00–05:30 HC (300 Wh), 05:30–06:00 HP by the registers (the calendar says HC until 06:00).
    expect(hour.periods.HC?.import_wh).toBeCloseTo(300, 9);
    expect(hour.periods.HP?.import_wh).toBeCloseTo(300, 9);
  });
});
