import { expect, it } from 'vitest';
import { isTimeZone, localDate, startOfLocalDay } from './local-day.js';

it('finds local midnights and dates, across DST changes', () => {
  const ts = Date.UTC(2026, 10, 23, 15, 0); // 16:00 in Brussels (UTC+1)
  expect(startOfLocalDay(ts, 'UTC')).toBe(Date.UTC(2026, 10, 23));
  expect(startOfLocalDay(ts, 'Europe/Brussels')).toBe(Date.UTC(2026, 10, 22, 23));
  expect(startOfLocalDay(ts, 'Europe/Brussels', 6)).toBe(Date.UTC(2026, 10, 16, 23));
  // 29 March 2026: Brussels goes from UTC+1 to UTC+2; the day before started at 23:00 UTC, the day after at 22:00.
  const afterDst = Date.UTC(2026, 2, 30, 12);
  expect(startOfLocalDay(afterDst, 'Europe/Brussels')).toBe(Date.UTC(2026, 2, 29, 22));
  expect(startOfLocalDay(afterDst, 'Europe/Brussels', 1)).toBe(Date.UTC(2026, 2, 28, 23));
  expect(localDate(Date.UTC(2026, 10, 22, 23, 30), 'Europe/Brussels')).toBe('2026-11-23');
  expect(localDate(Date.UTC(2026, 10, 22, 23, 30), 'UTC')).toBe('2026-11-22');
  expect(['UTC', 'Europe/Brussels', 'America/Argentina/Buenos_Aires'].every(isTimeZone)).toBe(true);
  expect(['Mars/Olympus', "UTC')", ''].some(isTimeZone)).toBe(false);
});
