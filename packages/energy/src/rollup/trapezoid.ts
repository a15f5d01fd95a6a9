const MS_PER_HOUR = 3_600_000;

/**
 * Energy (Wh) of the positive part of a power that goes linearly from p1 to p2 (W) over `ms`: the trapezoid, cut at
 * the zero crossing when the sign changes. The negative part is `positiveWh(-p1, -p2, ms)`.
 */
export function positiveWh(p1: number, p2: number, ms: number): number {
  if (p1 >= 0 && p2 >= 0) return ((p1 + p2) / 2) * (ms / MS_PER_HOUR);
  if (p1 <= 0 && p2 <= 0) return 0;
  const zeroAt = p1 / (p1 - p2);
  const area = p1 > 0 ? (p1 * zeroAt * ms) / 2 : (p2 * (1 - zeroAt) * ms) / 2;
  return area / MS_PER_HOUR;
}
