// Units for people: W below 1 kW, kW above; kWh for energy; a ratio as a whole percentage.

/** @param {number} w */
export function formatPower(w) {
  const abs = Math.abs(w);
  if (abs < 1000) return `${Math.round(w)} W`;
  return `${(w / 1000).toFixed(2)} kW`;
}

/**
 * Grid power with its direction in words: positive is import (sign convention of the contract).
 * @param {number} w
 */
export function formatGrid(w) {
  if (Math.round(w) === 0) return '0 W';
  return `${formatPower(Math.abs(w))} ${w > 0 ? 'import' : 'export'}`;
}

/** @param {number} wh */
export function formatEnergy(wh) {
  const kwh = wh / 1000;
  return `${Math.abs(kwh) < 10 ? kwh.toFixed(2) : kwh.toFixed(1)} kWh`;
}

/**
 * What the history left out, in words, or null: `left_out` counts per role the readings of an absurd power
 * (1 GW or more, a meter glitch) that the portal did not add up.
 * @param {Record<string, number>} leftOut
 */
export function formatLeftOut(leftOut) {
  const total = Object.values(leftOut ?? {}).reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  return `${total} reading${total === 1 ? '' : 's'} of an absurd power (1 GW or more) left out`;
}

/** @param {number | null} ratio 0..1, or null when there is no production */
export function formatRatio(ratio) {
  return ratio === null ? '–' : `${Math.round(ratio * 100)} %`;
}

/** @param {number} ts ms since epoch */
export function formatTime(ts) {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/**
 * An amount of money in the tariff's currency, or a dash when it is unknown (never shown as 0).
 * @param {number | null} amount @param {string | null} currency
 */
export function formatMoney(amount, currency) {
  if (amount === null) return '–';
  return currency ? new Intl.NumberFormat('en', { style: 'currency', currency }).format(amount) : amount.toFixed(2);
}
