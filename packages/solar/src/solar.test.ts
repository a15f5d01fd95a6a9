import { describe, expect, it } from 'vitest';
import { solarElevationDeg } from './solar.js';

const MINUTE = 60_000;

/** Highest elevation of a UTC day, and when it happens. */
function dayMax(dayStart: number, lat: number, lon: number): { elevation: number; at: number } {
  let best = { elevation: -90, at: dayStart };
  for (let m = 0; m < 1440; m++) {
    const t = dayStart + m * MINUTE;
    const elevation = solarElevationDeg(t, lat, lon);
    if (elevation > best.elevation) best = { elevation, at: t };
  }
  return best;
}

describe('solarElevationDeg', () => {
  it('peaks at 90 - lat + declination around the solstices in Brussels', () => {
    const june = dayMax(Date.UTC(2024, 5, 21), 50.85, 4.35);
    expect(june.elevation).toBeCloseTo(90 - 50.85 + 23.44, 0);
    // solar noon is ~12:00 UTC minus 4.35°/15 h (17 min) minus the equation of time (~2 min in June)
    expect(june.at).toBeGreaterThan(Date.UTC(2024, 5, 21, 11, 35));
    expect(june.at).toBeLessThan(Date.UTC(2024, 5, 21, 11, 50));

    const december = dayMax(Date.UTC(2024, 11, 21), 50.85, 4.35);
    expect(december.elevation).toBeCloseTo(90 - 50.85 - 23.44, 0);
  });

  it('is below the horizon at night and follows the longitude', () => {
    expect(solarElevationDeg(Date.UTC(2024, 5, 21, 0, 0), 50.85, 4.35)).toBeLessThan(-10);
    // solar noon in New York (74°W) is about 5 h after Greenwich
    const ny = dayMax(Date.UTC(2024, 2, 20), 40.7, -74);
    expect(ny.at).toBeGreaterThan(Date.UTC(2024, 2, 20, 16, 50));
    expect(ny.at).toBeLessThan(Date.UTC(2024, 2, 20, 17, 15));
  });

  it('stays below the horizon all day in polar night and above it in polar day', () => {
    expect(dayMax(Date.UTC(2024, 11, 21), 78, 15).elevation).toBeLessThan(-10);
    let min = 90;
    for (let m = 0; m < 1440; m++) min = Math.min(min, solarElevationDeg(Date.UTC(2024, 5, 21) + m * MINUTE, 78, 15));
    expect(min).toBeGreaterThan(10);
  });
});
