import { parseTopic, type Reading, validateReading } from '@wattbus/contract';
import { type MosquittoHandle, startMosquitto, startProcess } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const APP_DIR = new URL('..', import.meta.url).pathname;

function runCli(args: string[]) {
  return startProcess(process.execPath, ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: APP_DIR,
  });
}

describe('wattbus-loadgen against mosquitto', () => {
  let broker: MosquittoHandle;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker?.stop();
  });

  it('publishes --count valid readings of --households households at --rate, and prints a JSON summary', async () => {
    const sub = await mqtt.connectAsync(broker.url, { clientId: 'loadgen-test-sub' });
    const received: { topic: string; reading: Reading }[] = [];
    sub.on('message', (topic, payload) => received.push({ topic, reading: JSON.parse(payload.toString()) as Reading }));
    await sub.subscribeAsync('wattbus/v1/+/+/reading', { qos: 1 });

    const started = performance.now();
    const cli = await runCli([
      '--url',
      broker.url,
      '--households',
      '20',
      '--meters-per-household',
      '2',
      '--rate',
      '1000',
      '--count',
      '1500',
      '--json',
    ]);
    expect(await cli.exited).toBe(0);
    const took = (performance.now() - started) / 1000;
    const out = cli.output();
    const summary = JSON.parse(out.split('\n').find((l) => l.startsWith('{')) ?? '{}');
    expect(summary).toMatchObject({ sent: 1500, acked: 1500, failed: 0, households: 20, meters: 40, qos: 1 });
    expect(summary.rate_offered).toBe(1000);
    // 1500 readings at 1000/s take 1.5 s, not less (plus the process start)
    expect(summary.elapsed_s).toBeGreaterThanOrEqual(1.49);
    expect(took).toBeGreaterThan(1.5);
    expect(out).toMatch(/publishing to mqtt:\/\/127\.0\.0\.1:\d+: 40 meters in 20 households, 1000 readings\/s/);

    const deadline = Date.now() + 10_000;
    while (received.length < 1500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await sub.endAsync();
    expect(received).toHaveLength(1500);
    const sites = new Set<string>();
    for (const { topic, reading } of received) {
      expect(validateReading(reading).ok).toBe(true);
      expect(parseTopic(topic)).toEqual({ kind: 'reading', site: reading.site, meter: reading.meter });
      sites.add(reading.site);
    }
    expect([...sites].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `load-${String(i + 1).padStart(4, '0')}`));
  });

  it('derives the rate from --interval and stops after --duration', async () => {
    const cli = await runCli([
      '--url',
      broker.url,
      '--households',
      '10',
      '--interval',
      '100',
      '--duration',
      '1',
      '--json',
    ]);
    expect(await cli.exited).toBe(0);
    const summary = JSON.parse(
      cli
        .output()
        .split('\n')
        .find((l) => l.startsWith('{')) ?? '{}',
    );
    // 10 households, every third with PV: 4 × 3 + 6 × 2 = 24 readings per round, a round every 100 ms
    expect(summary.rate_offered).toBe(240);
    expect(summary.sent).toBe(240);
    expect(summary.acked).toBe(240);
  });

  it('exits 2 with the usage on a bad flag, and 1 when the broker is unreachable', async () => {
    const bad = await runCli(['--url', broker.url, '--rate', 'fast']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toMatch(/--rate: expected a number > 0 \(got "fast"\)[\s\S]*Usage: wattbus-loadgen/);
    const both = await runCli(['--count', '1', '--duration', '1']);
    expect(await both.exited).toBe(2);
    expect(both.output()).toMatch(/give --count or --duration, not both/);
    const unreachable = await runCli(['--url', 'mqtt://127.0.0.1:1', '--count', '1']);
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.output()).toMatch(/broker unreachable/);
  });
});
