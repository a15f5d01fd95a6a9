import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnergyConfig, parseEnergyConfig } from '../src/config/load.js';
import { TariffCalendar } from '../src/tariff/calendar.js';
import { Tariffs } from '../src/tariff/tariffs.js';
import { paris } from './fixtures.js';

/** A French Tempo-like calendar: winter weekdays have peak hours, summer has none, holidays are off-peak all day. */
const YAML = `
tariffs:
  coop:
    timezone: Europe/Paris
    default_period: offpeak
    holidays: ["2026-01-01", "2026-12-25"]
    rules:
      - { period: night, from: "22:00", to: "06:00" }
      - { period: peak, days: [mon, tue, wed, thu, fri], from: "17:00", to: "20:00", seasons: [{ from: "11-01", to: "03-31" }] }
    import: { fixed: { peak: 0.40, night: 0.15, offpeak: 0.22 } }
groups:
  village: { sites: [house-1, house-2], tariff: coop }
`;

describe('tariff calendars', () => {
  const config = parseEnergyConfig(loadYaml(YAML), { file: 'energy.yaml', path: '' });
  const calendar = new TariffCalendar(config.tariffs.coop as never);

  it('picks the period by time of day, weekday, season and holiday, in local time', () => {
    const period = (local: string) => calendar.periodAt(paris(local)).period;
    expect(period('2026-01-13T18:00')).toBe('peak'); // a Tuesday in winter
    expect(period('2026-01-13T16:59')).toBe('offpeak');
    expect(period('2026-01-13T20:00')).toBe('offpeak');
    expect(period('2026-01-13T23:30')).toBe('night');
    expect(period('2026-01-14T05:59')).toBe('night');
    expect(period('2026-01-17T18:00')).toBe('offpeak'); // a Saturday
    expect(period('2026-06-16T18:00')).toBe('offpeak'); // a Tuesday in summer
    expect(period('2026-03-31T18:00')).toBe('peak'); // the season's last day, inclusive
    expect(period('2026-12-25T18:00')).toBe('offpeak'); // a Friday, but a holiday: "holiday" is not "fri"
    expect(period('2026-12-25T23:00')).toBe('night'); // rules without days still apply on holidays
  });

  it('says when the period ends, across a DST change', () => {
    // Sunday 2026-10-25 (25 h): night until 06:00 CET = 05:00Z.
    expect(calendar.periodAt(paris('2026-10-25T01:00'))).toEqual({ period: 'night', until: Date.UTC(2026, 9, 25, 5) });
    // Sunday 2026-03-29 (23 h): night until 06:00 CEST = 04:00Z.
    expect(calendar.periodAt(paris('2026-03-29T01:30'))).toEqual({ period: 'night', until: Date.UTC(2026, 2, 29, 4) });
    // Tuesday 2026-01-13 18:00 CET: peak until 20:00 CET = 19:00Z.
    expect(calendar.periodAt(paris('2026-01-13T18:00'))).toEqual({ period: 'peak', until: Date.UTC(2026, 0, 13, 19) });
  });

  it("gives each site its own tariff, else its group's, else the default, else none", () => {
    const tariffs = new Tariffs(config, { baseDir: '.' });
    expect(tariffs.planFor('house-2').tariff).toBe('coop');
    expect(tariffs.planFor('house-9').tariff).toBeUndefined();
    expect(tariffs.planFor('house-9').days.zone).toBe('UTC');
  });

  it('refuses a bad config with every problem named by its key path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'energy-config-'));
    const file = join(dir, 'energy.yaml');
    writeFileSync(
      file,
      `
tariffs:
  coop:
    timezone: Europe/Pariss
    holidays: ["2026-02-30"]
    rules: [{ period: peak, from: "25:00" }]
    import: { fixed: { peak: 0.4 } }
groups:
  a: { sites: [house-1], tariff: coop }
  b: { sites: [house-1], tariff: copo }
`,
    );
    expect(() => loadEnergyConfig(file)).toThrow(/tariffs\.coop\.rules\[0\]\.from/);
    writeFileSync(
      file,
      YAML.replace('Europe/Paris', 'Europe/Pariss').replace('night: 0.15, ', '').replace('2026-12-25', '2026-02-30'),
    );
    let message = '';
    try {
      loadEnergyConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('tariffs.coop.timezone: unknown IANA time zone "Europe/Pariss"');
    expect(message).toContain('tariffs.coop.import.fixed: no price for period "night"');
    expect(message).toContain('tariffs.coop.holidays[1]: no such date "2026-02-30"');
    writeFileSync(
      file,
      `${YAML}  other: { sites: [house-2, house-3], tariff: nope }\nsites:\n  house-3: { tariff: coop }\n`,
    );
    message = '';
    try {
      loadEnergyConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('groups.other.tariff: unknown tariff "nope"');
    expect(message).toContain('groups.other.sites[0]: site "house-2" is also in group "village"');
  });
});

function loadYaml(text: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'energy-yaml-'));
  const file = join(dir, 'energy.yaml');
  writeFileSync(file, text);
  return loadEnergyConfig(file);
}

describe('the example in docs/energy.md', () => {
  it('is a valid config', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/energy.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const config = loadYaml(yaml) as ReturnType<typeof loadEnergyConfig>;
    expect(Object.keys(config.tariffs)).toEqual(['fr-hphc', 'dynamic']);
    expect(config.sites['house-2']?.tariff).toBe('dynamic');
  });
});
