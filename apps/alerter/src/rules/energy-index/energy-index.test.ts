import { describe, expect, it } from 'vitest';
import { openAt, reading } from '../../../test/fixtures.js';
import { ruleOf } from '../../../test/rule-of.js';

const T0 = Date.UTC(2026, 0, 15, 18);

describe('EnergyIndexRule', () => {
  it('raises an energy index that goes backwards at once, ignoring out-of-order readings', () => {
    const r = ruleOf('energy-index', { rules: { energy_index: { clear_after_s: 60 } } });
    const feed = (ts: number, wh: number) =>
      r.onReading?.(reading('h', 'grid', 'grid', ts, { energy_import_wh: wh, power_w: 1 }), ts);
    feed(T0, 1000);
    feed(T0 + 2000, 1010);
    feed(T0 + 1000, 1005); // out of order: not "backwards"
    expect(openAt(r, 'h')).toEqual([]);
    feed(T0 + 3000, 900);
    expect(openAt(r, 'h')).toEqual([['main/grid', T0 + 3000, 900]]);
    expect(r.evaluate(0).get('h')?.get('main/grid')?.message).toBe('energy_import_wh went back from 1010 to 900');
    feed(T0 + 30_000, 910);
    expect(openAt(r, 'h').length).toBe(1);
    feed(T0 + 90_000, 920);
    expect(openAt(r, 'h')).toEqual([]);
  });
});
