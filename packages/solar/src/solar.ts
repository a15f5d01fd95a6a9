/** Where the sun is: a compact approximation of the solar position (accurate to well under a degree). */

const DEG = Math.PI / 180;
const MS_PER_DAY = 86_400_000;
/** 2000-01-01T12:00:00Z (J2000.0), ms since the epoch. */
const J2000_MS = 946_728_000_000;

/**
 * Solar elevation above the horizon, in degrees, at `t_ms` (UTC) seen from `latitude`/`longitude`
 * (degrees, east positive). Negative at night.
 */
export function solarElevationDeg(t_ms: number, latitude: number, longitude: number): number {
  const d = (t_ms - J2000_MS) / MS_PER_DAY;
  const meanAnomaly = (357.529 + 0.98560028 * d) * DEG;
  const meanLongitude = 280.459 + 0.98564736 * d;
  const eclipticLongitude = (meanLongitude + 1.915 * Math.sin(meanAnomaly) + 0.02 * Math.sin(2 * meanAnomaly)) * DEG;
  const obliquity = (23.439 - 0.00000036 * d) * DEG;
  const rightAscension = Math.atan2(Math.cos(obliquity) * Math.sin(eclipticLongitude), Math.cos(eclipticLongitude));
  const declination = Math.asin(Math.sin(obliquity) * Math.sin(eclipticLongitude));
  const siderealDeg = (18.697374558 + 24.06570982441908 * d) * 15;
  const hourAngle = siderealDeg * DEG + longitude * DEG - rightAscension;
  const lat = latitude * DEG;
  const sinElevation =
    Math.sin(lat) * Math.sin(declination) + Math.cos(lat) * Math.cos(declination) * Math.cos(hourAngle);
  return Math.asin(Math.max(-1, Math.min(1, sinElevation))) / DEG;
}
