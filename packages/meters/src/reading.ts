import { parseValueName, QUANTITIES, type Reading, type ValueName } from '@wattbus/contract';
import type { ChannelSample } from './driver.js';

/** A channel as it is published: its contract role, and the factor onto the contract's sign convention. */
export interface PublishedChannel {
  id: string;
  role: Reading['role'];
  /** 1 or -1, applied to the signed quantities (power, reactive power). */
  sign: number;
}

const ROLES: ReadonlySet<string> = new Set(['grid', 'consumption', 'production']);

/** The role of a channel none was configured for: its id when that is a role, else `other`. */
export function defaultRole(channelId: string): Reading['role'] {
  return (ROLES.has(channelId) ? channelId : 'other') as Reading['role'];
}

/**
 * A driver sample as a contract Reading: the channel's role, its sign factor applied to the signed
 * quantities (power, reactive power), non-finite values dropped.
 */
export function toReading(
  site: string,
  meter: string,
  channel: PublishedChannel,
  sample: ChannelSample,
  nextSeq: () => number,
): Reading | undefined {
  const values: Record<string, number> = {};
  for (const [name, raw] of Object.entries(sample.values) as Array<[ValueName, number | undefined]>) {
    if (raw === undefined || !Number.isFinite(raw)) continue;
    const parsed = parseValueName(name);
    if (!parsed) continue;
    const signed = QUANTITIES[parsed.quantity].signed;
    values[name] = signed && channel.sign !== 1 ? raw * channel.sign : raw;
  }
  if (Object.keys(values).length === 0) return undefined;
  const reading: Reading = {
    v: 1,
    site,
    meter,
    channel: channel.id,
    role: channel.role,
    seq: nextSeq(),
    ts: sample.ts,
    values,
  };
  if (sample.labels && Object.keys(sample.labels).length > 0) reading.labels = sample.labels;
  return reading;
}
