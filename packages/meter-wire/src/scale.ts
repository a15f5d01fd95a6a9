/**
 * Scaling between a device's raw numbers and contract units. Decimal scales (1000, 0.01…) shift the decimal
 * point instead of multiplying, so 23012 × 0.01 is 230.12 rather than 230.12000000000003.
 */

/** The exponent e when |scale| is exactly 10^e, else undefined. */
function decimalExponent(scale: number): number | undefined {
  const e = Math.round(Math.log10(Math.abs(scale)));
  return Number(`1e${e}`) === Math.abs(scale) ? e : undefined;
}

/** value × 10^exponent, computed on the decimal representation. */
export function shiftDecimal(value: number, exponent: number): number {
  if (exponent === 0 || !Number.isFinite(value)) return value;
  const [mantissa, exp = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exp) + exponent}`);
}

const noNegativeZero = (n: number) => (n === 0 ? 0 : n);

/** Raw device number → contract unit. */
export function applyScale(raw: number, scale: number, sign: 1 | -1): number {
  const e = decimalExponent(scale);
  const scaled = e === undefined ? raw * scale : shiftDecimal(raw, e) * Math.sign(scale);
  return noNegativeZero(scaled * sign);
}

/** Contract unit → raw device number (the inverse of applyScale, for simulators and tests). */
export function removeScale(value: number, scale: number, sign: 1 | -1): number {
  const e = decimalExponent(scale);
  const unsigned = value * sign;
  return noNegativeZero(e === undefined ? unsigned / scale : shiftDecimal(unsigned, -e) * Math.sign(scale));
}
