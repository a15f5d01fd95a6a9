import { type DemoState, openAlerts, type SiteState } from './state.js';

/** What the view says about the demo itself (not from the stream). */
export interface ViewInfo {
  port: number;
  brokerUrl: string;
  dataDir: string;
  logsDir: string;
  configDir: string;
  /** `http://localhost:8086 db wattbus` when readings also go to InfluxDB. */
  influx?: string | undefined;
  startedAt: number;
}

/** A reading older than this makes the age show in colour. */
const STALE_MS = 3000;

export const mosquittoHint = (port: number) => `mosquitto_sub -h localhost -p ${port} -t 'wattbus/#' -v`;

/** `1 open alert`, `2 open alerts`. */
export const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** `+312 W` (signed) or `312 W`; `n/a` when unknown. */
export function formatWatts(w: number | undefined, signed = false): string {
  if (w === undefined) return 'n/a';
  const n = Math.round(w) + 0; // + 0: no "-0"
  return `${signed && n > 0 ? '+' : ''}${n} W`;
}

/** `0.4 s`, `12 s`, `3m 05s`, `2h 01m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

const clock = (now: number) => new Date(now).toTimeString().slice(0, 8);

function productionText(site: SiteState): string {
  if (site.hasProduction === false) return 'none (no PV)';
  return formatWatts(site.power.production);
}

function alertsText(site: SiteState): string {
  const open = openAlerts(site);
  if (open.length === 0) return 'none';
  return open.map((a) => `${a.rule} [${a.open.map((s) => s.subject).join(', ')}]`).join('; ');
}

function siteTitle(site: SiteState): string {
  const name = site.name ? ` "${site.name}"` : '';
  const city = site.city ? ` (${site.city})` : '';
  return `${site.id}${name}${city}`;
}

/** One plain-text line for a site, e.g. for logs or when stdout is not a terminal. */
export function plainSiteLine(site: SiteState, now: number): string {
  const head = `${siteTitle(site)} ${site.status ?? 'unknown'}`;
  if (site.lastReadingTs === undefined) return `${head} | waiting for readings | alerts: ${alertsText(site)}`;
  return [
    head,
    `grid ${formatWatts(site.power.grid, true)}`,
    `consumption ${formatWatts(site.power.consumption)}`,
    `production ${productionText(site)}`,
    `${site.rate.rate(now).toFixed(1)} readings/s`,
    `last ${formatDuration(now - site.lastReadingTs)} ago`,
    `alerts: ${alertsText(site)}`,
  ].join(' | ');
}

function totals(state: DemoState) {
  const sites = [...state.sites.values()];
  return {
    online: sites.filter((s) => s.status === 'online').length,
    sites: sites.length,
    openAlerts: sites.reduce((n, s) => n + s.alerts.size, 0),
  };
}

export function plainTotalsLine(state: DemoState, now: number): string {
  const t = totals(state);
  return [
    `totals: ${t.online}/${t.sites} online`,
    `${state.rate.rate(now).toFixed(1)} readings/s`,
    plural(state.readings, 'reading'),
    plural(t.openAlerts, 'open alert'),
    plural(state.deadLetters, 'dead letter'),
  ].join(' | ');
}

/** Printed once at the start when stdout is not a terminal. */
export function plainHeader(info: ViewInfo): string {
  return [
    `wattbus demo: broker ${info.brokerUrl}, 3 simulated households, sink worker, alerter`,
    `watch the raw stream: ${mosquittoHint(info.port)}`,
    `data: ${info.dataDir}${info.influx ? ` and InfluxDB ${info.influx}` : ''}`,
    `logs: ${info.logsDir}  configs: ${info.configDir}`,
    'Ctrl-C to stop',
  ].join('\n');
}

/** The periodic report when stdout is not a terminal: one line per site and a totals line. */
export function renderPlain(state: DemoState, now: number): string {
  const stamp = `[${clock(now)}]`;
  const lines = [...state.sites.values()].map((s) => `${stamp} ${plainSiteLine(s, now)}`);
  lines.push(`${stamp} ${plainTotalsLine(state, now)}`);
  return lines.join('\n');
}

// --- terminal screen -------------------------------------------------------------------------------------------

const ESC = '\x1b[';
const CODES = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;
type Style = keyof typeof CODES;

function painter(color: boolean) {
  return (style: Style, text: string) => (color ? `${ESC}${CODES[style]}m${text}${ESC}0m` : text);
}

function screenSite(site: SiteState, now: number, paint: ReturnType<typeof painter>): string[] {
  const status =
    site.status === 'online'
      ? paint('green', 'online')
      : site.status === 'offline'
        ? paint('red', 'OFFLINE')
        : paint('dim', 'unknown');
  const dot = site.status === 'online' ? paint('green', '●') : site.status === 'offline' ? paint('red', '●') : '○';
  const where = [site.name, site.city].filter(Boolean).join(' · ');
  const lines = [` ${dot} ${paint('bold', site.id.padEnd(15))} ${where.padEnd(46)} ${status}`];
  if (site.lastReadingTs === undefined) {
    lines.push(`     ${paint('dim', 'waiting for readings…')}`);
  } else {
    const grid = site.power.grid;
    const direction = grid === undefined ? '' : grid < 0 ? ' export' : ' import';
    const production =
      site.hasProduction === false ? paint('dim', 'no PV'.padStart(8)) : formatWatts(site.power.production).padStart(8);
    lines.push(
      `     grid ${formatWatts(grid, true).padStart(8)}${direction.padEnd(7)}` +
        `  consumption ${formatWatts(site.power.consumption).padStart(8)}` +
        `  production ${production}`,
    );
    const age = now - site.lastReadingTs;
    const ageText = `${formatDuration(age)} ago`;
    lines.push(
      `     ${site.rate.rate(now).toFixed(1)} readings/s   last reading ${age > STALE_MS ? paint('yellow', ageText) : ageText}` +
        `   ${site.readings} total`,
    );
  }
  const alerts = openAlerts(site);
  if (alerts.length === 0) lines.push(`     alerts: ${paint('dim', 'none')}`);
  for (const a of alerts) {
    const style: Style = a.severity === 'critical' ? 'red' : 'yellow';
    lines.push(`     ${paint(style, `▲ ${a.rule} (${a.severity})`)}: ${a.open.map((s) => s.subject).join(', ')}`);
  }
  return lines;
}

/** The whole terminal screen, redrawn every second. `color` adds ANSI colours. */
export function renderScreen(state: DemoState, info: ViewInfo, now: number, { color = true } = {}): string {
  const paint = painter(color);
  const t = totals(state);
  const lines = [
    ` ${paint('bold', 'wattbus demo')}   broker ${paint('cyan', info.brokerUrl)}   up ${formatDuration(now - info.startedAt)}   ${clock(now)}`,
    ` raw stream: ${paint('cyan', mosquittoHint(info.port))}`,
    ` data:    ${info.dataDir}${info.influx ? `  + InfluxDB ${info.influx}` : ''}`,
    ` logs:    ${info.logsDir}    configs: ${info.configDir}`,
    '',
  ];
  for (const site of state.sites.values()) lines.push(...screenSite(site, now, paint), '');
  const alerts = plural(t.openAlerts, 'open alert');
  const dlq = plural(state.deadLetters, 'dead letter');
  lines.push(
    ` totals: ${t.online}/${t.sites} online  ${state.rate.rate(now).toFixed(1)} readings/s  ${plural(state.readings, 'reading')}  ${t.openAlerts > 0 ? paint('yellow', alerts) : alerts}  ${state.deadLetters > 0 ? paint('red', dlq) : dlq}`,
    ` ${paint('dim', 'signs as in the contract: production < 0, grid < 0 = export.  Ctrl-C to stop')}`,
  );
  return lines.join('\n');
}

/** Cursor home, the screen with each line cleared to its end, then the rest of the screen cleared. */
export function ansiFrame(screen: string): string {
  return `${ESC}H${screen.split('\n').join(`${ESC}K\n`)}${ESC}K\n${ESC}J`;
}

export const ANSI = {
  clear: `${ESC}2J${ESC}H`,
  hideCursor: `${ESC}?25l`,
  showCursor: `${ESC}?25h`,
};
