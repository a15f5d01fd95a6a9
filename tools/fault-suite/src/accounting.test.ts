import type { StoredReading } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { account, formatCounts } from './accounting.js';

const row = (channel: string, seq: number, ts: number, role = 'grid'): StoredReading => ({
  tags: { site: 's', meter: 'm', channel, role },
  seq,
  ts,
  values: {},
});

it('counts generated, stored, missing and duplicated by (site, meter, channel, ts) and seq', () => {
  const generated = {
    lastSeq: new Map([
      ['s/m/grid', 5],
      ['s/m/pv', 2],
    ]),
    dropped: 0,
  };
  const rows = [
    row('grid', 1, 100),
    row('grid', 2, 200),
    row('grid', 2, 200, 'other'), // same key under another tag set: a second series in InfluxDB
    row('grid', 3, 250), // seq 3 at 250 …
    row('grid', 3, 300), // … and again at 300: the same reading twice
    row('grid', 5, 500),
    row('pv', 1, 100),
    row('pv', 9, 900), // never generated
  ];
  const c = account(generated, rows);
  expect(c).toMatchObject({ generated: 7, stored: 7, missing: 2, duplicated: 2, unexpected: 1 });
  expect(c.missingReadings).toEqual([
    { channel: 's/m/grid', seq: 4, afterSeq: 3, after: 250, before: 500 },
    { channel: 's/m/pv', seq: 2, afterSeq: 1, after: 100, before: undefined },
  ]);
  expect(c.missingByChannel).toEqual({ 's/m/grid': ['4'], 's/m/pv': ['2'] });
  expect(formatCounts('x', 7, c)).toMatch(/^faults\[x\] seed=7 generated=7 stored=7 missing=2 duplicated=2 /);
});

it('reports runs of missing seqs as ranges', () => {
  const c = account({ lastSeq: new Map([['s/m/grid', 10]]), dropped: 4 }, [row('grid', 1, 1), row('grid', 6, 6)]);
  expect(c.missingByChannel).toEqual({ 's/m/grid': ['2-5', '7-10'] });
  expect(c).toMatchObject({ generated: 10, stored: 2, missing: 8, dropped: 4 });
});
