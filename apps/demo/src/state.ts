import {
  type Alert,
  type AlertSubject,
  parseTopic,
  type Reading,
  validateAlert,
  validateInfo,
  validateReading,
  validateStatus,
} from '@wattbus/contract';
import { RateCounter } from './rate.js';

/** What the live view knows about one site, from the MQTT stream. */
export interface SiteState {
  id: string;
  name: string | undefined;
  city: string | undefined;
  /** From the retained status message (the agent's LWT says offline). */
  status: 'online' | 'offline' | undefined;
  /** Latest power per role, W (contract signs: production negative, grid export negative). */
  power: Partial<Record<Reading['role'], number>>;
  /** Whether the site has a production channel (from info, or once a production reading arrived). */
  hasProduction: boolean | undefined;
  /** Measurement time of the latest reading. */
  lastReadingTs: number | undefined;
  readings: number;
  rate: RateCounter;
  /** Open alerts by rule (retained `wattbus/v1/alerts/<site>/<rule>` with state raised). */
  alerts: Map<string, Alert>;
}

export interface DemoState {
  sites: Map<string, SiteState>;
  readings: number;
  rate: RateCounter;
  deadLetters: number;
  /** Alerts raised since the start (raise transitions seen). */
  alertsRaised: number;
  /** Messages on wattbus topics the view could not read. */
  unreadable: number;
}

export interface SiteSeed {
  id: string;
  name?: string;
  city?: string;
}

/** A state that already lists the expected sites (names until their retained info arrives). */
export function createState(seeds: readonly SiteSeed[] = []): DemoState {
  const state: DemoState = {
    sites: new Map(),
    readings: 0,
    rate: new RateCounter(),
    deadLetters: 0,
    alertsRaised: 0,
    unreadable: 0,
  };
  for (const s of seeds) {
    const site = siteOf(state, s.id);
    site.name = s.name;
    site.city = s.city;
  }
  return state;
}

function siteOf(state: DemoState, id: string): SiteState {
  let site = state.sites.get(id);
  if (!site) {
    site = {
      id,
      name: undefined,
      city: undefined,
      status: undefined,
      power: {},
      hasProduction: undefined,
      lastReadingTs: undefined,
      readings: 0,
      rate: new RateCounter(),
      alerts: new Map(),
    };
    state.sites.set(id, site);
  }
  return site;
}

function json(payload: Uint8Array): unknown {
  return JSON.parse(Buffer.from(payload).toString('utf8'));
}

/** Folds one MQTT message into the state. Returns what it was, for callers that react to changes. */
export function applyMessage(
  state: DemoState,
  topic: string,
  payload: Uint8Array,
  now: number,
): 'reading' | 'status' | 'info' | 'health' | 'alert' | 'dlq' | 'ignored' {
  let parsed: ReturnType<typeof parseTopic>;
  try {
    parsed = parseTopic(topic);
  } catch {
    state.unreadable++;
    return 'ignored';
  }
  if (parsed.kind === 'dlq') {
    state.deadLetters++;
    return 'dlq';
  }
  if (parsed.kind === 'health') return 'health';
  if (payload.byteLength === 0) {
    // a cleared retained message
    if (parsed.kind === 'alert') state.sites.get(parsed.site)?.alerts.delete(parsed.rule);
    return 'ignored';
  }
  let data: unknown;
  try {
    data = json(payload);
  } catch {
    state.unreadable++;
    return 'ignored';
  }
  switch (parsed.kind) {
    case 'reading': {
      const r = validateReading(data);
      if (!r.ok || r.value.site !== parsed.site) break;
      const reading = r.value;
      const site = siteOf(state, parsed.site);
      site.readings++;
      site.rate.add(now);
      state.readings++;
      state.rate.add(now);
      if (reading.ts >= (site.lastReadingTs ?? 0)) site.lastReadingTs = reading.ts;
      const power = reading.values.power_w;
      if (power !== undefined) site.power[reading.role] = power;
      if (reading.role === 'production') site.hasProduction = true;
      return 'reading';
    }
    case 'status': {
      const r = validateStatus(data);
      if (!r.ok) break;
      siteOf(state, parsed.site).status = r.value.state;
      return 'status';
    }
    case 'info': {
      const r = validateInfo(data);
      if (!r.ok || r.value.site !== parsed.site) break;
      const site = siteOf(state, parsed.site);
      const info = r.value;
      if (info.name) site.name = info.name;
      if (info.tags?.city) site.city = info.tags.city;
      site.hasProduction = info.meters.some((m) => m.channels.some((c) => c.role === 'production'));
      return 'info';
    }
    case 'alert': {
      const r = validateAlert(data);
      if (!r.ok || r.value.site !== parsed.site) break;
      const site = siteOf(state, parsed.site);
      const alert = r.value;
      if (alert.state === 'raised' && alert.open.length > 0) {
        if (!site.alerts.has(parsed.rule)) state.alertsRaised++;
        site.alerts.set(parsed.rule, alert);
      } else {
        site.alerts.delete(parsed.rule);
      }
      return 'alert';
    }
  }
  state.unreadable++;
  return 'ignored';
}

/** Open alert subjects of a site, e.g. `missing-data: main/grid, main/consumption`. */
export function openAlerts(
  site: SiteState,
): Array<{ rule: string; severity: Alert['severity']; open: AlertSubject[] }> {
  return [...site.alerts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([rule, alert]) => ({ rule, severity: alert.severity, open: alert.open }));
}
