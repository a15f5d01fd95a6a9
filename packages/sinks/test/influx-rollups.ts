import type { InfluxdHandle } from '@wattbus/testkit';
import type { StoredRollup } from './sink-suite.js';

/** Every point of measurement `rollup`, as the shared suite compares them (key rebuilt from tags and time). */
export async function readInfluxRollups(influx: InfluxdHandle, db: string): Promise<StoredRollup[]> {
  const [result] = await influx.query('SELECT * FROM "rollup" GROUP BY *', db, { epoch: 'ms' });
  const out: StoredRollup[] = [];
  for (const series of result?.series ?? []) {
    const { site, meter, channel, interval } = series.tags ?? {};
    for (const row of series.values ?? []) {
      const field = (name: string) => row[series.columns.indexOf(name)];
      out.push({
        key: `${site}/${meter}/${channel}/${interval}/${field('time')}`,
        revision: field('revision') as number,
        energy_import_wh: (field('energy_import_wh') ?? null) as number | null,
        coverage: field('coverage') as number,
      });
    }
  }
  return out;
}
