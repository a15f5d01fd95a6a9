/**
 * The rollup engine on one core: 1,000 sites (one grid channel each, Paris HP/HC tariff with fixed prices), a reading
 * every 10 s per site, from 23:30 local so the local day closes too; records drained every 1,000 readings as a
 * consumer's batch would. The baseline decodes and iterates the same payloads in the same run; the ratio is
 * engine throughput / baseline throughput. Prints a table and one JSON line.
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

function baseline(): number {
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (const payload of payloads) {
    const reading = JSON.parse(payload) as Reading;
    sink += reading.ts + (reading.values.energy_import_wh ?? 0) + reading.site.length;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink === 42) console.log('');
  return payloads.length / seconds;
}

function engineRun(): { rate: number; records: number } {
  const engine = new RollupEngine({ planFor: (site) => tariffs.planFor(site) });
  let records = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < payloads.length; i++) {
    engine.push(JSON.parse(payloads[i] as string) as Reading);
    if (i % 1000 === 999) records += engine.drain().length;
  }
  records += engine.drain().length;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rate: payloads.length / seconds, records };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const base: number[] = [];
const runs: number[] = [];
let records = 0;
for (let round = 0; round < ROUNDS; round++) {
  base.push(baseline());
  const run = engineRun();
  runs.push(run.rate);
  records = run.records;
}
const rate = median(runs);
const baseRate = median(base);
console.log(
  `rollup engine, ${SITES} sites, ${payloads.length.toLocaleString('en')} readings, ${ROUNDS} rounds (medians)`,
);
console.log(`  decode only (baseline)        ${Math.round(baseRate).toLocaleString('en').padStart(12)} readings/s`);
console.log(`  decode + rollups (engine)     ${Math.round(rate).toLocaleString('en').padStart(12)} readings/s`);
console.log(`  engine / baseline             ${(rate / baseRate).toFixed(3).padStart(12)}`);
console.log(`  records emitted               ${records.toLocaleString('en').padStart(12)}`);
console.log(`  target ≥ ${TARGET.toLocaleString('en')} readings/s: ${rate >= TARGET ? 'met' : 'NOT met'}`);
console.log(
  JSON.stringify({
    bench: 'energy-rollup',
    sites: SITES,
    readings: payloads.length,
    readings_per_s: Math.round(rate),
    baseline_per_s: Math.round(baseRate),
    ratio: Number((rate / baseRate).toFixed(3)),
    records,
    target_met: rate >= TARGET,
  }),
);
