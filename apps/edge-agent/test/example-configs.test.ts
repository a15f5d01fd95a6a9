import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { drivers } from '@wattbus/meters';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { checkMeters } from '../src/check-meters.js';
import { AgentConfigSchema } from '../src/config.js';

const ENV = { WATTBUS_MQTT_PASSWORD: 'x', EGAUGE_PASSWORD: 'x', ECODEVICES_PASSWORD: 'x' };
const examples = readdirSync(join(REPO_ROOT, 'deploy/examples')).filter((f) => /^agent.*\.yaml$/.test(f));

it('there is a documented example agent config for every driver', () => {
  const used = new Set(
    examples.flatMap((f) =>
      loadConfig(join(REPO_ROOT, 'deploy/examples', f), AgentConfigSchema, { env: ENV }).meters.map((m) => m.driver),
    ),
  );
  expect([...used].sort()).toEqual(Object.keys(drivers).sort());
});

it.each(examples)('deploy/examples/%s is valid, driver settings included', (file) => {
  const path = join(REPO_ROOT, 'deploy/examples', file);
  const config = loadConfig(path, AgentConfigSchema, { env: ENV });
  expect(() => checkMeters(config, drivers, path)).not.toThrow();
});
