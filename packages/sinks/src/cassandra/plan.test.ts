import { exampleReading, type Reading, type Rollup } from '@wattbus/contract';
import { types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { testConfig as config } from '../../test/cassandra-config.js';
import { rollup } from '../../test/sink-suite.js';
import { MAX_ROWS_PER_BATCH, planRollupWrites, planWrites } from './cassandra-sink.js';
import { chunksByPartition, latestPerKey } from './plan.js';

const reading = (over: Partial<Reading>): Reading => ({ ...exampleReading(), ...over });

describe('Cassandra write plan', () => {
  it('keeps one version per key: the highest seq, and of equal seqs the last message', () => {
    const older = reading({ seq: 1, values: { power_w: 1 } });
    const newer = reading({ seq: 2, values: { power_w: 2 } });
    const other = reading({ ts: older.ts + 1000, seq: 3, values: { power_w: 3 } });
    expect(latestPerKey([older, newer, other])).toEqual([newer, other]);
    expect(latestPerKey([newer, older])).toEqual([newer]); // an older version sent again loses
    const first = reading({ seq: 7, values: { power_w: 10 } });
    const second = reading({ seq: 7, values: { power_w: 20 } });
    expect(latestPerKey([first, second])).toEqual([second]);
  });

  it('groups rows by partition, in chunks of at most maxRows', () => {
    const rows = ['a1', 'b1', 'a2', 'a3', 'b2', 'a4', 'a5'];
    expect(chunksByPartition(rows, (r) => r[0] as string, 2)).toEqual([
      ['a1', 'a2'],
      ['a3', 'a4'],
      ['a5'],
      ['b1', 'b2'],
    ]);
  });

  it('writes both tables from the same version, each request within one partition', () => {
    const channels = ['grid', 'production'];
    const batch: Reading[] = [];
    for (let i = 0; i < 2 * MAX_ROWS_PER_BATCH + 10; i++) {
      for (const channel of channels) {
        batch.push(reading({ channel, seq: i + 1, ts: Date.UTC(2026, 0, 1) + i * 1000, values: { power_w: i } }));
      }
    }
    // a second, newer version of the first grid reading comes last in the batch
    batch.push(reading({ channel: 'grid', seq: 10_000, ts: Date.UTC(2026, 0, 1), values: { power_w: -5 } }));
    const plan = planWrites(config, batch);
    const readings = plan.filter((w) => w.cql.includes('.readings '));
    const power = plan.filter((w) => w.cql.includes('.site_power '));
    // readings: 2 channel partitions of 210 rows → 3 chunks each; site_power: one site-day of 420 → 5 chunks
    expect(readings.map((w) => w.rows.length)).toEqual([100, 100, 10, 100, 100, 10]);
    expect(power.map((w) => w.rows.length)).toEqual([100, 100, 100, 100, 20]);
    for (const w of readings) expect(new Set(w.rows.map((r) => `${r[0]}/${r[1]}/${r[2]}/${r[3]}`)).size).toBe(1);
    for (const w of power) expect(new Set(w.rows.map((r) => `${r[0]}/${r[1]}`)).size).toBe(1);
    const firstGrid = (rows: unknown[][], tsAt: number) =>
      rows.filter((r) => r[tsAt] instanceof Date && (r[tsAt] as Date).getTime() === Date.UTC(2026, 0, 1));
    const gridReadings = firstGrid(
      readings.flatMap((w) => w.rows),
      4,
    ).filter((r) => r[2] === 'grid');
    const gridPower = firstGrid(
      power.flatMap((w) => w.rows),
      2,
    ).filter((r) => r[4] === 'grid');
    expect(gridReadings.map((r) => [(r[7] as Record<string, number>).power_w, r[9]])).toEqual([
      [-5, types.Long.fromNumber(10_000)],
    ]);
    expect(gridPower.map((r) => [r[6], r[9]])).toEqual([[-5, types.Long.fromNumber(10_000)]]);
  });
});

describe('Cassandra rollup write plan', () => {
  const ofSite = (site: string, r: Rollup): Rollup => ({ ...r, site, key: r.key.replace('house-1', site) });
  const groupOf = (site: string) => (site === 'house-1' ? 'coop-a' : undefined);

  it("writes the newest revision of each key to its site's day, and to its group's day when the site has one", () => {
    // 21 quarters × 5 channels, all on 2026-01-13 (UTC): 105 rows of one site-day
    const onChannel = (ch: number, r: Rollup): Rollup => ({
      ...r,
      channel: `c${ch}`,
      key: r.key.replace('/grid/', `/c${ch}/`),
    });
    const quarters = Array.from({ length: 21 }, (_, q) => q);
    const batch = [
      ...quarters.flatMap((q) => [0, 1, 2, 3, 4].map((ch) => onChannel(ch, rollup(q, 1, q)))),
      onChannel(0, rollup(0, 0, 999)), // an older revision later in the batch loses
      ...quarters.slice(0, 3).map((q) => ofSite('house-2', rollup(q, 0, q))),
    ];
    const plan = planRollupWrites(config, batch, groupOf);
    const site = plan.filter((w) => w.cql.includes('.site_rollups '));
    const group = plan.filter((w) => w.cql.includes('.group_rollups '));
    // one partition per site and day, cut at MAX_ROWS_PER_BATCH
    expect(site.map((w) => [w.rows[0]?.[0], w.rows.length])).toEqual([
      ['house-1', 100],
      ['house-1', 5],
      ['house-2', 3],
    ]);
    expect(group.map((w) => [w.rows[0]?.[0], w.rows.length])).toEqual([
      ['coop-a', 100],
      ['coop-a', 5],
    ]);
    expect(group.flatMap((w) => w.rows).every((r) => r[4] === 'house-1')).toBe(true);
    const first = site[0]?.rows[0] ?? [];
    expect([first[8], first.at(-1)]).toEqual([1, types.Long.fromNumber(1)]); // revision, write timestamp
    expect(first[11]).toBe(0); // energy_import_wh of revision 1, not the 999 of revision 0
  });

  it('splits partitions by interval and UTC day of the start', () => {
    const day = { ...rollup(0, 0, 1), interval: '1d' as const, key: 'house-1/main/grid/1d/x' };
    const nextDay = { ...rollup(4 * 24, 0, 1) }; // 24 h later
    const plan = planRollupWrites(config, [rollup(0, 0, 1), day, nextDay], () => undefined);
    expect(plan.map((w) => [w.rows[0]?.[1], String(w.rows[0]?.[2])])).toEqual([
      ['15m', '2026-01-13'],
      ['1d', '2026-01-13'],
      ['15m', '2026-01-14'],
    ]);
  });
});
