import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Alert, Reading } from '@wattbus/contract';
import { requireBinary } from '@wattbus/testkit';
import mqtt from 'mqtt';

const run = promisify(execFile);

/** A Mosquitto password file made by the real mosquitto_passwd, for users of deploy/mosquitto/acl. */
export async function makePasswordFile(dir: string, users: readonly string[]): Promise<Record<string, string>> {
  const file = join(dir, 'passwd');
  const tool = requireBinary('mosquitto_passwd');
  const passwords: Record<string, string> = {};
  for (const [i, user] of users.entries()) {
    passwords[user] = `pw-${user}-${Math.random().toString(36).slice(2)}`;
    await run(tool, [...(i === 0 ? ['-c'] : []), '-b', file, user, passwords[user] as string]);
  }
  return passwords;
}

export function reading(
  site: string,
  meter: string,
  channel: string,
  role: Reading['role'],
  power_w: number,
  ts: number,
  seq: number,
): Reading {
  return { v: 1, site, meter, channel, role, seq, ts, values: { power_w }, labels: {} };
}

export function alert(site: string, rule: string, state: Alert['state'], message: string, ts = Date.now()): Alert {
  return {
    v: 1,
    site,
    rule,
    ts,
    state,
    severity: 'warning',
    message,
    open: state === 'raised' ? [{ subject: 'main/grid', since: ts, message }] : [],
  };
}

/** Publishes with the credentials of `username` over plain MQTT, like an agent or the alerter would. */
export async function publishAs(
  url: string,
  username: string,
  password: string,
  messages: Array<{ topic: string; payload: object; retain?: boolean }>,
): Promise<void> {
  const client = await mqtt.connectAsync(url, { username, password, reconnectPeriod: 0, clean: true });
  try {
    for (const m of messages) {
      await client.publishAsync(m.topic, JSON.stringify(m.payload), { qos: 1, retain: m.retain ?? false });
    }
  } finally {
    await client.endAsync();
  }
}
