import type { RollupInterval } from './schemas/rollup.js';
import { isSiteId, parseTopic, TOPIC_ROOT, TopicError } from './topics.js';

export { validateRollup } from './validate.js';

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
  try {
    const where = parseTopic(topic);
    return where.kind === 'rollup' ? { site: where.site, interval: where.interval } : undefined;
  } catch {
    return undefined;
  }
}
