// The live view: the browser's own MQTT-over-WebSocket connection, with the household's credentials, to
// the readings and alerts of its sites. The broker's ACL decides what arrives; the page only shows it.
import mqtt from '/vendor/mqtt.esm.js';
import { lineChart, sizeFor } from './charts.js';
import { formatGrid, formatPower, formatRatio, formatTime } from './format.js';
import { groupTotals, parseAlert, parseReading, siteTotals } from './model.js';

const UTF8 = new TextDecoder();

const WINDOW_MS = 15 * 60_000;

export class LiveView {
  /**
   * @param {{ ws_url: string, groups: Array<{ id: string, caption: string, sites: string[] }> }} me
   * @param {{ username: string, password: string }} credentials
   * @param {(alerts: object[]) => void} onAlerts
   */
  constructor(me, credentials, onAlerts) {
    this.groups = me.groups;
    this.sites = new Set(me.groups.flatMap((g) => g.sites));
    /** @type {Map<string, Map<string, object>>} site → "meter/channel" → latest power */
    this.channels = new Map([...this.sites].map((s) => [s, new Map()]));
    /** @type {Map<string, Array<object>>} site → totals over time, for the chart */
    this.trail = new Map([...this.sites].map((s) => [s, []]));
    /** Per site, the totals of its latest channels: computed once per reading, read by its cards and groups. */
    this.totals = new Map([...this.sites].map((s) => [s, siteTotals([])]));
    this.alerts = new Map();
    this.onAlerts = onAlerts;
    this.status = document.getElementById('live-status');
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

  setStatus(state, text) {
    this.status.dataset.state = state;
    this.status.textContent = text;
  }

  subscribe() {
    const filters = [...this.sites].flatMap((s) => [`wattbus/v1/${s}/+/reading`, `wattbus/v1/alerts/${s}/+`]);
    this.client.subscribe(filters, { qos: 0 }, (err) => {
      if (err) this.setStatus('offline', `Live data: ${err.message}`);
      else this.setStatus('online', 'Live data: connected');
    });
  }

  receive(topic, text) {
    if (topic.startsWith('wattbus/v1/alerts/')) {
      const alert = parseAlert(topic, text);
      if (alert === null || !this.sites.has(alert.site)) return;
      if (alert.state === 'raised') this.alerts.set(topic, alert);
      else this.alerts.delete(topic);
      this.onAlerts([...this.alerts.values()]);
      return;
    }
    const reading = parseReading(topic, text);
    if (reading === null || !this.sites.has(reading.site)) return;
    this.channels.get(reading.site).set(reading.key, reading);
    const totals = siteTotals(this.channels.get(reading.site).values());
    this.totals.set(reading.site, totals);
    const trail = this.trail.get(reading.site);
    // The channels of one measurement share its time: one point per measurement, not one per channel.
    if (trail.length > 0 && trail[trail.length - 1].ts === totals.ts) trail[trail.length - 1] = totals;
    else trail.push(totals);
    while (trail.length > 0 && trail[0].ts < totals.ts - WINDOW_MS) trail.shift();
    this.render(reading.site);
  }

  render(site) {
    const totals = this.totals.get(site);
    for (const card of document.querySelectorAll(`[data-site="${site}"]`)) {
      fill(card, totals);
      const trail = this.trail.get(site);
      const series = ['consumption', 'production', 'grid'].map((name) => ({
        name,
        points: trail.filter((t) => t[name] !== null).map((t) => [t.ts, t[name]]),
      }));
      const slot = card.querySelector('.chart-slot');
      slot.replaceChildren(
        lineChart(`Power of ${site}, last 15 minutes`, series, formatPower, formatTime, sizeFor(slot, 150)),
      );
    }
    for (const group of this.groups.filter((g) => g.sites.includes(site))) {
      const totals = groupTotals(group.sites.map((s) => this.totals.get(s)));
      fill(document.querySelector(`[data-group-total="${group.id}"]`), totals);
    }
  }

  close() {
    this.client.end(true);
  }
}

function fill(root, totals) {
  if (root === null) return;
  const set = (metric, text) => {
    const node = root.querySelector(`[data-metric="${metric}"]`);
    if (node !== null) node.textContent = text;
  };
  set('consumption', totals.consumption === null ? '–' : formatPower(totals.consumption));
  set('production', totals.production === null ? '–' : formatPower(totals.production));
  set('grid', totals.grid === null ? '–' : formatGrid(totals.grid));
  set('ratio', formatRatio(totals.ratio));
  if (totals.ts > 0) set('updated', `updated ${formatTime(totals.ts)}`);
}
