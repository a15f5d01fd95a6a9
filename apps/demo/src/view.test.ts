import { describe, expect, it } from 'vitest';
import { alert, deadLetter, info, type Message, reading, status } from '../test/messages.js';
import { applyMessage, createState, type DemoState } from './state.js';
import {
  formatDuration,
  formatWatts,
  plainHeader,
  plainSiteLine,
  renderPlain,
  renderScreen,
  type ViewInfo,
} from './view.js';

const T = 1_800_000_000_000;

const INFO: ViewInfo = {
  port: 18830,
  brokerUrl: 'mqtt://127.0.0.1:18830',
  dataDir: '/repo/.demo/data',
  logsDir: '/repo/.demo/logs',
  configDir: '/repo/.demo/config',
  startedAt: T - 65_000,
};

/** Two sites with data, one with an open alert, one still silent. */
function demoState(): DemoState {
  const state = createState([
    { id: 'flat-brussels', name: 'Flat', city: 'Brussels' },
    { id: 'house-liege', name: 'Terraced house', city: 'Liège' },
    { id: 'house-ghent', name: 'Detached house', city: 'Ghent' },
  ]);
  const messages: Message[] = [
    info('flat-brussels', '2nd-floor flat', 'Brussels', false, T - 10_000),
    status('flat-brussels', 'online', T - 10_000),
    status('house-liege', 'online', T - 10_000),
    status('house-ghent', 'offline', T - 10_000),
    reading('flat-brussels', 'consumption', 312.4, T - 400),
    reading('flat-brussels', 'grid', 312.4, T - 400),
    reading('house-liege', 'consumption', 480, T - 1400),
    reading('house-liege', 'production', -1500.2, T - 1400),
    reading('house-liege', 'grid', -1020.2, T - 1400),
    alert('house-liege', 'raised', ['main/grid', 'main/production'], T - 2000),
    deadLetter('demo-sink'),
  ];
  for (const [topic, payload] of messages) applyMessage(state, topic, payload, T - 400);
  return state;
}

describe('formatting', () => {
  it('writes watts rounded, signed on demand, and n/a when unknown', () => {
    expect(formatWatts(312.4)).toBe('312 W');
    expect(formatWatts(312.6, true)).toBe('+313 W');
    expect(formatWatts(-1020.2, true)).toBe('-1020 W');
    expect(formatWatts(-0.2, true)).toBe('0 W');
    expect(formatWatts(undefined)).toBe('n/a');
  });

  it('writes durations readably', () => {
    expect(formatDuration(400)).toBe('0.4 s');
    expect(formatDuration(12_300)).toBe('12 s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(2 * 3_600_000 + 60_000)).toBe('2h 01m');
  });
});

describe('plain lines (stdout not a terminal)', () => {
  it('shows name, city, status, the three powers, rate, age and alerts on one line per site', () => {
    const state = demoState();
    const liege = plainSiteLine(state.sites.get('house-liege') as never, T);
    expect(liege).toContain('house-liege "Terraced house" (Liège) online');
    expect(liege).toContain('grid -1020 W');
    expect(liege).toContain('consumption 480 W');
    expect(liege).toContain('production -1500 W');
    expect(liege).toContain('last 1.4 s ago');
    expect(liege).toContain('alerts: missing-data [main/grid, main/production]');
    expect(liege).toMatch(/\| \d+\.\d readings\/s \|/);

    const flat = plainSiteLine(state.sites.get('flat-brussels') as never, T);
    expect(flat).toContain('flat-brussels "2nd-floor flat" (Brussels) online');
    expect(flat).toContain('grid +312 W');
    expect(flat).toContain('production none (no PV)');
    expect(flat).toContain('alerts: none');

    expect(plainSiteLine(state.sites.get('house-ghent') as never, T)).toContain('offline | waiting for readings');
  });

  it('renders every site and a totals line, each line stamped', () => {
    const lines = renderPlain(demoState(), T).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.every((l) => /^\[\d\d:\d\d:\d\d\] /.test(l))).toBe(true);
    expect(lines[3]).toContain('totals: 2/3 online');
    expect(lines[3]).toContain('5 readings');
    expect(lines[3]).toContain('1 open alert |');
    expect(lines[3]).toContain('1 dead letter');
  });

  it('has a header naming the broker, the mosquitto_sub command and where the data is', () => {
    const header = plainHeader({ ...INFO, influx: 'http://localhost:8086 db wattbus' });
    expect(header).toContain('mqtt://127.0.0.1:18830');
    expect(header).toContain("mosquitto_sub -h localhost -p 18830 -t 'wattbus/#' -v");
    expect(header).toContain('/repo/.demo/data and InfluxDB http://localhost:8086 db wattbus');
    expect(header).toContain('/repo/.demo/logs');
  });
});

describe('terminal screen', () => {
  const ESC = String.fromCharCode(27);
  const strip = (s: string) => s.replace(new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]`, 'g'), '');

  it('contains the header, every site with its powers and alert subjects, and the totals', () => {
    const screen = renderScreen(demoState(), INFO, T, { color: false });
    expect(screen).toContain('broker mqtt://127.0.0.1:18830');
    expect(screen).toContain('up 1m 05s');
    expect(screen).toContain("mosquitto_sub -h localhost -p 18830 -t 'wattbus/#' -v");
    expect(screen).toContain('/repo/.demo/data');
    for (const site of ['flat-brussels', 'house-liege', 'house-ghent']) expect(screen).toContain(site);
    expect(screen).toContain('Terraced house · Liège');
    expect(screen).toMatch(/grid +-1020 W export/);
    expect(screen).toMatch(/grid +\+312 W import/);
    expect(screen).toMatch(/production +-1500 W/);
    expect(screen).toContain('no PV');
    expect(screen).toContain('missing-data (warning): main/grid, main/production');
    expect(screen).toContain('OFFLINE');
    expect(screen).toContain('waiting for readings');
    expect(screen).toContain('totals: 2/3 online');
    expect(screen).toContain('1 open alert  1 dead letter');
    expect(screen).not.toContain(ESC);
  });

  it('colours only when asked, and the text stays the same', () => {
    const plain = renderScreen(demoState(), INFO, T, { color: false });
    const coloured = renderScreen(demoState(), INFO, T, { color: true });
    expect(coloured).toContain(`${ESC}[32m`);
    expect(strip(coloured)).toBe(plain);
  });

  it('is a pure function of the state and the time', () => {
    const state = demoState();
    expect(renderScreen(state, INFO, T)).toBe(renderScreen(state, INFO, T));
    expect(renderScreen(state, INFO, T + 5000, { color: false })).toContain('last reading 5.4 s ago');
  });
});
