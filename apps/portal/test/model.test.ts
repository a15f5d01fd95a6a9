import { describe, expect, it } from 'vitest';
import { formatEnergy, formatGrid, formatLeftOut, formatPower, formatRatio } from '../public/format.js';
import { groupTotals, parseAlert, parseReading, siteTotals } from '../public/model.js';

const ch = (role: string, power_w: number, ts = 1) => ({ role, power_w, ts });

describe('the numbers the page shows (public/model.js)', () => {
  it('follows the sign convention: consumption +, production −, grid + = import', () => {
    expect(siteTotals([ch('consumption', 2300), ch('production', -3000), ch('grid', -700)])).toEqual({
      consumption: 2300,
      production: 3000,
      grid: -700,
      selfConsumed: 2300,
      ratio: 2300 / 3000,
      ts: 1,
    });
  });

  it('derives the missing flow from the other two', () => {
    expect(siteTotals([ch('grid', 500), ch('production', -2000)])).toMatchObject({ consumption: 2500, ratio: 1 });
    expect(siteTotals([ch('consumption', 800), ch('production', -2000)])).toMatchObject({
      grid: -1200,
      selfConsumed: 800,
      ratio: 0.4,
    });
    expect(siteTotals([ch('grid', 1000)])).toMatchObject({ consumption: 1000, production: null, ratio: null });
    expect(siteTotals([ch('other', 5)])).toMatchObject({ consumption: null, grid: null, production: null });
  });

  it('adds up a group and weighs its self-consumption by production', () => {
    const a = siteTotals([ch('grid', -1000), ch('production', -2000)]); // 1000 of 2000 self-consumed
    const b = siteTotals([ch('grid', 300)]);
    const c = siteTotals([ch('grid', 0), ch('production', -1000)]); // all of 1000 self-consumed
    expect(groupTotals([a, b, c])).toMatchObject({
      consumption: 2300,
      production: 3000,
      grid: -700,
      ratio: 2000 / 3000,
    });
  });

  it('takes only well-formed readings whose topic matches the payload', () => {
    const r = {
      v: 1,
      site: 'house-12',
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      ts: 5,
      seq: 1,
      values: { power_w: 7 },
    };
    expect(parseReading('wattbus/v1/house-12/main/reading', JSON.stringify(r))).toEqual({
      site: 'house-12',
      key: 'main/grid',
      role: 'grid',
      power_w: 7,
      ts: 5,
    });
    expect(parseReading('wattbus/v1/house-13/main/reading', JSON.stringify(r))).toBeNull();
    expect(parseReading('wattbus/v1/house-12/main/reading', '{')).toBeNull();
    expect(parseReading('wattbus/v1/house-12/main/reading', JSON.stringify({ ...r, values: {} }))).toBeNull();
    expect(parseAlert('wattbus/v1/alerts/house-12/sign', '')).toMatchObject({ state: 'resolved' });
    expect(
      parseAlert('wattbus/v1/alerts/house-12/sign', JSON.stringify({ site: 'house-13', rule: 'sign' })),
    ).toBeNull();
  });

  it('writes W below 1 kW, kW above, kWh, whole percentages, and the grid direction in words', () => {
    expect([formatPower(999.4), formatPower(1000), formatPower(-2345)]).toEqual(['999 W', '1.00 kW', '-2.35 kW']);
    expect([formatGrid(500), formatGrid(-1500), formatGrid(0.2)]).toEqual(['500 W import', '1.50 kW export', '0 W']);
    expect([formatEnergy(2400), formatEnergy(12_345)]).toEqual(['2.40 kWh', '12.3 kWh']);
    expect([formatRatio(0.766), formatRatio(null)]).toEqual(['77 %', '–']);
  });

  it('says how many readings the history left out for an absurd power, and nothing when none', () => {
    expect(formatLeftOut({})).toBeNull();
    expect(formatLeftOut({ consumption: 0 })).toBeNull();
    expect(formatLeftOut({ consumption: 1 })).toBe('1 reading of an absurd power (1 GW or more) left out');
    expect(formatLeftOut({ consumption: 2, production: 1 })).toBe(
      '3 readings of an absurd power (1 GW or more) left out',
    );
  });
});
