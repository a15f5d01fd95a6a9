import { isSiteId } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import {
  energyOutlierQuery,
  energyPerDayQuery,
  isRange,
  powerHistoryQuery,
  powerOutlierQuery,
} from './history-queries.js';

describe('history queries', () => {
  it('accepts only contract site ids, never reserved ones or anything that could leave the string literal', () => {
    expect(['house-12', 'a', 'x_1-2'].every(isSiteId)).toBe(true);
    for (const bad of ["house-12' OR '1'='1", 'House', '', 'a\\', 'alerts', 'dlq', 'a b', 'x'.repeat(65), 12, null]) {
      expect(isSiteId(bad), String(bad)).toBe(false);
    }
    expect(() => powerHistoryQuery("x' OR 1=1 --", '24h')).toThrow(RangeError);
    expect(() => energyPerDayQuery("x'", 7, 0, 'UTC')).toThrow(RangeError);
    expect(() => energyPerDayQuery('house-12', 7, 0, "UTC') --")).toThrow(RangeError);
  });

  it('accepts only the fixed ranges and day counts', () => {
    expect(['24h', '7d', '30d'].every(isRange)).toBe(true);
    expect(['1y', '24h; DROP DATABASE wattbus', 'toString', ''].some(isRange)).toBe(false);
    for (const days of [0, 91, 1.5, Number.NaN])
      expect(() => energyPerDayQuery('house-12', days, 0, 'UTC')).toThrow(RangeError);
  });

  it('averages each channel per bucket, then adds up the channels of a role', () => {
    expect(powerHistoryQuery('house-12', '7d')).toBe(
      `SELECT sum("p") AS "power_w" FROM (SELECT mean("power_w") AS "p" FROM "reading" WHERE "site" = 'house-12' ` +
        `AND time > now() - 7d AND "power_w" > -1000000000 AND "power_w" < 1000000000 GROUP BY time(30m), "meter", "channel", "role") WHERE time > now() - 7d ` +
        `GROUP BY time(30m), "role" fill(none)`,
    );
  });

  it('integrates power per day of the time zone, from the local midnight of the first day asked for', () => {
    const now = Date.UTC(2026, 10, 23, 15, 0);
    const utc = `${Date.UTC(2026, 10, 17)}ms`;
    expect(energyPerDayQuery('house-12', 7, now, 'UTC')).toBe(
      `SELECT sum("e") AS "energy_wh" FROM (SELECT integral("power_w", 1h) AS "e" FROM "reading" WHERE ` +
        `"site" = 'house-12' AND time >= ${utc} AND "power_w" > -1000000000 AND "power_w" < 1000000000 ` +
        `GROUP BY time(1d), "meter", "channel", "role") ` +
        `WHERE time >= ${utc} GROUP BY time(1d), "role" fill(none)`,
    );
    const brussels = `${Date.UTC(2026, 10, 16, 23)}ms`;
    expect(energyPerDayQuery('house-12', 7, now, 'Europe/Brussels')).toBe(
      `SELECT sum("e") AS "energy_wh" FROM (SELECT integral("power_w", 1h) AS "e" FROM "reading" WHERE ` +
        `"site" = 'house-12' AND time >= ${brussels} AND "power_w" > -1000000000 AND "power_w" < 1000000000 ` +
        `GROUP BY time(1d), "meter", "channel", "role" ` +
        `tz('Europe/Brussels')) WHERE time >= ${brussels} GROUP BY time(1d), "role" fill(none) tz('Europe/Brussels')`,
    );
  });

  it('counts per role the readings left out for an absurd power (1 GW or more either way)', () => {
    const absurd = `AND ("power_w" <= -1000000000 OR "power_w" >= 1000000000) GROUP BY "role"`;
    expect(powerOutlierQuery('house-12', '24h')).toBe(
      `SELECT count("power_w") AS "left_out" FROM "reading" WHERE "site" = 'house-12' AND time > now() - 24h ${absurd}`,
    );
    const now = Date.UTC(2026, 10, 23, 15, 0);
    expect(energyOutlierQuery('house-12', 7, now, 'UTC')).toBe(
      `SELECT count("power_w") AS "left_out" FROM "reading" WHERE "site" = 'house-12' AND ` +
        `time >= ${Date.UTC(2026, 10, 17)}ms ${absurd}`,
    );
    expect(() => powerOutlierQuery("x'", '24h')).toThrow(RangeError);
  });
});
