import type { Reading } from '@wattbus/contract';
import type { SinkContext } from '../sink.js';

/** The InfluxDB measurement every reading is written to. */
export const MEASUREMENT = 'reading';

// Line protocol escapes commas, equals signs and spaces in tag keys, tag values and field keys with a
// backslash; a backslash before any other character stays literal. Line protocol cannot carry a newline,
// so newlines become spaces, and a trailing backslash (which would escape the separator after it) is dropped.
// Almost nothing needs escaping (ids and value names cannot), so one test skips the replacements.
const SPECIAL = /[,= \\\r\n]/;
const escapeKey = (s: string) =>
  SPECIAL.test(s) ? s.replace(/\r?\n/g, ' ').replace(/\\+$/, '').replace(/[,= ]/g, '\\$&') : s;

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One reading as one line of InfluxDB line protocol, timestamp in ms (write with `precision=ms`).
 *
 * - tags: site, meter, channel, role, then every label (labels are short, low-cardinality strings such as
 *   a tariff period or a meter serial, which dashboards group by), then `extraTags` (site info tags such as
 *   city and postcode). Tags are sorted by key, as InfluxDB prefers; tags whose value is empty (or only
 *   backslashes, which escaping drops) are left out, since InfluxDB refuses empty tag values.
 * - fields: every value as a float (line protocol numbers without `i`), so a field's type never flips
 *   between integer and float; `seq` as an integer field.
 * - series + timestamp identify the reading, so writing it twice overwrites it: writes are idempotent.
 */
export function toLine(reading: Reading, extraTags: Readonly<Record<string, string>> = NO_TAGS): string {
  let line = `${MEASUREMENT}${tagSet(reading, extraTags)}`;
  let separator = ' ';
  for (const key in reading.values) {
    line += `${separator}${escapeKey(key)}=${formatFloat(reading.values[key as keyof Reading['values']] as number)}`;
    separator = ',';
  }
  return `${line},seq=${reading.seq}i ${reading.ts}`;
}

/** `,key=value…` sorted by key; the common case (no labels, no extra tags) needs no sorting. */
function tagSet(reading: Reading, extraTags: Readonly<Record<string, string>>): string {
  const { site, meter, channel, role, labels } = reading;
  if (isEmpty(labels) && isEmpty(extraTags)) {
    return `,channel=${escapeKey(channel)},meter=${escapeKey(meter)},role=${escapeKey(role)},site=${escapeKey(site)}`;
  }
  const tags: Record<string, string> = { ...extraTags, ...labels, site, meter, channel, role };
  let set = '';
  for (const key of Object.keys(tags).sort()) {
    // a value of only backslashes is empty once escaped, and InfluxDB refuses an empty tag value
    const value = escapeKey(tags[key] as string);
    if (value) set += `,${escapeKey(key)}=${value}`;
  }
  return set;
}

/** Why InfluxDB would refuse this reading's point whatever else is in the write, or undefined. */
export function influxRefusal(reading: Reading): string | undefined {
  if (reading.labels && 'time' in reading.labels) return 'label "time" is reserved by InfluxDB (it cannot be a tag)';
  return undefined;
}

function isEmpty(record: Readonly<Record<string, string>> | undefined): boolean {
  for (const _ in record) return false;
  return true;
}

function formatFloat(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  return String(n);
}

export function toLines(batch: readonly Reading[], tagsFor?: (r: Reading) => Readonly<Record<string, string>>): string {
  return batch.map((r) => toLine(r, tagsFor?.(r))).join('\n');
}

/** The `keys` of a site's info tags that it has, for `toLines`; picked once per site and info. */
export function siteTagsFor(
  context: SinkContext,
  keys: readonly string[],
): ((r: Reading) => Readonly<Record<string, string>>) | undefined {
  if (keys.length === 0) return undefined;
  const picked = new Map<string, { from: Readonly<Record<string, string>>; tags: Readonly<Record<string, string>> }>();
  return (r) => {
    const all = context.siteTags(r.site);
    const cached = picked.get(r.site);
    if (cached?.from === all) return cached.tags;
    const tags: Record<string, string> = {};
    for (const key of keys) {
      const value = all[key];
      if (value !== undefined) tags[key] = value;
    }
    picked.set(r.site, { from: all, tags });
    return tags;
  };
}
