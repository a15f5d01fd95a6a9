import { readFileSync } from 'node:fs';
import type { Health, Info, Status } from '@wattbus/contract';
import type { AgentConfig } from './config.js';
import type { MeterPoller } from './meter-poller.js';
import { AGENT_VERSION } from './version.js';

/** Readings not yet covered by every storage receipt: the whole queue, for an agent that waits for receipts. */
export interface DeliveryLag {
  unreceipted: number;
  oldestAgeMs?: number;
  /** When it was measured. */
  now: number;
}

export const statusMessage = (state: Status['state'], now = Date.now()): Status => ({
  v: 1,
  state,
  ts: now,
  agent: AGENT_VERSION,
});

/** The retained site description: metadata from config and each meter's published channels. */
export function infoMessage(config: AgentConfig, pollers: readonly MeterPoller[], now = Date.now()): Info {
  const { site } = config;
  const info: Info = {
    v: 1,
    site: site.id,
    ts: now,
    meters: pollers.map((p) => {
      const meter = config.meters.find((m) => m.id === p.id) as AgentConfig['meters'][number];
      return {
        id: meter.id,
        driver: meter.driver,
        interval_ms: meter.interval_ms,
        channels: p.publishedChannels.map((c) => ({
          id: c.id,
          role: c.role,
          ...(c.phase && { phase: c.phase }),
        })),
      };
    }),
  };
  if (site.name) info.name = site.name;
  if (site.location) info.location = site.location;
  if (site.timezone) info.timezone = site.timezone;
  if (site.tags) info.tags = site.tags;
  return info;
}

function cpuTemperature(): number | undefined {
  try {
    return Number(readFileSync('/sys/class/thermal/thermal_zone0/temp', 'utf8')) / 1000;
  } catch {
    return undefined;
  }
}

export function healthMessage(
  site: string,
  startedAt: number,
  queue: Health['queue'],
  pollers: readonly MeterPoller[],
  now = Date.now(),
): Health {
  const temp = cpuTemperature();
  return {
    v: 1,
    site,
    ts: now,
    uptime_s: Math.round((now - startedAt) / 1000),
    rss_bytes: process.memoryUsage.rss(),
    ...(temp !== undefined && Number.isFinite(temp) && { cpu_temp_c: temp }),
    queue,
    meters: pollers.map((p) => ({
      id: p.id,
      ...p.health,
      ...(p.health.last_error && { last_error: p.health.last_error.slice(0, 512) }),
    })),
  };
}
