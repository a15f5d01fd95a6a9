// The live view: the browser's own MQTT-over-WebSocket connection, with the household's credentials, to
// the readings and alerts of its sites. The broker's ACL decides what arrives; the page only shows it.
import mqtt from '/vendor/mqtt.esm.js';
import { parseEstimates } from './appliances.js';
import { lineChart, sizeFor } from './charts.js';
import { byId, query } from './dom.js';
import { formatGrid, formatPower, formatRatio, formatTime } from './format.js';
import { groupTotals, parseAlert, parseReading, siteTotals } from './model.js';

/** @import { MqttClient } from '/vendor/mqtt.esm.js' */
/** @import { Me } from './api.js' */
/** @import { Alert, Reading, Totals } from './model.js' */
/** @import { Estimates } from './appliances.js' */

/**
 * What the page keeps of one site: the latest power of each "meter/channel", their totals (computed once
 * per reading, read by its cards and groups), and the totals over time for the chart.
 * @typedef {{ channels: Map<string, Reading>, totals: Totals, trail: Totals[] }} SiteState
 * @typedef {{ username: string, password: string }} Credentials the household's, for the broker
 */

const UTF8 = new TextDecoder();

const WINDOW_MS = 15 * 60_000;
const ROLES = /** @type {const} */ (['consumption', 'production', 'grid']);

export class LiveView {
  /**
   * @param {Me} me
   * @param {Credentials} credentials
   * @param {(alerts: Alert[]) => void} onAlerts
   * @param {(estimates: Estimates) => void} onAppliances
   */
  constructor(me, credentials, onAlerts, onAppliances) {
    this.groups = me.groups;
    /** @type {Map<string, SiteState>} */
    this.sites = new Map(
      me.groups.flatMap((g) => g.sites).map((s) => [s, { channels: new Map(), totals: siteTotals([]), trail: [] }]),
    );
    /** @type {Map<string, Alert>} topic → raised alert */
    this.alerts = new Map();
    this.onAlerts = onAlerts;
    this.onAppliances = onAppliances;
    this.status = byId('live-status', HTMLElement);
    /** @type {MqttClient} */
    this.client = mqtt.connect(me.ws_url, {
      username: credentials.username,
      password: credentials.password,
      clientId: `wattbus-portal-${crypto.randomUUID().slice(0, 8)}`,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 5000,
    });
    this.client.on('connect', () => this.subscribe());
    this.client.on('close', () => this.setStatus('offline', 'Live data: disconnected, retrying…'));
    this.client.on('error', (err) => this.setStatus('offline', `Live data: ${err.message}`));
    this.client.on('message', (topic, payload) => this.receive(topic, UTF8.decode(payload)));
  }

  /** @param {'online' | 'offline'} state @param {string} text */
  setStatus(state, text) {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  subscribe() {
    const filters = [...this.sites.keys()].flatMap((s) => [
      `wattbus/v1/${s}/+/reading`,
      `wattbus/v1/alerts/${s}/+`,
      `wattbus/v1/${s}/insights/appliances`,
    ]);
    this.client.subscribe(filters, { qos: 0 }, (err) => {
      if (err) this.setStatus('offline', `Live data: ${err.message}`);
      else this.setStatus('online', 'Live data: connected');
    });
  }

  /** @param {string} topic @param {string} text */
  receive(topic, text) {
    if (topic.startsWith('wattbus/v1/alerts/')) {
      const alert = parseAlert(topic, text);
      if (alert === null || !this.sites.has(alert.site)) return;
      if (alert.state === 'raised') this.alerts.set(topic, alert);
      else this.alerts.delete(topic);
      this.onAlerts([...this.alerts.values()]);
      return;
    }
    const estimates = parseEstimates(topic, text);
    if (estimates !== null) {
      if (this.sites.has(estimates.site)) this.onAppliances(estimates);
      return;
    }
    const reading = parseReading(topic, text);
    if (reading === null) return;
    const state = this.sites.get(reading.site);
    if (state === undefined) return;
    state.channels.set(reading.key, reading);
    const totals = siteTotals(state.channels.values());
    state.totals = totals;
    const trail = state.trail;
    // The channels of one measurement share its time: one point per measurement, not one per channel.
    if (trail.at(-1)?.ts === totals.ts) trail[trail.length - 1] = totals;
    else trail.push(totals);
    while (trail[0] !== undefined && trail[0].ts < totals.ts - WINDOW_MS) trail.shift();
    this.render(reading.site);
  }

  /** @param {string} site */
  render(site) {
    const state = this.sites.get(site);
    if (state === undefined) return;
    for (const card of document.querySelectorAll(`[data-site="${site}"]`)) {
      fill(card, state.totals);
      const series = ROLES.map((name) => ({
        name,
        points: state.trail.flatMap((t) => {
          const value = t[name];
          return value === null ? [] : [/** @satisfies {[number, number]} */ ([t.ts, value])];
        }),
      }));
      const slot = query(card, '.chart-slot', HTMLElement);
      slot.replaceChildren(
        lineChart(`Power of ${site}, last 15 minutes`, series, formatPower, formatTime, sizeFor(slot, 150)),
      );
    }
    for (const group of this.groups.filter((g) => g.sites.includes(site))) {
      const totals = groupTotals(group.sites.flatMap((s) => this.sites.get(s)?.totals ?? []));
      fill(document.querySelector(`[data-group-total="${group.id}"]`), totals);
    }
  }

  close() {
    this.client.end(true);
  }
}

/** @param {Element | null} root where the `data-metric` elements are @param {Totals} totals */
function fill(root, totals) {
  if (root === null) return;
  const set = (/** @type {string} */ metric, /** @type {string} */ text) => {
    const node = root.querySelector(`[data-metric="${metric}"]`);
    if (node !== null) node.textContent = text;
  };
  set('consumption', totals.consumption === null ? '–' : formatPower(totals.consumption));
  set('production', totals.production === null ? '–' : formatPower(totals.production));
  set('grid', totals.grid === null ? '–' : formatGrid(totals.grid));
  set('ratio', formatRatio(totals.ratio));
  if (totals.ts > 0) set('updated', `updated ${formatTime(totals.ts)}`);
}
