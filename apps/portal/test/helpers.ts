import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Alert, Reading, Rollup } from '@wattbus/contract';
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

/**
 * A daily rollup of one channel as the rollup service emits it (docs/energy.md): `energy` Wh imported and
 * exported, the grid's cost in EUR (`null` import cost: unknown, with its reason).
 */
export function dayRollup(
  site: string,
  channel: string,
  role: Reading['role'],
  start: number,
  energy: { import_wh: number; export_wh: number },
  cost: { import: number | null; export: number; standing: number } = { import: 0, export: 0, standing: 0 },
): Rollup {
  return {
    v: 1,
    key: `${site}/main/${channel}/1d/${start}`,
    site,
    meter: 'main',
    channel,
    role,
    interval: '1d',
    start,
    end: start + 86_400_000,
    revision: 0,
    readings: 1440,
    coverage: 1,
    estimated_ms: 0,
    resets: 0,
    energy_import_wh: energy.import_wh,
    energy_export_wh: energy.export_wh,
    energy_source: { import: 'index', export: 'index' },
    periods: { HP: { import_wh: energy.import_wh, export_wh: energy.export_wh } },
    tariff: 'fr-hphc',
    power_w: null,
    voltage_v: null,
    cost: {
      currency: 'EUR',
      ...cost,
      unknown: cost.import === null ? 'no price in prices/import.csv for the day' : null,
    },
  };
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
