import { parseConfig } from '@wattbus/config';
import { exampleReading, type Info, type Reading } from '@wattbus/contract';
import { type AlerterConfig, AlerterConfigSchema } from '../src/config.js';
import type { AlertRule } from '../src/rules/rule.js';

/** A full alerter config (defaults applied, validated) with these rules/overrides. */
export function config(over: { rules?: object; overrides?: object[]; notify?: object } = {}): AlerterConfig {
  return parseConfig(JSON.stringify({ mqtt: { url: 'mqtt://127.0.0.1:1' }, ...over }), AlerterConfigSchema, {
    source: 'test config',
  });
}

let seq = 0;
export function reading(
  site: string,
  channel: string,
  role: Reading['role'],
  ts: number,
  values: Reading['values'],
  meter = 'main',
): Reading {
  return { ...exampleReading(), site, meter, channel, role, seq: ++seq, ts, values };
}

export const siteInfo = (site: string, location?: { lat: number; lon: number }): Info => ({
  v: 1,
  site,
  ts: 0,
  ...(location && { location }),
  meters: [
    {
      id: 'main',
      driver: 'simulated',
      interval_ms: 1000,
      channels: [
        { id: 'grid', role: 'grid' },
        { id: 'solar', role: 'production' },
        { id: 'house', role: 'consumption' },
      ],
    },
  ],
});

/** `[subject, since, value]` of what `rule` reports open at `site`. */
export function openAt(rule: AlertRule, site: string, now = 0): Array<[string, number, number | undefined]> {
  return [...(rule.evaluate(now).get(site) ?? [])].map(([s, o]) => [s, o.since, o.value]);
}

/** Feeds `power_w` values one per `stepMs` from `t0`; returns the time after the last one. */
export function feedPower(
  rule: AlertRule,
  site: string,
  channel: string,
  role: Reading['role'],
  t0: number,
  stepMs: number,
  powers: number[],
): number {
  let t = t0;
  for (const p of powers) {
    rule.onReading?.(reading(site, channel, role, t, { power_w: p }), t);
    t += stepMs;
  }
  return t;
}
