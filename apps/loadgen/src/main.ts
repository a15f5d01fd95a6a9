#!/usr/bin/env node
import { HouseholdFleet, runLoad } from '@wattbus/loadgen-core';
import { connectMqtt, describeMqttError } from '@wattbus/mqtt';
import { parseLoadgenArgs, USAGE, UsageError } from './args.js';

let args: ReturnType<typeof parseLoadgenArgs>;
try {
  args = parseLoadgenArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`wattbus-loadgen: ${err.message}\n\n${USAGE}`);
  process.exit(2);
}
if (args === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}

const say = (line: string) => {
  if (!args.quiet) process.stderr.write(`${line}\n`);
};
const fleet = new HouseholdFleet({
  households: args.households,
  metersPerHousehold: args.metersPerHousehold,
  sitePrefix: args.sitePrefix,
});
const rate = args.rate ?? (fleet.readingsPerRound * 1000) / (args.intervalMs as number);

const client = connectMqtt(args.connection, {
  clientId: args.clientId,
  onEvent: (event) => {
    if (event.type === 'error') say(`mqtt: ${event.message}`);
    else if (event.type === 'reconnect-scheduled') say(`mqtt: disconnected, reconnecting in ${event.delayMs} ms`);
  },
});
try {
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (err) => reject(err));
    setTimeout(() => reject(new Error(`no CONNACK from ${args.connection.url} within 15 s`)), 15_000).unref();
  });
} catch (err) {
  process.stderr.write(`wattbus-loadgen: ${describeMqttError(err as Error)}\n`);
  process.exit(1);
}

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
process.once('SIGTERM', () => abort.abort());

say(
  `publishing to ${args.connection.url}: ${fleet.meters.length} meters in ${args.households} households, ` +
    `${Number.isFinite(rate) ? `${Math.round(rate)} readings/s` : 'as fast as PUBACKs allow'}, QoS ${args.qos}, ` +
    (args.count !== undefined ? `${args.count} readings` : `${(args.durationMs as number) / 1000} s`),
);
const summary = await runLoad({
  fleet,
  client,
  rate,
  ...(args.count !== undefined ? { count: args.count } : { durationMs: args.durationMs as number }),
  qos: args.qos,
  window: args.window,
  signal: abort.signal,
  onProgress: (p) => say(`${p.elapsed_s.toFixed(1)} s: sent ${p.sent}, acked ${p.acked} (${Math.round(p.rate)}/s)`),
});
await client.endAsync();

if (args.json) {
  process.stdout.write(
    `${JSON.stringify({ ...summary, url: args.connection.url, interrupted: abort.signal.aborted })}\n`,
  );
} else {
  process.stdout.write(
    `sent ${summary.sent}, acked ${summary.acked}, failed ${summary.failed} in ${summary.elapsed_s.toFixed(2)} s: ` +
      `${Math.round(summary.rate)} readings/s sent, ${Math.round(summary.acked_rate)}/s acked` +
      `${summary.max_behind > Math.max(10, rate / 10) ? ` (fell up to ${summary.max_behind} readings behind the pace)` : ''}\n`,
  );
}
process.exit(summary.failed > 0 || summary.acked < summary.sent ? 1 : 0);
