// The appliances a household's consumption shows (wattbus-insights' retained estimates, arriving over the
// page's MQTT connection), with the names the household gave them (kept by the portal, per site).
import { api } from './api.js';
import { formatEnergy, formatPower } from './format.js';

/**
 * @typedef {{ signature: string, step_w: number, duration_s: number, runs_per_day: number,
 *             energy_wh_per_day: number }} Appliance one signature (contract: ApplianceEstimates)
 * @typedef {{ site: string, status: string, appliances: Appliance[] }} Estimates
 */

const TOPIC = /^wattbus\/v1\/([a-z0-9][a-z0-9_-]{0,63})\/insights\/appliances$/;
const SIGNATURE = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** @param {unknown} a @returns {a is Appliance} */
function isAppliance(a) {
  if (typeof a !== 'object' || a === null) return false;
  const r = /** @type {Record<string, unknown>} */ (a);
  return (
    typeof r.signature === 'string' &&
    SIGNATURE.test(r.signature) &&
    ['step_w', 'duration_s', 'runs_per_day', 'energy_wh_per_day'].every((k) => Number.isFinite(r[k]))
  );
}

/**
 * The estimates of `wattbus/v1/<site>/insights/appliances`, or null when the topic is not that or the payload
 * is not estimates of that site. Signatures that are not well formed are left out.
 * @param {string} topic @param {string} text @returns {Estimates | null}
 */
export function parseEstimates(topic, text) {
  const site = TOPIC.exec(topic)?.[1];
  if (site === undefined) return null;
  try {
    /** @type {unknown} */
    const m = JSON.parse(text);
    if (typeof m !== 'object' || m === null || !('site' in m) || m.site !== site) return null;
    const r = /** @type {Record<string, unknown>} */ (m);
    const appliances = Array.isArray(r.appliances) ? r.appliances.filter(isAppliance) : [];
    return { site, status: typeof r.status === 'string' ? r.status : '', appliances };
  } catch {
    return null;
  }
}

export class AppliancesView {
  /** @param {HTMLElement} root @param {string[]} sites the user's */
  constructor(root, sites) {
    this.root = root;
    this.sites = sites;
    /** @type {Map<string, Estimates>} */
    this.estimates = new Map();
    /** @type {Map<string, Record<string, string>>} site → signature → name */
    this.names = new Map();
    this.render();
    for (const site of sites) {
      api
        .applianceNames(site)
        .then(({ names }) => {
          this.names.set(site, names);
          this.render();
        })
        .catch(() => undefined); // the signatures are shown by their ids
    }
  }

  /** @param {Estimates} estimates */
  show(estimates) {
    if (!this.sites.includes(estimates.site)) return;
    this.estimates.set(estimates.site, estimates);
    this.render();
  }

  render() {
    const shown = this.sites.flatMap((s) => this.estimates.get(s) ?? []);
    const empty = document.createElement('p');
    empty.textContent = 'No appliance estimates yet.';
    this.root.replaceChildren(...(shown.length === 0 ? [empty] : shown.map((e) => this.siteTable(e))));
  }

  /** @param {Estimates} e */
  siteTable(e) {
    const section = document.createElement('section');
    section.dataset.applianceSite = e.site;
    const title = document.createElement('h3');
    title.textContent = e.site;
    section.append(title);
    if (e.status !== 'ok') {
      const status = document.createElement('p');
      status.className = 'status';
      status.textContent = e.status;
      section.append(status);
    }
    const names = this.names.get(e.site) ?? {};
    const list = document.createElement('ul');
    list.className = 'appliances';
    list.append(
      ...e.appliances.map((a) => {
        const li = document.createElement('li');
        li.dataset.signature = a.signature;
        const name = document.createElement('strong');
        name.className = 'appliance-name';
        name.textContent = names[a.signature] ?? a.signature;
        const figures = document.createElement('span');
        figures.textContent = ` ${formatEnergy(a.energy_wh_per_day)} per day · ${formatPower(a.step_w)} · ${a.runs_per_day.toFixed(1)} runs per day `;
        li.append(name, figures, this.nameForm(e.site, a.signature, names[a.signature] ?? ''));
        return li;
      }),
    );
    section.append(list);
    return section;
  }

  /** @param {string} site @param {string} signature @param {string} current */
  nameForm(site, signature, current) {
    const form = document.createElement('form');
    form.className = 'name-appliance';
    const input = document.createElement('input');
    input.maxLength = 64;
    input.value = current;
    input.setAttribute('aria-label', `Name of ${signature}`);
    const button = document.createElement('button');
    button.type = 'submit';
    button.textContent = 'Name';
    const error = document.createElement('span');
    error.className = 'error';
    form.append(input, button, error);
    form.onsubmit = (event) => {
      event.preventDefault();
      api
        .nameAppliance(site, signature, input.value)
        .then(({ names }) => {
          this.names.set(site, names);
          this.render();
        })
        .catch((/** @type {unknown} */ err) => {
          error.textContent = err instanceof Error ? err.message : String(err);
        });
    };
    return form;
  }
}
