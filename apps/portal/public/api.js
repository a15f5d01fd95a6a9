// The portal's JSON API. The session is an HttpOnly cookie the browser sends by itself.
// The answers' shapes are those src/api.ts sends (README "HTTP API"); keep the two in step.

/**
 * @typedef {{ id: string, caption: string, sites: string[] }} Group a group with the user's sites only (src/rights.ts)
 * @typedef {{ username: string, expires: number, ws_url: string, groups: Group[] }} Me
 * @typedef {'consumption' | 'production' | 'grid'} Role
 * @typedef {Record<string, Array<[number, number]>>} SeriesByRole role → [ms, value] (src/influx-client.ts)
 * @typedef {Record<string, number>} LeftOut role → readings of an absurd power left out
 * @typedef {{ site: string, range: string, bucket: string, span_ms: number, bucket_ms: number, unit: 'W',
 *             series: SeriesByRole, left_out: LeftOut }} PowerHistory mean power per bucket
 * @typedef {{ day: string, start: number } & Partial<Record<Role, number>>} EnergyDay Wh per role of one day
 * @typedef {{ site: string, days: EnergyDay[], unit: 'Wh', timezone: string, left_out: LeftOut }} EnergyPerDay
 * @typedef {{ import: number | null, export: number | null, standing: number | null, total: number | null }} Cost
 * @typedef {{ period: string, start: number, roles: Partial<Record<Role, { import_wh: number, export_wh: number }>>,
 *             cost: Cost, cost_complete: boolean, source: 'rollup' | 'readings' | 'mixed' }} EnergyCostRow
 * @typedef {{ site?: string, group?: string, sites: string[], by: 'day' | 'month', timezone: string, unit: 'Wh',
 *             currency: string | null, rows: EnergyCostRow[] }} EnergyCost energy and grid cost per period
 * @typedef {{ site: string, names: Record<string, string> }} ApplianceNames signature id → the household's name
 */

/** A refused request: `status` is the HTTP status, the message the server's `error`. */
export class ApiError extends Error {
  /** @param {string} message @param {number} status */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/**
 * The answer is taken for the type the caller expects: it comes from the portal's own server.
 * @template T
 * @param {string} method
 * @param {string} path
 * @param {object} [body]
 * @returns {Promise<T>}
 */
async function call(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  /** @type {unknown} */
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(errorOf(data) ?? `HTTP ${res.status}`, res.status);
  return /** @type {T} */ (data);
}

/** @param {unknown} data @returns {string | undefined} */
function errorOf(data) {
  return typeof data === 'object' && data !== null && 'error' in data && typeof data.error === 'string'
    ? data.error
    : undefined;
}

export const api = {
  /** @param {string} username @param {string} password @returns {Promise<Me>} */
  login: (username, password) => call('POST', '/api/login', { username, password }),
  /** @returns {Promise<{ ok: true }>} */
  logout: () => call('POST', '/api/logout', {}),
  /** @returns {Promise<Me>} */
  me: () => call('GET', '/api/me'),
  /** @param {string} site @param {string} range 24h, 7d or 30d @returns {Promise<PowerHistory>} */
  history: (site, range) => call('GET', `/api/history?${new URLSearchParams({ site, range })}`),
  /** @param {string} site @param {number} days @returns {Promise<EnergyPerDay>} */
  energy: (site, days) => call('GET', `/api/energy?${new URLSearchParams({ site, days: String(days) })}`),
  /**
   * @param {{ site: string } | { group: string }} scope @param {'day' | 'month'} by @param {number} count
   * @returns {Promise<EnergyCost>}
   */
  energyCost: (scope, by, count) =>
    call('GET', `/api/energy-cost?${new URLSearchParams({ ...scope, by, count: String(count) })}`),
  /** @param {string} site @returns {Promise<ApplianceNames>} */
  applianceNames: (site) => call('GET', `/api/appliance-names?${new URLSearchParams({ site })}`),
  /** @param {string} site @param {string} signature @param {string} name empty: no name @returns {Promise<ApplianceNames>} */
  nameAppliance: (site, signature, name) =>
    call('PUT', `/api/appliance-names?${new URLSearchParams({ site })}`, { signature, name }),
};
