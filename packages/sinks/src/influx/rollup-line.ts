import type { Rollup } from '@wattbus/contract';

/** The InfluxDB measurement every rollup is written to. */
export const ROLLUP_MEASUREMENT = 'rollup';

const TAGS = ['site', 'meter', 'channel', 'interval'] as const;

type Json = string | number | boolean | null | { readonly [key: string]: Json };

// Ids, interval and period names need no escaping (their patterns allow none of , = space \); strings in field
// values escape " and \.
function fieldsOf(name: string, value: Json, out: string[]): void {
  if (value === null) return; // InfluxDB has no null: an unknown stays unwritten
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) fieldsOf(name ? `${name}_${k}` : k, v, out);
  } else if (typeof value === 'string') out.push(`${name}="${value.replace(/["\\]/g, '\\$&')}"`);
  else out.push(`${name}=${Number(value)}`);
}

/**
 * One rollup as one point: tags site, meter, channel, interval; timestamp = the interval's start (ms), so every
 * revision of one rollup is the same point and the one written last replaces the fields it has. Every other
 * property is a field, nested objects flattened with `_` (`periods_HP_import_wh`, `power_w_mean`, `cost_unknown`…),
 * numbers as floats (as readings' values are, so a field's type never flips); a null is not written
 * (docs/energy.md, "In Grafana").
 */
export function rollupToLine(rollup: Rollup): string {
  const fields: string[] = [];
  for (const [k, v] of Object.entries(rollup)) {
    if (!(TAGS as readonly string[]).includes(k)) fieldsOf(k, v as Json, fields);
  }
  const tags = TAGS.map((t) => `${t}=${rollup[t]}`).join(',');
  return `${ROLLUP_MEASUREMENT},${tags} ${fields.join(',')} ${rollup.start}`;
}
