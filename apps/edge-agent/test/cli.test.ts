import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateReading } from '@wattbus/contract';
import { drivers } from '@wattbus/meters';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './run-agent.js';

describe('wattbus-agent command line', () => {
  let tmp: TempDir;
  let stateDir: string;
  const valid = () => ({
    site: { id: 'house-3', name: 'House 3' },
    mqtt: { url: 'mqtt://127.0.0.1:1' },
    state_dir: stateDir,
    meters: [
      { id: 'main', driver: 'simulated', interval_ms: 1000, config: { seed: 3, pv_kwp: 4 } },
      {
        id: 'heat-pump',
        driver: 'simulated',
        config: { seed: 4 },
        channels: [{ id: 'consumption', role: 'consumption' }],
      },
    ],
  });

  beforeAll(async () => {
    tmp = await tempDir('wattbus-agent-cli-');
    stateDir = join(tmp.path, 'state');
  });
  afterAll(async () => {
    await tmp?.cleanup();
  });

  it.concurrent('--check-config on a valid file exits 0 and says so', async () => {
    const run = await runAgent(valid(), ['--check-config']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${run.configPath}: config is valid\n`);
    expect(run.code).toBe(0);
  });

  it.concurrent('--help exits 0 and lists --once and --check-config', async () => {
    const run = await runAgent(valid(), ['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wattbus-agent: /);
    expect(run.stdout).toMatch(/--once\s+read every meter once/);
    expect(run.stdout).toMatch(/--check-config/);
  });

  it.concurrent('an unknown flag exits 2 with the usage', async () => {
    const run = await runAgent(valid(), ['--onse']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/onse/);
    expect(run.stderr).toMatch(/Usage: wattbus-agent --config <file>/);
    expect(run.stdout).toBe('');
  });

  it.concurrent('a schema error (typo key, wrong type) exits 2 naming the file and every key path', async () => {
    const config = valid() as Record<string, unknown> & { meters: Array<Record<string, unknown>> };
    config.mqtt = { urll: 'mqtt://127.0.0.1:1' };
    (config.meters[0] as Record<string, unknown>).interval_ms = 'fast';
    // without --check-config: the agent refuses to start
    const run = await runAgent(config, []);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`Invalid config ${run.configPath}:`);
    expect(lines.slice(1).sort()).toEqual(
      [
        '  - mqtt: missing required key "url"',
        '  - mqtt.urll: unknown key (did you mean "url"?)',
        '  - meters[0].interval_ms: expected integer ≥ 100, got "fast"',
      ].sort(),
    );
    expect(existsSync(stateDir)).toBe(false);
  });

  it.concurrent('mqtt.url takes a list of brokers; a bad entry is named by its index', async () => {
    // exit code, then the problem lines
    const check = async (url: unknown) => {
      const run = await runAgent({ ...valid(), mqtt: { url } }, ['--check-config']);
      return [run.code, ...run.stderr.trimEnd().split('\n').slice(1)];
    };
    const [list, badEntry, empty, number] = await Promise.all([
      check(['mqtts://node-a:8883', 'mqtts://node-b:8883']),
      check(['mqtts://node-a:8883', 'https://node-b']),
      check([]),
      check(8883),
    ]);
    expect(list).toEqual([0]);
    expect(badEntry).toEqual([
      2,
      '  - mqtt.url[1]: expected a string matching /^(mqtts?|wss?|tcp|ssl):/// (broker URL: mqtt://host:1883, mqtts://host:8883, ws:// or wss://), got "https://node-b"',
    ]);
    expect(empty).toEqual([2, '  - mqtt.url: expected at least 1 item, got 0']);
    expect(number).toEqual([
      2,
      '  - mqtt.url: expected string or array (a broker URL, or a list of them tried in turn), got 8883',
    ]);
  });

  it.concurrent('an unknown driver and bad driver settings exit 2 naming the file and key paths', async () => {
    const config = valid();
    (config.meters[0] as Record<string, unknown>).driver = 'modbuss';
    (config.meters[1] as Record<string, unknown>).config = { seed: 'x' };
    const run = await runAgent(config, ['--check-config']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`Invalid config ${run.configPath}:`);
    expect(run.stderr).toContain(
      `meters[0].driver: unknown driver "modbuss" (known: ${Object.keys(drivers).join(', ')})`,
    );
    expect(run.stderr).toMatch(/meters\[1\]\.config\.seed: expected integer/);
  });

  it.concurrent('a missing config file exits 2 naming it', async () => {
    const run = await runAgent(valid(), ['--config', join(tmp.path, 'nope.yaml')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(join(tmp.path, 'nope.yaml'));
    expect(run.stderr).toMatch(/file not found/);
  });

  it.concurrent('--once prints one contract Reading per line for every channel and exits 0', async () => {
    const before = Date.now();
    const run = await runAgent(valid(), ['--once']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith('\n')).toBe(true);
    const lines = run.stdout.trimEnd().split('\n');
    const readings = lines.map((line) => {
      const checked = validateReading(JSON.parse(line));
      expect(checked.ok ? [] : checked.errors, line).toEqual([]);
      if (!checked.ok) throw new Error('invalid reading');
      return checked.value;
    });
    expect(readings.map((r) => `${r.meter}/${r.channel}/${r.role}`).sort()).toEqual([
      'heat-pump/consumption/consumption',
      'main/consumption/consumption',
      'main/grid/grid',
      'main/production/production',
    ]);
    for (const r of readings) {
      expect(r.site).toBe('house-3');
      expect(r.seq).toBe(0);
      expect(r.ts).toBeGreaterThanOrEqual(before);
      expect(r.ts).toBeLessThanOrEqual(Date.now());
    }
    const production = readings.find((r) => r.channel === 'production');
    expect(production?.values.power_w).toBeLessThanOrEqual(0);
    // --once does not touch the persisted seq counters
    expect(existsSync(stateDir)).toBe(false);
  });

  it.concurrent('--once with an always-failing meter exits non-zero naming it, and still prints the others', async () => {
    const config = valid();
    (config.meters[1] as Record<string, unknown>).config = { seed: 4, fail: { every_s: 1, for_s: 1 } };
    const run = await runAgent(config, ['--once']);
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toMatch(/^wattbus-agent: meter heat-pump: simulated outage/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toContain('meter main');
    const readings = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    for (const r of readings) expect(validateReading(r).ok).toBe(true);
    expect(
      readings.map((r) => `${(r as { meter: string }).meter}/${(r as { channel: string }).channel}`).sort(),
    ).toEqual(['main/consumption', 'main/grid', 'main/production']);
  });
});
