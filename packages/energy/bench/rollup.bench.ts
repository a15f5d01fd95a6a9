/**
 * The rollup engine on one core: 1,000 sites (one grid channel each, Paris HP/HC tariff with fixed prices), a reading
 * every 10 s per site, from 23:30 local so the local day closes too; records drained every 1,000 readings as a
 * consumer's batch would. The baseline decodes and iterates the same payloads in the same run; the ratio is
 * engine throughput / baseline throughput. Rates are per second of wall time and per second of this process's CPU
 * time: on a machine shared with other work the wall-time rate falls with the load, while the CPU-time rate is what
 * one core does (it is judged against the target). Prints a table and one JSON line.
 */
import type { Reading } from '@wattbus/contract';
import { DateTime } from 'luxon';
import { RollupEngine } from '../src/rollup/engine.js';
import { Tariffs } from '../src/tariff/tariffs.js';

const SITES = 1000;
const PER_SITE = Number(process.env.PER_SITE ?? 500);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TARGET = 100_000;

const start = DateTime.fromISO('2026-01-13T23:30', { zone: 'Europe/Paris' }).toMillis();
const payloads: string[] = [];
for (let k = 0; k < PER_SITE; k++) {
  for (let s = 0; s < SITES; s++) {
    const power = 300 + ((s * 7919 + k * 104729) % 3000);
    const reading: Reading = {
      v: 1,
      site: `site-${s}`,
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq: k,
      ts: start + k * 10_000 + (s % 10) * 100,
      values: { power_w: power, energy_import_wh: 1_000_000 + s + k * 2.5, voltage_v_l1: 229 + (k % 5) },
    };
    payloads.push(JSON.stringify(reading));
  }
}

const tariffs = new Tariffs(
  {
    tariffs: {
      paris: {
        timezone: 'Europe/Paris',
        default_period: 'HC',
        holidays: [],
        rules: [{ period: 'HP', from: '06:00', to: '22:00' }],
        currency: 'EUR',
        import: { fixed: { HP: 0.25, HC: 0.2 } },
        export: { fixed: { '*': 0.1 } },
        standing_charge_per_day: 0.5,
      },
    },
    groups: {},
    sites: {},
    default_tariff: 'paris',
  },
  { baseDir: '.' },
);

interface Rates {
  wall: number;
  cpu: number;
}

/** Readings per second of wall time and of CPU time while `work` runs. */
function measure(work: () => void): Rates {
  const wall0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  work();
  const cpu = process.cpuUsage(cpu0);
  const wallSeconds = Number(process.hrtime.bigint() - wall0) / 1e9;
  return { wall: payloads.length / wallSeconds, cpu: payloads.length / ((cpu.user + cpu.system) / 1e6) };
}

function baseline(): Rates {
  let sink = 0;
  const rates = measure(() => {
    for (const payload of payloads) {
      const reading = JSON.parse(payload) as Reading;
      sink += reading.ts + (reading.values.energy_import_wh ?? 0) + reading.site.length;
    }
  });
  if (sink === 42) console.log('');
  return rates;
}

let records = 0;
function engineRun(): Rates {
  const engine = new RollupEngine({ planFor: (site) => tariffs.planFor(site) });
  records = 0;
  return measure(() => {
    for (let i = 0; i < payloads.length; i++) {
      engine.push(JSON.parse(payloads[i] as string) as Reading);
      if (i % 1000 === 999) records += engine.drain().length;
    }
    records += engine.drain().length;
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const base: Rates[] = [];
const runs: Rates[] = [];
for (let round = 0; round < ROUNDS; round++) {
  base.push(baseline());
  runs.push(engineRun());
}
const figures = (rates: Rates[]) => ({ wall: median(rates.map((r) => r.wall)), cpu: median(rates.map((r) => r.cpu)) });
const engine = figures(runs);
const decode = figures(base);
const fmt = (n: number) => Math.round(n).toLocaleString('en').padStart(12);
console.log(
  `rollup engine, ${SITES} sites, ${payloads.length.toLocaleString('en')} readings, ${ROUNDS} rounds (medians)`,
);
console.log('                                 per wall second   per CPU second');
console.log(`  decode only (baseline)        ${fmt(decode.wall)}     ${fmt(decode.cpu)}`);
console.log(`  decode + rollups (engine)     ${fmt(engine.wall)}     ${fmt(engine.cpu)}`);
console.log(
  `  engine / baseline             ${(engine.wall / decode.wall).toFixed(3).padStart(12)}     ${(engine.cpu / decode.cpu).toFixed(3).padStart(12)}`,
);
console.log(`  records emitted               ${records.toLocaleString('en').padStart(12)}`);
console.log(
  `  target ≥ ${TARGET.toLocaleString('en')} readings per CPU second: ${engine.cpu >= TARGET ? 'met' : 'NOT met'}`,
);
console.log(
  JSON.stringify({
    bench: 'energy-rollup',
    sites: SITES,
    readings: payloads.length,
    readings_per_s: Math.round(engine.wall),
    readings_per_cpu_s: Math.round(engine.cpu),
    baseline_per_s: Math.round(decode.wall),
    baseline_per_cpu_s: Math.round(decode.cpu),
    ratio: Number((engine.wall / decode.wall).toFixed(3)),
    ratio_cpu: Number((engine.cpu / decode.cpu).toFixed(3)),
    records,
    target_met: engine.cpu >= TARGET,
  }),
);
