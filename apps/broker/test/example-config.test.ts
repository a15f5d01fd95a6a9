import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { REPO_ROOT } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { type BrokerConfig, BrokerConfigSchema } from '../src/config.js';

const example = (): BrokerConfig => loadConfig(join(REPO_ROOT, 'deploy/examples/broker.yaml'), BrokerConfigSchema);

/** mosquitto.conf as [option, value] pairs, in order. */
function mosquittoOptions(): Array<[string, string]> {
  return readFileSync(join(REPO_ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [key = '', ...rest] = line.trim().split(/\s+/);
      return [key, rest.join(' ')];
    });
}

describe('deploy/examples/broker.yaml', () => {
  it('is valid, refuses anonymous clients and uses the shared password and ACL files', () => {
    const config = example();
    expect(config.auth).toEqual({
      allow_anonymous: false,
      password_file: '/etc/wattbus/mosquitto/passwd',
      acl_file: '/etc/wattbus/mosquitto/acl',
      reserved_client_ids: ['%u', '%u-*', 'wattbus-agent-%u'],
    });
    expect(config.persistence).toEqual({ path: '/var/lib/wattbus/broker' });
    expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9234, path: '/metrics' });
  });

  it('is set up like deploy/mosquitto/mosquitto.conf', () => {
    const config = example();
    const options = mosquittoOptions();
    const value = (key: string) => options.find(([k]) => k === key)?.[1];
    expect(value('allow_anonymous')).toBe(String(config.auth.allow_anonymous));
    expect(value('password_file')).toBe(config.auth.password_file);
    expect(value('acl_file')).toBe(config.auth.acl_file);
    expect(value('persistence')).toBe('true');
    expect(Number(value('max_packet_size'))).toBe(config.limits.max_packet_bytes);
    expect(Number(value('max_queued_messages'))).toBe(config.limits.max_queued_messages);

    // Each mosquitto listener with the options that follow it, until the next listener.
    const listeners = options.reduce<Array<Record<string, string>>>((all, [key, val]) => {
      if (key === 'listener') all.push({ listener: val });
      else if (all.length > 0) Object.assign(all[all.length - 1] as object, { [key]: val });
      return all;
    }, []);
    const { tcp, tls, wss } = config.listeners;
    // On the listeners households reach, mosquitto takes the username as the client id; the embedded broker
    // reserves the services' ids for their users instead (auth.reserved_client_ids, by default).
    const byUsername = { use_username_as_clientid: 'true' };
    expect(listeners).toEqual([
      { listener: `${tcp?.port} ${tcp?.host}`, max_connections: '1000' },
      {
        listener: `${tls?.port}`,
        certfile: tls?.cert_file,
        keyfile: tls?.key_file,
        max_connections: '20000',
        ...byUsername,
      },
      {
        listener: `${wss?.port}`,
        protocol: 'websockets',
        certfile: wss?.cert_file,
        keyfile: wss?.key_file,
        max_connections: '5000',
        ...byUsername,
      },
    ]);
    expect(config.auth.reserved_client_ids).toEqual(['%u', '%u-*', 'wattbus-agent-%u']);
    expect([tls?.host, wss?.host]).toEqual(['0.0.0.0', '0.0.0.0']);
    expect(config.limits.max_connections).toBe(26_000);
  });
});
