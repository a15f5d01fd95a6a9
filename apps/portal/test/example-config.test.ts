import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { PortalConfigSchema } from '../src/config.js';

it('deploy/examples/portal.yaml is valid, with defaults applied', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/examples/portal.yaml'), PortalConfigSchema, {
    env: { INFLUX_READ_PASSWORD: 'secret' },
  });
  expect(config.influx).toEqual({
    url: 'http://127.0.0.1:8086',
    database: 'wattbus',
    username: 'grafana',
    password: 'secret',
    timeout_ms: 10_000,
  });
  expect(config.groups.map((g) => [g.id, g.sites])).toEqual([
    ['tilleuls', ['house-12', 'house-13']],
    ['lena', ['house-14']],
  ]);
  expect(config.session).toEqual({ ttl_s: 43_200, secure_cookie: true });
  expect(config.acl_file).toBe('/etc/wattbus/mosquitto/acl');
  expect(config.timezone).toBe('Europe/Brussels');
});

it('deploy/docker/config/portal.yaml (the compose service) is valid with the variables compose passes', () => {
  const config = loadConfig(join(REPO_ROOT, 'deploy/docker/config/portal.yaml'), PortalConfigSchema, {
    env: {
      PORTAL_BROKER_WS_URL: 'wss://mqtt.example.org:8081/mqtt',
      PORTAL_TIMEZONE: 'Europe/Brussels',
      INFLUX_DB: 'wattbus',
      INFLUX_READ_PASSWORD: 'secret',
    },
  });
  expect(config.broker.url).toBe('mqtt://mqtt:1883');
  expect(config.influx.url).toBe('http://influxdb:8086');
  expect(config.listen).toEqual({ host: '0.0.0.0', port: 8090 });
  expect(config.acl_file).toBe('/etc/wattbus/mosquitto/acl');
});
