import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const PNPM = join(REPO_ROOT, 'node_modules/.bin/pnpm');

// The README's "run it" column: each app runs from a clone, after the install line, as `pnpm <bin> …`.
it.each([
  ['wattbus-agent', 'deploy/examples/agent.yaml'],
  ['wattbus-sink', 'deploy/examples/sink-worker.yaml'],
  ['wattbus-alerter', 'deploy/examples/alerter.yaml'],
  ['wattbus-portal', 'deploy/examples/portal.yaml'],
  ['wattbus-rollup', 'deploy/examples/rollup.yaml'],
  ['wattbus-insights', 'deploy/examples/insights.yaml'],
])('pnpm %s --check-config --config %s runs from the repository root', async (bin, config) => {
  const { stdout } = await run(PNPM, ['--silent', bin, '--check-config', '--config', config], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WATTBUS_MQTT_PASSWORD: 'x',
      WATTBUS_WEBHOOK_TOKEN: 'x',
      WATTBUS_SMTP_PASSWORD: 'x',
      EGAUGE_PASSWORD: 'x',
      INFLUX_READ_PASSWORD: 'x',
    },
  });
  expect(stdout).toMatch(new RegExp(`${config.replace(/[./]/g, '\\$&')}.*(ok|valid)`, 'i'));
});

// The broker's example config names files that exist only once installed (/etc/wattbus/…): its help, then.
it.each([
  ['wattbus-loadgen', /--households/],
  ['wattbus-broker', /--config/],
])('pnpm %s --help lists its flags', async (bin, flag) => {
  const { stdout } = await run(PNPM, ['--silent', bin, '--help'], { cwd: REPO_ROOT });
  expect(stdout).toMatch(flag);
});
