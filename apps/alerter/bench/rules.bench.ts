/**
 * Readings evaluated per second against every rule, in process (no broker, no JSON): 1,000 sites with a
 * grid, a consumption and a production channel each, one reading per channel per 10 s of measurement time.
 * `pnpm --filter @wattbus/alerter bench`
 */
import type { Reading } from '@wattbus/contract';
import { AlertBook } from '../src/alert-book.js';
import { createRules } from '../src/rules/index.js';
import { config, siteInfo } from '../test/fixtures.js';

const SITES = 1000;
const TICKS = 400; // × 3 channels × 1,000 sites = 1.2 M readings per round
const ROUNDS = 5;
const CHANNELS = [
  ['grid', 'grid'],
  ['house', 'consumption'],
  ['solar', 'production'],
] as const;

const c = config({ overrides: [{ channel: 'grid', overload: { limit_w: 9000 } }] });
const rules = createRules(c.rules, c.overrides);
const sites = Array.from({ length: SITES }, (_, i) => `house-${i}`);
for (const [i, site] of sites.entries()) {
  for (const r of rules) r.onInfo?.(siteInfo(site, { lat: 45 + (i % 20), lon: -5 + (i % 30) }), 0);
}

/** Pre-built readings, so the loop measures the rules and not the generator. */
function makeReadings(t0: number): Reading[] {
  const out: Reading[] = [];
  let seq = 0;
  for (let t = 0; t < TICKS; t++) {
    const ts = t0 + t * 10_000;
    for (const [i, site] of sites.entries()) {
      for (const [channel, role] of CHANNELS) {
        const base = role === 'production' ? -2000 : 1500;
        const power_w = base + 300 * Math.sin(t * 0.37 + i) + (t % 97 === 0 && i % 50 === 0 ? 9000 : 0);
        out.push({
          v: 1,
          site,
          meter: 'main',
          channel,
          role,
          seq: ++seq,
          ts,
          values: { power_w, energy_import_wh: 1e6 + t * 4, voltage_v_l1: 230 + 5 * Math.sin(t) },
        });
      }
    }
  }
  return out;
}

const book = new AlertBook();
const results: Array<{ round: number; readings: number; seconds: number; perSecond: number }> = [];
let t0 = Date.UTC(2026, 5, 1, 0, 0);
for (let round = 0; round <= ROUNDS; round++) {
  const readings = makeReadings(t0);
  t0 += TICKS * 10_000;
  const start = process.hrtime.bigint();
  for (const r of readings) for (const rule of rules) rule.onReading?.(r, r.ts);
  // what the engine does once per evaluate_every_ms, included so open alerts are not free
  for (const rule of rules) book.update(rule, rule.evaluate(t0), t0);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (round > 0) results.push({ round, readings: readings.length, seconds, perSecond: readings.length / seconds });
}

const rates = results.map((r) => r.perSecond).sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)] as number;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`alerter rules benchmark: ${SITES} sites × ${CHANNELS.length} channels, ${rules.length} rules`);
console.log('| round | readings | seconds | readings/s |');
console.log('|---:|---:|---:|---:|');
for (const r of results)
  console.log(`| ${r.round} | ${fmt(r.readings)} | ${r.seconds.toFixed(3)} | ${fmt(r.perSecond)} |`);
console.log(`| median | | | ${fmt(median)} |`);
console.log(`open alerts at the end: ${book.openCount()}`);
console.log(
  JSON.stringify({
    bench: 'alerter-rules',
    sites: SITES,
    channels_per_site: CHANNELS.length,
    rules: rules.map((r) => r.id),
    readings_per_round: results[0]?.readings,
    readings_per_s_median: Math.round(median),
    readings_per_s: results.map((r) => Math.round(r.perSecond)),
    target_per_s: 100_000,
    ok: median >= 100_000,
  }),
);
