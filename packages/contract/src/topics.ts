import { ID_PATTERN } from './schemas/common.js';
import { ROLLUP_INTERVALS, type RollupInterval } from './schemas/rollup.js';

export const TOPIC_ROOT = 'wattbus/v1';
const ID = new RegExp(ID_PATTERN);

/** First levels after `wattbus/v1` that are not sites, so a site may not be named like them. */
export const RESERVED_SITE_IDS = ['alerts', 'dlq'] as const;
/**
 * Levels after a site that name a kind of message; a meter, rule or receipt consumer named like them would make
 * topics ambiguous (`wattbus/v1/<site>/receipt/reading` must be a receipt, never meter `receipt`'s reading).
 */
const SITE_SUFFIXES = ['reading', 'status', 'info', 'health', 'receipt'] as const;

export class TopicError extends Error {
  constructor(
    message: string,
    readonly topic: string,
  ) {
    super(message);
    this.name = 'TopicError';
  }
}

export type TopicKind = 'reading' | 'status' | 'info' | 'health' | 'receipt' | 'rollup' | 'alert' | 'dlq';

export type ParsedTopic =
  | { kind: 'reading'; site: string; meter: string }
  | { kind: 'status' | 'info' | 'health'; site: string }
  | { kind: 'receipt'; site: string; consumer: string }
  | { kind: 'rollup'; site: string; interval: RollupInterval }
  | { kind: 'alert'; site: string; rule: string }
  | { kind: 'dlq'; consumer: string };

function checkId(what: string, id: string, topic?: string): string {
  if (!ID.test(id)) {
    const shown = id === '' ? 'empty' : JSON.stringify(id);
    throw new TopicError(`bad ${what} id ${shown}: expected ${ID_PATTERN}`, topic ?? id);
  }
  return id;
}

/** Whether `value` can be a site id: the id pattern, and not one of the reserved ids. */
export function isSiteId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value) && !(RESERVED_SITE_IDS as readonly string[]).includes(value);
}

function checkSite(site: string, topic?: string): string {
  checkId('site', site, topic);
  if ((RESERVED_SITE_IDS as readonly string[]).includes(site)) {
    throw new TopicError(`site id "${site}" is reserved`, topic ?? site);
  }
  return site;
}

function checkNotSuffix(what: string, id: string, topic?: string): string {
  checkId(what, id, topic);
  if ((SITE_SUFFIXES as readonly string[]).includes(id)) {
    throw new TopicError(`${what} id "${id}" is reserved`, topic ?? id);
  }
  return id;
}

export const topics = {
  reading: (site: string, meter: string) =>
    `${TOPIC_ROOT}/${checkSite(site)}/${checkNotSuffix('meter', meter)}/reading`,
  status: (site: string) => `${TOPIC_ROOT}/${checkSite(site)}/status`,
  info: (site: string) => `${TOPIC_ROOT}/${checkSite(site)}/info`,
  health: (site: string) => `${TOPIC_ROOT}/${checkSite(site)}/health`,
  /** What `consumer` has stored of the site's readings (QoS1, not retained). */
  receipt: (site: string, consumer: string) =>
    `${TOPIC_ROOT}/${checkSite(site)}/receipt/${checkNotSuffix('consumer', consumer)}`,
  alert: (site: string, rule: string) => `${TOPIC_ROOT}/alerts/${checkSite(site)}/${checkNotSuffix('rule', rule)}`,
  dlq: (consumer: string) => `${TOPIC_ROOT}/dlq/${checkId('consumer', consumer)}`,
};

/** Subscription filters for consumers. */
export const filters = {
  readings: `${TOPIC_ROOT}/+/+/reading`,
  /** Every meter's readings of one site. */
  siteReadings: (site: string) => `${TOPIC_ROOT}/${checkSite(site)}/+/reading`,
  statuses: `${TOPIC_ROOT}/+/status`,
  infos: `${TOPIC_ROOT}/+/info`,
  healths: `${TOPIC_ROOT}/+/health`,
  /** Every consumer's receipts for one site: what its agent subscribes to. */
  siteReceipts: (site: string) => `${TOPIC_ROOT}/${checkSite(site)}/receipt/+`,
  alerts: `${TOPIC_ROOT}/alerts/+/+`,
  all: `${TOPIC_ROOT}/#`,
  /** MQTT 5 shared subscription: N workers in `group` split the stream (Mosquitto, EMQX; not Aedes). */
  shared: (group: string, filter: string) => `$share/${checkId('share group', group)}/${filter}`,
};

/**
 * Parses a concrete (wildcard-free) wattbus topic, or throws TopicError saying what is wrong. The one topic parser of
 * every consumer: it refuses what `topics` would never build (reserved site, meter and rule ids included).
 */
export function parseTopic(topic: string): ParsedTopic {
  if (topic.includes('+') || topic.includes('#')) throw new TopicError('wildcards are not allowed', topic);
  const levels = topic.split('/');
  if (levels.some((l) => l === '')) throw new TopicError('empty topic level', topic);
  if (levels[0] !== 'wattbus') throw new TopicError('not a wattbus topic', topic);
  if (levels[1] !== 'v1') throw new TopicError(`unsupported contract version "${levels[1]}"`, topic);
  const rest = levels.slice(2);
  const [a, b, c] = rest as [string, string | undefined, string | undefined];
  if (a === 'alerts' && rest.length === 3) {
    return { kind: 'alert', site: checkSite(b as string, topic), rule: checkNotSuffix('rule', c as string, topic) };
  }
  if (a === 'dlq' && rest.length === 2) return { kind: 'dlq', consumer: checkId('consumer', b as string, topic) };
  if (rest.length === 3 && b === 'receipt') {
    return { kind: 'receipt', site: checkSite(a, topic), consumer: checkNotSuffix('consumer', c as string, topic) };
  }
  if (rest.length === 3 && c === 'reading') {
    return { kind: 'reading', site: checkSite(a, topic), meter: checkNotSuffix('meter', b as string, topic) };
  }
  // After the reading case: `{site}/rollup/reading` is meter `rollup`'s reading, as no interval is named `reading`.
  if (rest.length === 3 && b === 'rollup') {
    if (!(ROLLUP_INTERVALS as readonly string[]).includes(c as string)) {
      throw new TopicError(`unknown rollup interval "${c}" (expected ${ROLLUP_INTERVALS.join(', ')})`, topic);
    }
    return { kind: 'rollup', site: checkSite(a, topic), interval: c as RollupInterval };
  }
  if (rest.length === 2 && (b === 'status' || b === 'info' || b === 'health')) {
    return { kind: b, site: checkSite(a, topic) };
  }
  throw new TopicError('unknown wattbus topic layout', topic);
}
