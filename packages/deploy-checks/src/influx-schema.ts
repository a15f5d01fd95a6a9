import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PHASES, QUANTITIES, type QuantityName, valueName } from '@wattbus/contract';
import { ROOT } from './paths.js';

/**
 * What the Influx sink writes (packages/sinks/src/influx/line-protocol.ts): one measurement; the tags site,
 * meter, channel, role and every label key; one float field per value name of the contract's registry and
 * the integer field `seq`. Dashboards may refer to nothing else.
 */
function measurementFromSink(): string {
  const src = readFileSync(resolve(ROOT, 'packages/sinks/src/influx/line-protocol.ts'), 'utf8');
  const m = /export const MEASUREMENT = '([^']+)'/.exec(src);
  if (!m?.[1]) throw new Error('MEASUREMENT not found in line-protocol.ts');
  return m[1];
}

export const MEASUREMENT = measurementFromSink();

/** Label keys drivers set today (ecodevices: the tariff period). Labels are free-form; add keys as they come. */
export const LABEL_KEYS = ['tariff'] as const;

export const TAGS: ReadonlySet<string> = new Set(['site', 'meter', 'channel', 'role', ...LABEL_KEYS]);

export const FIELDS: ReadonlySet<string> = new Set([
  'seq',
  ...(Object.keys(QUANTITIES) as QuantityName[]).flatMap((q) => [
    valueName(q),
    ...PHASES.map((phase) => valueName(q, phase)),
  ]),
]);
