import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { AlerterConfigSchema } from '../src/config.js';
import { createRules, ruleContext } from '../src/rules/index.js';

it('deploy/examples/alerter.yaml is valid, with defaults applied and overrides resolving per channel', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/examples/alerter.yaml'), AlerterConfigSchema, {
    env: { WATTBUS_MQTT_PASSWORD: 'secret', WATTBUS_WEBHOOK_TOKEN: 'tok', WATTBUS_SMTP_PASSWORD: 'smtp' },
  });
  expect(config.mqtt).toMatchObject({ password: 'secret' });
  expect(config.rules.extreme).toMatchObject({ enabled: true, raise_after_s: 0, clear_after_s: 300 });
  expect(config.notify.webhook).toMatchObject({ headers: { authorization: 'Bearer tok' }, timeout_ms: 10_000 });
  expect(config.notify.email?.smtp).toMatchObject({ port: 587, secure: false, require_tls: true, password: 'smtp' });
  expect(config.notify.email?.recipients.sites['house-12']).toHaveLength(2);

  const overload = ruleContext('overload', config.overrides).perChannel(config.rules.overload);
  expect(overload.for('house-12', 'main', 'grid')).toMatchObject({ limit_w: 9000, raise_after_s: 60 });
  expect(overload.for('house-12', 'main', 'house').limit_w).toBeUndefined();
  const pvNight = ruleContext('pv_night', config.overrides).perChannel(config.rules.pv_night);
  expect(pvNight.for('house-40', 'main', 'solar')).toMatchObject({ enabled: false, sun_below_deg: -6 });
  expect(createRules(config.rules, config.overrides).map((r) => r.id)).toEqual([
    'missing-data',
    'sign',
    'pv-night',
    'overload',
    'extreme',
    'energy-index',
    'voltage',
  ]);
});
