import { describe, expect, it } from 'vitest';
import { parseInstant, timeFormatter } from './time-format.js';

describe('times in a zone', () => {
  it('render with the offset in force, across DST changes and in zones off the whole hour', () => {
    const brussels = timeFormatter('Europe/Brussels');
    expect(brussels(Date.UTC(2026, 2, 29, 0, 59, 59, 999))).toBe('2026-03-29T01:59:59.999+01:00');
    expect(brussels(Date.UTC(2026, 2, 29, 1))).toBe('2026-03-29T03:00:00.000+02:00');
    expect(brussels(Date.UTC(2026, 9, 25, 0, 30))).toBe('2026-10-25T02:30:00.000+02:00');
    expect(brussels(Date.UTC(2026, 9, 25, 1, 30))).toBe('2026-10-25T02:30:00.000+01:00');
    expect(timeFormatter('Asia/Kolkata')(Date.UTC(2026, 0, 1))).toBe('2026-01-01T05:30:00.000+05:30');
    expect(timeFormatter('America/St_Johns')(Date.UTC(2026, 0, 1))).toBe('2025-12-31T20:30:00.000-03:30');
    expect(timeFormatter('UTC')(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00.000Z');
  });

  it('parse wall-clock times in the zone, and instants with an offset as they are', () => {
    expect(parseInstant('2026-03-29', 'Europe/Brussels')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(parseInstant('2026-03-29T05:00', 'Europe/Brussels')).toBe(Date.UTC(2026, 2, 29, 3));
    expect(parseInstant('2026-07-01T00:00:00Z', 'Europe/Brussels')).toBe(Date.UTC(2026, 6, 1));
    expect(parseInstant('2026-07-01T02:00:00+02:00', 'UTC')).toBe(Date.UTC(2026, 6, 1));
    expect(parseInstant('2026-02-30', 'UTC')).toBeUndefined();
    expect(parseInstant('yesterday', 'UTC')).toBeUndefined();
  });
});
