import { describe, expect, it } from 'vitest';
import { isTimeZone, localDate, startOfLocalDay, startOfLocalMonth } from './local-day.js';

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

describe('startOfLocalMonth', () => {
  it('is local midnight of the first of the month, across a DST change and a year end', () => {
    expect(startOfLocalMonth(Date.UTC(2026, 2, 29, 12), 'Europe/Brussels', 1)).toBe(Date.UTC(2026, 0, 31, 23));
    expect(startOfLocalMonth(Date.UTC(2026, 3, 15, 12), 'Europe/Brussels')).toBe(Date.UTC(2026, 2, 31, 22));
    expect(startOfLocalMonth(Date.UTC(2026, 1, 3), 'UTC', 2)).toBe(Date.UTC(2025, 11, 1));
  });
});
