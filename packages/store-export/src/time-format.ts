import { usageError } from './errors.js';

const BUCKET_MS = 15 * 60_000;

/** Whether Intl knows this IANA time zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Renders instants as ISO 8601 in a time zone, with its offset (`2026-03-29T03:00:00.000+02:00`; `Z` for
 * UTC), so a row names its instant unambiguously across DST changes. Offsets change only on quarter hours in
 * every zone, so the offset is looked up once per 15 minutes (Intl is far too slow to call per row).
 */
export function timeFormatter(zone: string): (ts: number) => string {
  // the values of one reading share its time: render it once
  let lastTs = Number.NaN;
  let lastText = '';
  const cached = (render: (ts: number) => string) => (ts: number) => {
    if (ts !== lastTs) {
      lastTs = ts;
      lastText = render(ts);
    }
    return lastText;
  };
  if (zone === 'UTC') return cached((ts) => new Date(ts).toISOString());
  const offsetOf = zoneOffset(zone);
  return cached((ts) => {
    const offset = offsetOf(ts);
    const sign = offset < 0 ? '-' : '+';
    const minutes = Math.abs(offset) / 60_000;
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return `${new Date(ts + offset).toISOString().slice(0, -1)}${sign}${hh}:${mm}`;
  });
}

/** The zone's offset from UTC in ms at an instant (local = UTC + offset). */
export function zoneOffset(zone: string): (ts: number) => number {
  if (zone === 'UTC') return () => 0;
  if (!isTimeZone(zone)) {
    throw usageError(`--timezone: unknown time zone "${zone}" (expected an IANA name such as Europe/Brussels)`);
  }
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsets = new Map<number, number>();
  const offsetOf = (ts: number): number => {
    const bucket = Math.floor(ts / BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const at = bucket * BUCKET_MS;
      const p = Object.fromEntries(parts.formatToParts(at).map(({ type, value }) => [type, Number(value)]));
      const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day, p.hour, p.minute, p.second);
      offset = local - at;
      if (offsets.size > 10_000) offsets.clear();
      offsets.set(bucket, offset);
    }
    return offset;
  };
  return offsetOf;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * An instant from the command line: ISO 8601 with `Z` or an offset is taken as is; a date, or a date and time
 * without offset, is a wall-clock time in `zone` (so `--from 2026-03-01 --timezone Europe/Brussels` starts at
 * Brussels' midnight). Undefined if the text is not such a time.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  const local = LOCAL_TIME.exec(text);
  if (local === null) {
    if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
    const ts = Date.parse(text);
    return Number.isNaN(ts) ? undefined : ts;
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = local;
  const wall = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(ms.padEnd(3, '0')),
  );
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== Number(d)) return undefined;
  const offsetOf = zoneOffset(zone);
  // The offset at the wall time read as UTC is at most one DST step off; a second look settles it.
  const first = wall - offsetOf(wall);
  return wall - offsetOf(first);
}
