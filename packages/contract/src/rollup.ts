import Ajv, { type ValidateFunction } from 'ajv';
import { ROLLUP_INTERVALS, type Rollup, type RollupInterval, RollupSchema } from './schemas/rollup.js';
import { isSiteId, TOPIC_ROOT, TopicError } from './topics.js';
import { describeErrors, type Validation } from './validate.js';

/**
 * `wattbus/v1/{site}/rollup/{interval}` (QoS1, not retained). The last level is an interval, never `reading`, so a
 * meter named `rollup` keeps an unambiguous reading topic.
 */
export function rollupTopic(site: string, interval: RollupInterval): string {
  if (!isSiteId(site)) throw new TopicError(`bad or reserved site id ${JSON.stringify(site)}`, site);
  return `${TOPIC_ROOT}/${site}/rollup/${interval}`;
}

/** Every rollup of one site, or of every site. */
export const rollupFilter = (site = '+'): string => `${TOPIC_ROOT}/${site}/rollup/+`;

/** The site and interval of a rollup topic, or undefined if it is not one. */
export function parseRollupTopic(topic: string): { site: string; interval: RollupInterval } | undefined {
  const levels = topic.split('/');
  if (levels.length !== 5 || `${levels[0]}/${levels[1]}` !== TOPIC_ROOT || levels[3] !== 'rollup') return undefined;
  const [, , site, , interval] = levels as [string, string, string, string, string];
  if (!isSiteId(site) || !(ROLLUP_INTERVALS as readonly string[]).includes(interval)) return undefined;
  return { site, interval: interval as RollupInterval };
}

let compiled: ValidateFunction | undefined;

/**
 * Checks a rollup against the schema. Compiled on first use (rollups are read on servers, not on the agents' Pis,
 * so they are not among the precompiled validators).
 */
export function validateRollup(data: unknown): Validation<Rollup> {
  compiled ??= new Ajv.default({ allErrors: true, strict: true }).compile(RollupSchema);
  if (compiled(data)) return { ok: true, value: data as Rollup };
  return { ok: false, errors: describeErrors(compiled.errors ?? [], data) };
}
