import { ConfigError, type ConfigIssue, loadConfig, validateSection } from '@wattbus/config';
import { IANAZone } from 'luxon';
import { type EnergyConfig, EnergyConfigSchema } from './schema.js';

/** Reads and checks an energy config file (YAML); every problem is named by its key path. */
export function loadEnergyConfig(file: string): EnergyConfig {
  return checkEnergyConfig(loadConfig(file, EnergyConfigSchema), file);
}

/** Checks an energy config that is one section of a larger file (e.g. `energy:` in an app's config). */
export function parseEnergyConfig(value: unknown, at: { file: string; path: string }): EnergyConfig {
  const config = validateSection(value, EnergyConfigSchema, at);
  return checkEnergyConfig(config, at.file, at.path === '' ? '' : `${at.path}.`);
}

/** What the schema cannot say: time zones, references between keys, real dates, a price for every period. */
function checkEnergyConfig(config: EnergyConfig, file: string, prefix = ''): EnergyConfig {
  const issues: ConfigIssue[] = [];
  const tariffIds = Object.keys(config.tariffs);
  const refer = (path: string, id: string) => {
    if (!(id in config.tariffs)) {
      issues.push({ path: `${prefix}${path}`, message: `unknown tariff "${id}" (tariffs: ${tariffIds.join(', ')})` });
    }
  };
  for (const [id, tariff] of Object.entries(config.tariffs)) {
    const at = `${prefix}tariffs.${id}`;
    if (!IANAZone.isValidZone(tariff.timezone)) {
      issues.push({ path: `${at}.timezone`, message: `unknown IANA time zone "${tariff.timezone}"` });
    }
    tariff.holidays.forEach((date, i) => {
      if (!isRealDate(date)) issues.push({ path: `${at}.holidays[${i}]`, message: `no such date "${date}"` });
    });
    const periods = new Set([tariff.default_period, ...tariff.rules.map((rule) => rule.period)]);
    for (const direction of ['import', 'export'] as const) {
      const source = tariff[direction];
      if (source === undefined || !('fixed' in source) || '*' in source.fixed) continue;
      const missing = [...periods].filter((period) => !(period in source.fixed));
      if (missing.length > 0) {
        issues.push({
          path: `${at}.${direction}.fixed`,
          message: `no price for period ${missing.map((p) => `"${p}"`).join(', ')} (add it, or "*" for the rest)`,
        });
      }
    }
  }
  const groupOf = new Map<string, string>();
  for (const [id, group] of Object.entries(config.groups)) {
    refer(`groups.${id}.tariff`, group.tariff);
    group.sites.forEach((site, i) => {
      const other = groupOf.get(site);
      if (other !== undefined) {
        issues.push({
          path: `${prefix}groups.${id}.sites[${i}]`,
          message: `site "${site}" is also in group "${other}"`,
        });
      }
      groupOf.set(site, id);
    });
  }
  for (const [id, site] of Object.entries(config.sites)) refer(`sites.${id}.tariff`, site.tariff);
  if (config.default_tariff !== undefined) refer('default_tariff', config.default_tariff);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return config;
}

function isRealDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const back = new Date(Date.UTC(y, m - 1, d));
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d;
}
