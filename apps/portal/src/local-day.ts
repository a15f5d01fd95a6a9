/** Calendar days in an IANA time zone, with the platform's Intl (no time-zone library). */

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return /^[A-Za-z0-9_+\-/]+$/.test(tz);
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(tz, f);
  }
  return f;
}

/** The wall-clock time at `ts` in `tz`, as if it were UTC (ms). */
function wallClock(ts: number, tz: string): number {
  const p = Object.fromEntries(
    formatIn(tz)
      .formatToParts(ts)
      .map((x) => [x.type, Number(x.value)]),
  );
  return Date.UTC(p.year as number, (p.month as number) - 1, p.day as number, p.hour, p.minute, p.second);
}

/** `YYYY-MM-DD` of the day holding `ts` in `tz`. */
export function localDate(ts: number, tz: string): string {
  return new Date(wallClock(ts, tz)).toISOString().slice(0, 10);
}

/** The instant of local midnight that starts the day `daysBack` days before the one holding `ts`. */
export function startOfLocalDay(ts: number, tz: string, daysBack = 0): number {
  const [y, m, d] = localDate(ts, tz).split('-').map(Number) as [number, number, number];
  const midnightAsUtc = Date.UTC(y, m - 1, d - daysBack);
  // local = utc + offset, so utc = local − offset; the offset is taken at the guess, then corrected once
  // (the offset can differ across a DST change between the guess and the answer).
  let t = midnightAsUtc - (wallClock(midnightAsUtc, tz) - midnightAsUtc);
  t = midnightAsUtc - (wallClock(t, tz) - t);
  return t;
}

/** The instant of local midnight that starts the month `monthsBack` months before the one holding `ts`. */
export function startOfLocalMonth(ts: number, tz: string, monthsBack = 0): number {
  const [y, m, d] = localDate(ts, tz).split('-').map(Number) as [number, number, number];
  const daysBack = (Date.UTC(y, m - 1, d) - Date.UTC(y, m - 1 - monthsBack, 1)) / 86_400_000;
  return startOfLocalDay(ts, tz, daysBack);
}
