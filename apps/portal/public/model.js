// Turning the latest reading of every channel of a site into the four numbers the page shows.
// Sign convention (contract v1): consumption positive, production negative, grid positive = import.

/**
 * @typedef {{ role: string, power_w: number, ts: number }} ChannelPower
 * @typedef {ChannelPower & { site: string, key: string }} Reading the power of one channel, key "meter/channel"
 * @typedef {{ consumption: number | null, production: number | null, grid: number | null,
 *             selfConsumed: number | null, ratio: number | null, ts: number }} Totals
 * @typedef {{ topic: string, site: string, rule: string, state: 'resolved' }} ClearedAlert
 * @typedef {{ topic: string, site: string, rule: string, state: 'raised' | 'resolved',
 *             severity: 'info' | 'warning' | 'critical', message: string, open: AlertSubject[], ts: number }} Alert
 * @typedef {{ subject: string, since: number, message: string }} AlertSubject one open problem, as the alerter
 *   sends it (contract's alert schema; not checked here)
 */

/**
 * @param {Iterable<ChannelPower>} channels the latest power of each channel of one site
 * @returns {Totals} production as a positive number; values a site cannot know are null
 */
export function siteTotals(channels) {
  let consumption = 0;
  let production = 0;
  let grid = 0;
  let ts = 0;
  const has = { consumption: false, production: false, grid: false };
  for (const c of channels) {
    ts = Math.max(ts, c.ts);
    if (c.role === 'consumption') consumption += c.power_w;
    else if (c.role === 'production') production -= c.power_w;
    else if (c.role === 'grid') grid += c.power_w;
    else continue;
    has[c.role] = true;
  }
  // Without a meter on one of the three flows, it follows from the other two: consumption = grid + production.
  if (!has.consumption && has.grid) consumption = grid + production;
  if (!has.grid && has.consumption) grid = consumption - production;
  const known = has.consumption || has.grid;
  const exported = Math.max(0, -grid);
  const selfConsumed = has.production && known ? Math.max(0, Math.min(production, production - exported)) : null;
  return {
    consumption: known ? consumption : null,
    production: has.production ? production : null,
    grid: known ? grid : null,
    selfConsumed,
    ratio: selfConsumed !== null && production > 0 ? selfConsumed / production : null,
    ts,
  };
}

/** @param {Totals[]} sites @returns {Totals} */
export function groupTotals(sites) {
  const sum = (/** @type {keyof Totals} */ k) => {
    const known = sites.map((s) => s[k]).filter((v) => v !== null);
    return known.length === 0 ? null : known.reduce((a, b) => a + b, 0);
  };
  const production = sum('production');
  const selfConsumed = sum('selfConsumed');
  return {
    consumption: sum('consumption'),
    production,
    grid: sum('grid'),
    selfConsumed,
    ratio: selfConsumed !== null && production !== null && production > 0 ? selfConsumed / production : null,
    ts: Math.max(0, ...sites.map((s) => s.ts)),
  };
}

/** @param {unknown} x @returns {x is Record<string, unknown>} */
const isRecord = (x) => typeof x === 'object' && x !== null;

/**
 * A reading from the broker, checked enough to display: the topic's site and meter must be the payload's
 * and power_w a finite number. Returns null for anything else.
 * @param {string} topic @param {string} text
 * @returns {Reading | null}
 */
export function parseReading(topic, text) {
  const m = /^wattbus\/v1\/([a-z0-9][a-z0-9_-]{0,63})\/([a-z0-9][a-z0-9_-]{0,63})\/reading$/.exec(topic);
  const site = m?.[1];
  const meter = m?.[2];
  if (site === undefined || meter === undefined) return null;
  /** @type {unknown} */
  let r;
  try {
    r = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(r) || r.v !== 1 || r.site !== site || r.meter !== meter) return null;
  const power = isRecord(r.values) ? r.values.power_w : undefined;
  if (typeof power !== 'number' || !Number.isFinite(power) || typeof r.channel !== 'string') return null;
  if (typeof r.ts !== 'number' || typeof r.role !== 'string') return null;
  return { site, key: `${meter}/${r.channel}`, role: r.role, power_w: power, ts: r.ts };
}

const SEVERITIES = /** @type {const} */ (['info', 'warning', 'critical']);

/** @param {unknown} s @returns {s is Alert['severity']} */
const isSeverity = (s) => SEVERITIES.some((known) => known === s);

/**
 * An alert from `wattbus/v1/alerts/<site>/<rule>`, or null when the topic is not one or the payload is
 * another alert's. An empty payload (a cleared retained message) is a resolved alert.
 * @param {string} topic @param {string} text
 * @returns {Alert | ClearedAlert | null}
 */
export function parseAlert(topic, text) {
  const m = /^wattbus\/v1\/alerts\/([a-z0-9][a-z0-9_-]{0,63})\/([a-z0-9][a-z0-9_-]{0,63})$/.exec(topic);
  const site = m?.[1];
  const rule = m?.[2];
  if (site === undefined || rule === undefined) return null;
  const base = { topic, site, rule };
  if (text === '') return { ...base, state: 'resolved' };
  try {
    /** @type {unknown} */
    const a = JSON.parse(text);
    if (!isRecord(a) || a.site !== site || a.rule !== rule) return null;
    return {
      ...base,
      state: a.state === 'raised' ? 'raised' : 'resolved',
      severity: isSeverity(a.severity) ? a.severity : 'warning',
      message: String(a.message ?? ''),
      open: Array.isArray(a.open) ? a.open : [],
      ts: typeof a.ts === 'number' ? a.ts : 0,
    };
  } catch {
    // String() of a message such as {"toString": 1} throws
    return null;
  }
}
