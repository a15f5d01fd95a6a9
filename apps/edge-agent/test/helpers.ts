import { parseConfig } from '@wattbus/config';
import type { ChannelSample, DriverChannel, MeterDriver } from '@wattbus/meters';
import { type AgentConfig, AgentConfigSchema, type MeterConfig } from '../src/config.js';

/** A complete agent config for in-process tests, with the schema's defaults applied like the app does. */
export function agentConfig(
  meters: Array<Partial<MeterConfig> & { id: string }>,
  site: Partial<AgentConfig['site']> = {},
): AgentConfig {
  const raw = {
    site: { id: 'house-1', ...site },
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    state_dir: '/nonexistent',
    meters: meters.map((m) => ({ driver: 'simulated', interval_ms: 1000, ...m })),
  };
  return parseConfig(JSON.stringify(raw), AgentConfigSchema, { source: 'test config' });
}

export interface FakeDriverScript {
  channels?: DriverChannel[];
  /** Called for every open(); throw to fail it. */
  open?: (attempt: number) => void;
  /** Called for every read(); throw to fail it, return the samples otherwise. Default: one grid sample. */
  read?: (now: number, attempt: number) => ChannelSample[];
}

/** An in-process MeterDriver whose behaviour each test scripts; it records what was called. */
export class FakeDriver implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 100;
  readonly calls: string[] = [];
  readonly readTimes: number[] = [];
  private opens = 0;
  private reads = 0;

  constructor(private readonly script: FakeDriverScript = {}) {
    this.channels = script.channels ?? [{ id: 'grid', values: ['power_w', 'energy_import_wh'] }];
  }

  async open(): Promise<void> {
    this.calls.push('open');
    this.script.open?.(++this.opens);
  }

  async read(now: number): Promise<ChannelSample[]> {
    this.calls.push('read');
    this.readTimes.push(now);
    const attempt = ++this.reads;
    if (this.script.read) return this.script.read(now, attempt);
    return [{ channel: 'grid', ts: now, values: { power_w: 100 + attempt, energy_import_wh: 1000 + attempt } }];
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }
}
