// History from InfluxDB through the portal's API (which checks the user's right to the site).
import { api } from './api.js';
import { barChart, lineChart, sizeFor } from './charts.js';
import { formatEnergy, formatGrid, formatLeftOut, formatMoney, formatPower } from './format.js';

/** @import { EnergyCostRow, EnergyDay, LeftOut, Role, SeriesByRole } from './api.js' */

const ROLES = /** @type {const} */ (['consumption', 'production', 'grid']);
const LABELS = { consumption: 'Consumption', production: 'Production', grid: 'Grid' };
// Production is stored negative (sign convention); the page shows it as a positive amount.
const shown = (/** @type {Role} */ role, /** @type {number} */ v) => (role === 'production' ? -v : v);

let requests = 0;

/**
 * Shows in `slot` what `load` draws, unless a newer request for the same slot was made meanwhile (answers
 * can arrive out of order when the user clicks quickly).
 * @param {HTMLElement} slot
 * @param {() => Promise<Node[]>} load
 */
async function render(slot, load) {
  const id = String(++requests);
  slot.dataset.request = id;
  slot.setAttribute('aria-busy', 'true');
  /** @type {Node[]} */
  let nodes;
  try {
    nodes = await load();
  } catch (err) {
    nodes = [message(err)];
  }
  if (slot.dataset.request !== id) return;
  slot.replaceChildren(...nodes);
  slot.removeAttribute('aria-busy');
}

/** @param {number} ts ms since epoch */
function dateTime(ts) {
  return new Date(ts).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** @param {string[]} cells */
function row(cells, header = false) {
  const tr = document.createElement('tr');
  cells.forEach((c, i) => {
    const cell = document.createElement(header || i === 0 ? 'th' : 'td');
    if (!header && i === 0) cell.scope = 'row';
    if (header) cell.scope = 'col';
    cell.textContent = c;
    tr.append(cell);
  });
  return tr;
}

/** @param {SeriesByRole} series */
function powerSummary(series) {
  const table = document.createElement('table');
  table.className = 'summary';
  table.append(row(['', 'Average', 'Peak'], true));
  for (const role of ROLES) {
    const values = (series[role] ?? []).map(([, v]) => shown(role, v));
    const fmt = role === 'grid' ? formatGrid : formatPower;
    const avg = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
    const peak = values.length ? Math.max(...values) : null;
    const tr = row([LABELS[role], avg === null ? '–' : fmt(avg), peak === null ? '–' : fmt(peak)]);
    tr.dataset.role = role;
    table.append(tr);
  }
  return table;
}

/**
 * @param {string} site
 * @param {string} range 24h, 7d or 30d
 * @param {HTMLElement} slot
 */
export function showPowerHistory(site, range, slot) {
  return render(slot, async () => {
    const { series, span_ms, bucket_ms, left_out } = await api.history(site, range);
    const lines = ROLES.map((name) => ({
      name,
      points: (series[name] ?? []).map(([t, v]) => /** @satisfies {[number, number]} */ ([t, shown(name, v)])),
    }));
    const to = Date.now();
    // Missing buckets (no data) break the lines instead of being bridged.
    const size = { ...sizeFor(slot), from: to - span_ms, to, gapMs: 2.5 * bucket_ms };
    const chart = lineChart(`Power of ${site}, last ${range}`, lines, formatPower, dateTime, size);
    return [chart, powerSummary(series), ...note(left_out)];
  });
}

/**
 * @param {string} site
 * @param {number} count days
 * @param {HTMLElement} slot
 */
export function showEnergy(site, count, slot) {
  return render(slot, async () => {
    // One row per day of the households' time zone (the server names the days): Wh per role.
    const { days, timezone, left_out } = await api.energy(site, count);
    const energyOf = (/** @type {Role} */ role, /** @type {EnergyDay} */ day) => shown(role, day[role] ?? 0);
    const bars = ROLES.map((name) => ({ name, values: days.map((d) => energyOf(name, d) / 1000) }));
    const table = document.createElement('table');
    table.className = 'energy';
    table.createCaption().textContent = `Days from midnight to midnight, ${timezone} time`;
    table.append(row(['Day', 'Consumption', 'Production', 'Grid (net)'], true));
    for (const day of days) {
      const tr = row([day.day, ...ROLES.map((r) => formatEnergy(energyOf(r, day)))]);
      tr.dataset.day = day.day;
      table.append(tr);
    }
    const labels = days.map((d) => d.day.slice(5));
    const chart = barChart(`Energy per day of ${site}`, bars, labels, (v) => formatEnergy(v * 1000), sizeFor(slot));
    return [chart, table, ...note(left_out)];
  });
}

/**
 * Energy and the grid's cost per local day or month of a site or a group, from the rollups (days without
 * rollups from the readings, their cost unknown).
 * @param {{ site: string } | { group: string }} scope
 * @param {'day' | 'month'} by
 * @param {HTMLElement} slot
 */
export function showEnergyCost(scope, by, slot) {
  return render(slot, async () => {
    const { rows, currency, timezone } = await api.energyCost(scope, by, by === 'day' ? 7 : 12);
    const wh = (
      /** @type {EnergyCostRow} */ r,
      /** @type {Role} */ role,
      /** @type {'import_wh' | 'export_wh'} */ way,
    ) => formatEnergy(r.roles[role]?.[way] ?? 0);
    const table = document.createElement('table');
    table.className = 'energy-cost';
    table.createCaption().textContent = `${by === 'day' ? 'Days' : 'Months'} in ${timezone} time; cost of the grid`;
    table.append(row([by === 'day' ? 'Day' : 'Month', 'Grid import', 'Grid export', 'Consumption', 'Cost'], true));
    for (const r of rows) {
      const tr = row([
        r.period,
        wh(r, 'grid', 'import_wh'),
        wh(r, 'grid', 'export_wh'),
        wh(r, 'consumption', 'import_wh'),
        formatMoney(r.cost.total, currency),
      ]);
      tr.dataset.period = r.period;
      tr.dataset.source = r.source;
      table.append(tr);
    }
    const unknown = rows.filter((r) => !r.cost_complete).length;
    if (unknown === 0) return [table];
    const p = document.createElement('p');
    p.className = 'cost-note';
    p.textContent = `Cost unknown for ${unknown} ${by === 'day' ? 'day' : 'month'}${unknown === 1 ? '' : 's'} (prices missing, or energy from readings only)`;
    return [table, p];
  });
}

/**
 * A line under the chart when readings were left out, so a gap or a low total is not a mystery.
 * @param {LeftOut} leftOut
 */
function note(leftOut) {
  const text = formatLeftOut(leftOut);
  if (text === null) return [];
  const p = document.createElement('p');
  p.className = 'note';
  p.textContent = text;
  return [p];
}

/** @param {unknown} err */
function message(err) {
  const p = document.createElement('p');
  p.className = 'error';
  p.setAttribute('role', 'alert');
  p.textContent = `History unavailable: ${err instanceof Error ? err.message : String(err)}`;
  return p;
}
