import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT, startApp } from '@wattbus/testkit';
import { expect, it } from 'vitest';
import { invalidCidrs } from '../src/client-address.js';
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
  expect(config.login).toEqual({
    max_failures: 5,
    max_address_failures: 20,
    lockout_s: 60,
    window_s: 900,
    failure_delay_ms: 1000,
    trusted_proxies: ['127.0.0.1', '::1'],
    broker_checks: { concurrency: 4, per_second: 5, burst: 20, queue: 50 },
  });
  expect(invalidCidrs(config.login.trusted_proxies)).toEqual([]);
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
  expect(config.login.trusted_proxies.length).toBeGreaterThan(0);
  expect(invalidCidrs(config.login.trusted_proxies)).toEqual([]);
});

it('a trusted_proxies entry that is not an address or CIDR is a config error (exit 2)', async () => {
  const app = await startApp(
    'portal',
    {
      broker: { url: 'mqtt://127.0.0.1:1883', ws_url: 'ws://127.0.0.1:8080/mqtt' },
      acl_file: join(REPO_ROOT, 'deploy/mosquitto/acl'),
      influx: { url: 'http://127.0.0.1:8086' },
      groups: [{ id: 'g', caption: 'G', sites: ['house-12'] }],
      login: { trusted_proxies: ['10.0.0.0/8', 'proxy.local'] },
    },
    { args: ['--check-config'], readyWhen: null },
  );
  expect(await app.exited).toBe(2);
  expect(app.output()).toContain('not an address or CIDR: "proxy.local"');
});
