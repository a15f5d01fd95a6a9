import { startProcess, tempDir } from '@wattbus/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { childSpecs, writeConfigs } from '../src/configs.js';
import { HOUSEHOLDS } from '../src/households.js';
import { appDir, demoPaths } from '../src/paths.js';

const dir = await tempDir('wattbus-demo-configs-');
afterAll(() => dir.cleanup());

describe('generated configs', () => {
  it('describe three different households, one with the periodic meter fault', () => {
    const specs = childSpecs({ port: 1883, households: HOUSEHOLDS, paths: demoPaths({ WATTBUS_DEMO_DIR: dir.path }) });
    expect(specs.map((s) => s.name)).toEqual([
      'broker',
      'sink-worker',
      'alerter',
      'agent-flat-brussels',
      'agent-house-liege',
      'agent-house-ghent',
    ]);
    expect(new Set(HOUSEHOLDS.map((h) => h.pv_kwp))).toEqual(new Set([0, 3.5, 6]));
    expect(new Set(HOUSEHOLDS.map((h) => h.seed)).size).toBe(3);
    expect(new Set(HOUSEHOLDS.map((h) => h.city)).size).toBe(3);
    expect(HOUSEHOLDS.filter((h) => h.fail)).toHaveLength(1);
  });

  it('adds InfluxDB to the sink worker only when INFLUX_URL is set, keeping the token out of the file', () => {
    const paths = demoPaths({ WATTBUS_DEMO_DIR: dir.path });
    const sink = (env: NodeJS.ProcessEnv) =>
      childSpecs({ port: 1883, households: [], paths, env }).find((s) => s.name === 'sink-worker')?.config;
    expect(sink({})).toMatchObject({ sinks: { file: { dir: paths.data } } });
    expect(sink({})).not.toHaveProperty('sinks.influx');
    expect(sink({ INFLUX_URL: 'http://localhost:8086', INFLUX_TOKEN: 's3cret' })).toMatchObject({
      sinks: { influx: { url: 'http://localhost:8086', database: 'wattbus', token: '${INFLUX_TOKEN}' } },
    });
  });

  it('are accepted by each app (--check-config)', async () => {
    const paths = demoPaths({ WATTBUS_DEMO_DIR: dir.path });
    const env = { INFLUX_URL: 'http://localhost:8086', INFLUX_DB: 'demo', INFLUX_TOKEN: 'x' };
    const specs = childSpecs({ port: 1883, households: HOUSEHOLDS, paths, env });
    const files = await writeConfigs(paths, specs);
    const results = await Promise.all(
      specs.map(async (spec) => {
        const p = await startProcess(
          process.execPath,
          [
            '--conditions=wattbus-source',
            '--import',
            'tsx',
            'src/main.ts',
            '--config',
            files.get(spec.name) as string,
            '--check-config',
          ],
          { cwd: appDir(spec.app), env },
        );
        return { name: spec.name, code: await p.exited, output: p.output() };
      }),
    );
    for (const r of results)
      expect(r, r.output).toMatchObject({ code: 0, output: expect.stringContaining('config is valid') });
  });
});
