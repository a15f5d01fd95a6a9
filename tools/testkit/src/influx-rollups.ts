/** Tags of the `rollup` measurement; every other property of a record is a field (docs/energy.md). */
const ROLLUP_TAGS = ['site', 'meter', 'channel', 'interval'] as const;

type Json = string | number | boolean | null | { [key: string]: Json };

const escapeTag = (s: string) => s.replace(/[,= ]/g, '\\$&');
const escapeKey = escapeTag;

function fieldsOf(prefix: string, value: Json, out: string[]): void {
  if (value === null) return; // InfluxDB has no null: an unknown stays unwritten
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) fieldsOf(prefix ? `${prefix}_${k}` : k, v, out);
  } else if (typeof value === 'string') {
    out.push(`${escapeKey(prefix)}="${value.replace(/["\\]/g, '\\$&')}"`);
  } else {
    out.push(`${escapeKey(prefix)}=${Number(value)}`);
  }
}

/**
 * Rollup records (the contract's `Rollup`) as line protocol of the `rollup` measurement, as the Influx sink
 * stores them: tags site, meter, channel, interval; the other properties as fields, nested objects flattened
 * with `_`; the timestamp is `start` (ms precision). For tests and benchmarks that need rollups in a real influxd.
 */
export function rollupLines(records: readonly Record<string, unknown>[]): string[] {
  return records.map((record) => {
    const tags = ROLLUP_TAGS.map((t) => `${t}=${escapeTag(String(record[t]))}`).join(',');
    const fields: string[] = [];
    for (const [k, v] of Object.entries(record)) {
      if (!(ROLLUP_TAGS as readonly string[]).includes(k)) fieldsOf(k, v as Json, fields);
    }
    return `rollup,${tags} ${fields.join(',')} ${record.start}`;
  });
}
