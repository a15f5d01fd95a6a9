import { validateReading } from '@wattbus/contract';
import { FluksoSimulator } from '@wattbus/simulators/flukso';
import { type MosquittoHandle, startMosquitto } from '@wattbus/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAgent } from './run-agent.js';

const MAINS = '5e1c27d4b04e4f1c9d0a7f3e2b6c8d10';
const PV = 'c0ffee00c0ffee00c0ffee00c0ffee00';

describe('wattbus-agent --once with a Fluksometer over MQTT', () => {
  let broker: MosquittoHandle;
  let sim: FluksoSimulator;
  beforeAll(async () => {
    broker = await startMosquitto();
    sim = new FluksoSimulator({
      url: broker.url,
      sensors: [
        { id: MAINS, power: 800 },
        { id: PV, power: 1500 },
      ],
    });
    await sim.start();
    sim.silence(PV); // unplugged: it never publishes
    sim.run(200);
  });
  afterAll(async () => {
    await sim?.stop();
    await broker?.stop();
  });

  it('fails naming a sensor that never publishes, and prints the channels that do not use it', async () => {
    const run = await runAgent(
      {
        site: { id: 'house-5' },
        mqtt: { url: 'mqtt://127.0.0.1:1' },
        state_dir: '/nonexistent',
        meters: [
          {
            id: 'flm',
            driver: 'flukso',
            config: {
              url: broker.url,
              first_data_ms: 1000,
              sensors: [
                { id: MAINS, channel: 'grid' },
                { id: PV, channel: 'grid', factor: -1 },
                { id: MAINS, channel: 'consumption' },
                { id: PV, channel: 'consumption' },
                { id: PV, channel: 'production', factor: -1 },
                { id: MAINS, channel: 'mains' },
              ],
            },
          },
        ],
      },
      ['--once'],
    );
    expect(run.code).toBe(1);
    const silent = (channel: string) => `channel ${channel}: no data from sensor ${PV} for \\d+ s \\(none yet\\)`;
    expect(run.stderr).toMatch(
      new RegExp(`^wattbus-agent: meter flm: ${['grid', 'consumption', 'production'].map(silent).join('; ')}\n$`),
    );
    const readings = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    for (const r of readings) expect(validateReading(r).ok).toBe(true);
    expect(readings).toMatchObject([{ meter: 'flm', channel: 'mains', values: { power_w: 800 } }]);
  });
});
