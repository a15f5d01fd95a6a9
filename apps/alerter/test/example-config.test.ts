import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { AlerterConfigSchema } from '../src/config.js';
import { createRules } from '../src/rules/index.js';
import { SettingsResolver } from '../src/rules/settings.js';

it('deploy/examples/alerter.yaml is valid, with defaults applied and overrides resolving per channel', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/examples/alerter.yaml'), AlerterConfigSchema, {
    env: { WATTBUS_MQTT_PASSWORD: 'secret', WATTBUS_WEBHOOK_TOKEN: 'tok', WATTBUS_SMTP_PASSWORD: 'smtp' },
  });
  expect(config.mqtt).toMatchObject({ password: 'secret' });
  expect(config.rules.extreme).toMatchObject({ enabled: true, raise_after_s: 0, clear_after_s: 300 });
  expect(config.notify.webhook).toMatchObject({ headers: { authorization: 'Bearer tok' }, timeout_ms: 10_000 });
  expect(config.notify.email?.smtp).toMatchObject({ port: 587, secure: false, require_tls: true, password: 'smtp' });
  expect(config.notify.email?.recipients.sites['house-12']).toHaveLength(2);

  const { missing_data: _, ...perChannel } = config.rules;
  const settings = new SettingsResolver(perChannel, config.overrides);
  expect(settings.for('house-12', 'main', 'grid').overload).toMatchObject({ limit_w: 9000, raise_after_s: 60 });
  expect(settings.for('house-12', 'main', 'house').overload.limit_w).toBeUndefined();
  expect(settings.for('house-40', 'main', 'solar').pv_night).toMatchObject({ enabled: false, sun_below_deg: -6 });
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
