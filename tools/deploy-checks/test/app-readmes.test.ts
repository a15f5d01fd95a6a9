import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AlerterConfigSchema } from '../../../apps/alerter/src/config.js';
import { BrokerConfigSchema } from '../../../apps/broker/src/config.js';
import { AgentConfigSchema } from '../../../apps/edge-agent/src/config.js';
import { InsightsConfigSchema } from '../../../apps/insights/src/config.js';
import { PortalConfigSchema } from '../../../apps/portal/src/config.js';
import { RollupConfigSchema } from '../../../apps/rollup/src/config.js';
import { SinkWorkerConfigSchema } from '../../../apps/sink-worker/src/config.js';
import { ROOT } from '../src/paths.js';

const run = promisify(execFile);
const readme = (app: string) => readFileSync(join(ROOT, 'apps', app, 'README.md'), 'utf8');
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Each app's README documents its config: every top-level key of the schema the app loads, named as `key` or
// `key.sub` or `key[]`, so a key added to a schema without a word in the README fails here.
describe.each([
  ['edge-agent', AgentConfigSchema],
  ['broker', BrokerConfigSchema],
  ['sink-worker', SinkWorkerConfigSchema],
  ['alerter', AlerterConfigSchema],
  ['portal', PortalConfigSchema],
  ['rollup', RollupConfigSchema],
  ['insights', InsightsConfigSchema],
] as Array<[string, { properties: object }]>)('apps/%s/README.md', (app, schema) => {
  it.each(Object.keys(schema.properties))('names the config key %s', (key) => {
    expect(readme(app)).toMatch(new RegExp(`\`${literal(key)}[\`.[]`));
  });
});

/** The flags an app's --help lists, as it prints them. */
async function helpFlags(main: string, args: string[]): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=wattbus-source', '--import', 'tsx', main, ...args, '--help'],
    { cwd: ROOT },
  );
  return [...new Set([...stdout.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]))];
}

// And its flags: every flag its --help lists, named somewhere in its README.
it.each([
  ['edge-agent', []],
  ['broker', []],
  ['broker', ['passwd']],
  ['sink-worker', []],
  ['alerter', []],
  ['portal', []],
  ['rollup', []],
  ['insights', []],
  ['export', []],
  ['loadgen', []],
  ['demo', []],
] as Array<[string, string[]]>)('apps/%s/README.md names every flag of %j --help', async (app, args) => {
  const flags = await helpFlags(join('apps', app, 'src/main.ts'), args);
  expect(flags.length).toBeGreaterThan(1);
  const text = readme(app);
  expect(flags.filter((flag) => !new RegExp(`(?<![\\w-])${literal(flag)}(?![\\w-])`).test(text))).toEqual([]);
});
