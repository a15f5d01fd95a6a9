import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type TSchema, Type } from '@sinclair/typebox';
import { loadConfig, parseConfig, validateSection } from '@wattbus/config';
import type { Plugin } from '@wattbus/config/plugin';
import { everyEnvVar, REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { AlerterConfigSchema } from '../src/config.js';
import { notifiers } from '../src/notify/registry.js';
import { createRules, ruleContext } from '../src/rules/index.js';
import { overrideSchemas } from '../src/rules/overrides.js';
import { rules } from '../src/rules/registry.js';
import { sampleKeys } from './plugin-conformance.js';

const RULES_DIR = fileURLToPath(new URL('../src/rules/', import.meta.url));
const NOTIFY_DIR = fileURLToPath(new URL('../src/notify/', import.meta.url));

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
    'delivery-lag',
    'voltage-forecast',
  ]);
});

/** The plugin `name` of `registry`, for the example's section at `path`. */
function pluginAt(registry: Readonly<Record<string, Plugin>>, name: string, path: string): Plugin {
  const plugin = Object.values<Plugin>(registry).find((p) => p.name === name);
  if (!plugin) throw new Error(`${path}: no such plugin`);
  return plugin;
}

it('each rule, override and notifier section of deploy/examples/alerter.yaml is valid for its plugin and sets only keys its sample.yaml shows', () => {
  const file = join(REPO_ROOT, 'deploy/examples/alerter.yaml');
  const example = parseConfig(readFileSync(file, 'utf8'), Type.Unknown(), { env: everyEnvVar }) as {
    rules: Record<string, object>;
    overrides: Array<Record<string, unknown>>;
    notify: Record<string, object>;
  };
  const overrides: Readonly<Record<string, TSchema>> = overrideSchemas(rules);
  // [path, section, its plugin, the schema it must match, the plugin's folder]
  const sections: Array<[string, object, Plugin, TSchema, string]> = [];
  for (const [name, section] of Object.entries(example.rules)) {
    const rule = pluginAt(rules, name, `rules.${name}`);
    sections.push([`rules.${name}`, section, rule, rule.configSchema, RULES_DIR]);
  }
  for (const [i, { site: _s, meter: _m, channel: _c, ...perRule }] of example.overrides.entries()) {
    for (const [name, section] of Object.entries(perRule)) {
      const path = `overrides[${i}].${name}`;
      sections.push([path, section as object, pluginAt(rules, name, path), overrides[name] as TSchema, RULES_DIR]);
    }
  }
  for (const [name, section] of Object.entries(example.notify)) {
    const notifier = pluginAt(notifiers, name, `notify.${name}`);
    sections.push([`notify.${name}`, section, notifier, notifier.configSchema, NOTIFY_DIR]);
  }
  expect(sections.length).toBe(7 + 3 + 2);
  for (const [path, section, plugin, schema, dir] of sections) {
    expect(() => validateSection(structuredClone(section), schema, { file, path }), path).not.toThrow();
    const shown = sampleKeys(dir, plugin);
    expect(
      Object.keys(section).filter((k) => !shown.includes(k)),
      `${path}: keys its sample.yaml does not show`,
    ).toEqual([]);
  }
});
