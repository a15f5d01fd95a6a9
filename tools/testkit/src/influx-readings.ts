import type { InfluxdHandle } from './influxd.js';

/** A row read back from InfluxDB, shaped like the Reading it came from. */
export interface StoredReading {
  tags: Record<string, string>;
  ts: number;
  seq: number;
  values: Record<string, number>;
}

/**
 * Every point of `measurement` with its tags, ms timestamp, `seq` field and other fields as values:
 * what a test compares with the readings it published.
 */
export async function readStoredReadings(
  influx: InfluxdHandle,
  db: string,
  measurement = 'reading',
): Promise<StoredReading[]> {
  const [result] = await influx.query(`SELECT * FROM "${measurement}" GROUP BY *`, db, { epoch: 'ms' });
  const rows: StoredReading[] = [];
  for (const series of result?.series ?? []) {
    for (const row of series.values ?? []) {
      const values: Record<string, number> = {};
      let ts = 0;
      let seq = -1;
      series.columns.forEach((column, i) => {
        const v = row[i];
        if (column === 'time') ts = v as number;
        else if (column === 'seq') seq = v as number;
        else if (typeof v === 'number') values[column] = v;
      });
      // GROUP BY * gives "" for a tag key the series does not have (InfluxDB stores no empty tag values)
      const tags = Object.fromEntries(Object.entries(series.tags ?? {}).filter(([, value]) => value !== ''));
      rows.push({ tags, ts, seq, values });
    }
  }
  return rows;
}
