import type { Reading } from '@wattbus/contract';
import type { SinkContext } from '../sink.js';

/** The InfluxDB measurement every reading is written to. */
export const MEASUREMENT = 'reading';

// Line protocol escapes commas, equals signs and spaces in tag keys, tag values and field keys with a
// backslash; a backslash before any other character stays literal. Line protocol cannot carry a newline,
// so newlines become spaces, and a trailing backslash (which would escape the separator after it) is dropped.
const escapeKey = (s: string) => s.replace(/\r?\n/g, ' ').replace(/\\+$/, '').replace(/[,= ]/g, '\\$&');

/**
 * One reading as one line of InfluxDB line protocol, timestamp in ms (write with `precision=ms`).
 *
 * - tags: site, meter, channel, role, then every label (labels are short, low-cardinality strings such as
 *   a tariff period or a meter serial, which dashboards group by), then `extraTags` (site info tags such as
 *   city and postcode). Tags are sorted by key, as InfluxDB prefers; empty tag values are left out.
 * - fields: every value as a float (line protocol numbers without `i`), so a field's type never flips
 *   between integer and float; `seq` as an integer field.
 * - series + timestamp identify the reading, so writing it twice overwrites it: writes are idempotent.
 */
export function toLine(reading: Reading, extraTags: Readonly<Record<string, string>> = {}): string {
  const tags: Record<string, string> = {
    ...extraTags,
    ...reading.labels,
    site: reading.site,
    meter: reading.meter,
    channel: reading.channel,
    role: reading.role,
  };
  let line = MEASUREMENT;
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key];
    if (value) line += `,${escapeKey(key)}=${escapeKey(value)}`;
  }
  let first = true;
  for (const [key, value] of Object.entries(reading.values)) {
    line += `${first ? ' ' : ','}${escapeKey(key)}=${formatFloat(value)}`;
    first = false;
  }
  return `${line},seq=${reading.seq}i ${reading.ts}`;
}

function formatFloat(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return String(n);
}

export function toLines(batch: readonly Reading[], tagsFor?: (r: Reading) => Readonly<Record<string, string>>): string {
  return batch.map((r) => toLine(r, tagsFor?.(r))).join('\n');
}

/** The `keys` of a site's info tags that it has, for `toLines`. */
export function siteTagsFor(
  context: SinkContext,
  keys: readonly string[],
): ((r: Reading) => Readonly<Record<string, string>>) | undefined {
  if (keys.length === 0) return undefined;
  return (r) => {
    const all = context.siteTags(r.site);
    const picked: Record<string, string> = {};
    for (const key of keys) {
      const value = all[key];
      if (value !== undefined) picked[key] = value;
    }
    return picked;
  };
}
