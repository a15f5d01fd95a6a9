import { ConfigError, validateSection } from '@wattbus/config';
import type { DriverDefinition } from '@wattbus/meters';
import type { AgentConfig } from './config.js';

/**
 * What the agent schema cannot say by itself: each meter names a known driver, its `config` is valid for
 * that driver (defaults applied in place), meter ids are unique, and configured channels exist.
 */
export function checkMeters(config: AgentConfig, drivers: Record<string, DriverDefinition>, file: string): void {
  const issues: ConfigError['issues'][number][] = [];
  const seen = new Set<string>();
  for (const [i, meter] of config.meters.entries()) {
    const at = `meters[${i}]`;
    if (seen.has(meter.id)) issues.push({ path: `${at}.id`, message: `duplicate meter id "${meter.id}"` });
    seen.add(meter.id);
    const driver = drivers[meter.driver];
    if (!driver) {
      issues.push({
        path: `${at}.driver`,
        message: `unknown driver "${meter.driver}" (known: ${Object.keys(drivers).join(', ')})`,
      });
      continue;
    }
    try {
      meter.config = validateSection(meter.config, driver.configSchema, { file, path: `${at}.config` }) as Record<
        string,
        unknown
      >;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues.push(...err.issues);
      continue;
    }
    // Some mistakes show only when the driver builds its mapping (e.g. two registers on one value).
    let known: string[];
    try {
      known = driver.create(meter.config, { meterId: meter.id }).channels.map((c) => c.id);
    } catch (err) {
      issues.push({ path: `${at}.config`, message: (err as Error).message });
      continue;
    }
    for (const [j, channel] of (meter.channels ?? []).entries()) {
      if (!known.includes(channel.id)) {
        issues.push({
          path: `${at}.channels[${j}].id`,
          message: `driver ${meter.driver} has no channel "${channel.id}" (it has: ${known.join(', ')})`,
        });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
}
