// Issue #20: Grafana's 30-day "energy per day" over the rollups vs over the raw readings, in the same run against
// one real influxd. Each site has 30 days of 1-second readings (energy index and power, in the sink's own line
// protocol, measurement `reading`) and their daily rollups (measurement `rollup`, one point per channel and
// local day, the index delta over the day). The two queries are the dashboards' own: the site dashboard's
// "Energy imported per day" (spread of the index per day) and the energy dashboard's "Energy per day by
// channel" (sum of the daily rollups), with Grafana's variables filled in. They take turns, and the medians are
// printed as a ratio. Knobs: GR_SITES (3), GR_DAYS (30), GR_STEP_S (1), GR_ROUNDS (7).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { toLines } from '@wattbus/sinks';
import { REPO_ROOT, rollupLines, startInfluxd } from '@wattbus/testkit';
import { describeMachine } from './machine.js';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const SITES = env('GR_SITES', 3);
const DAYS = env('GR_DAYS', 30);
const STEP_S = env('GR_STEP_S', 1);
const ROUNDS = env('GR_ROUNDS', 7);
const DB = 'wattbus';
const DAY_MS = 86_400_000;
const TZ = 'UTC'; // day boundaries of both queries; the rollups' local day is the UTC day here
const BATCH = 50_000;

interface Target {
  query: string;
}
interface Panel {
  title: string;
  targets?: Target[];
}
function panelQuery(file: string, title: string): string {
  const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/dashboards', file), 'utf8')) as {
    panels: Panel[];
  };
  const query = dashboard.panels.find((p) => p.title === title)?.targets?.[0]?.query;
  if (!query) throw new Error(`${file}: no panel "${title}"`);
  return query;
}

const start = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAYS * DAY_MS;
const end = start + DAYS * DAY_MS;
const fill = (query: string, site: string) =>
  query
    .replaceAll('$timeFilter', `time >= ${start}ms AND time < ${end}ms`)
    .replaceAll('$site', site)
    .replaceAll('$meter', 'main')
    .replaceAll('$timezone', TZ);

/** A household's grid channel: a slow daily swing in power, the index counting it exactly. */
function* readings(site: string): Generator<{ reading: Reading; dayStartIndex?: number }> {
  let index = 1_000_000;
  for (let i = 0, ts = start; ts < end; i++, ts += STEP_S * 1000) {
    const power = 400 + 300 * Math.sin((2 * Math.PI * (ts % DAY_MS)) / DAY_MS) + (i % 7) * 10;
    const reading: Reading = {
      v: 1,
      site,
      meter: 'main',
      channel: 'grid',
      role: 'grid',
      seq: i,
      ts,
      values: { power_w: power, energy_import_wh: Math.round(index * 1000) / 1000 },
    };
    yield { reading, ...(ts % DAY_MS === 0 ? { dayStartIndex: index } : {}) };
    index += (power * STEP_S) / 3600;
  }
}

function dayRollup(site: string, dayStart: number, wh: number) {
  return {
    v: 1,
    key: `${site}/main/grid/1d/${dayStart}`,
    site,
    meter: 'main',
    channel: 'grid',
    role: 'grid',
    interval: '1d',
    start: dayStart,
    end: dayStart + DAY_MS,
    revision: 0,
    readings: DAY_MS / (STEP_S * 1000),
    coverage: 1,
    estimated_ms: 0,
    resets: 0,
    energy_import_wh: wh,
    energy_export_wh: 0,
    energy_source: { import: 'index', export: null },
    periods: {},
    tariff: null,
    power_w: null,
    voltage_v: null,
    cost: { currency: null, import: null, export: null, standing: null, unknown: 'no tariff' },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main() {
  const machine = describeMachine();
  console.log(
    `machine: ${machine.cores} cores, ${machine.cpu_model}, node ${machine.node}, influxd ${machine.influxd}`,
  );
  console.log(`data: ${SITES} sites × ${DAYS} days of readings every ${STEP_S} s, and their daily rollups`);
  const influx = await startInfluxd();
  try {
    await influx.createDatabase(DB);
    const loadStart = performance.now();
    let points = 0;
    for (let s = 1; s <= SITES; s++) {
      const site = `house-${s}`;
      let batch: Reading[] = [];
      const rollups = [];
      let dayIndex: number | undefined;
      let dayStart = start;
      let lastIndex = 0;
      for (const { reading, dayStartIndex } of readings(site)) {
        lastIndex = reading.values.energy_import_wh ?? lastIndex;
        if (dayStartIndex !== undefined) {
          if (dayIndex !== undefined) rollups.push(dayRollup(site, dayStart, dayStartIndex - dayIndex));
          dayIndex = dayStartIndex;
          dayStart = reading.ts;
        }
        batch.push(reading);
        if (batch.length === BATCH) {
          await influx.write(DB, toLines(batch), 'ms');
          points += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await influx.write(DB, toLines(batch), 'ms');
      points += batch.length;
      // The last day closes at `end`: its rollup is the index delta up to there.
      rollups.push(dayRollup(site, dayStart, lastIndex - (dayIndex ?? 0)));
      await influx.write(DB, rollupLines(rollups), 'ms');
    }
    console.log(`loaded ${points} readings in ${((performance.now() - loadStart) / 1000).toFixed(0)} s`);

    const raw = panelQuery('wattbus-site.json', 'Energy imported per day');
    const rolled = panelQuery('wattbus-energy.json', 'Energy per day by channel');
    const timings = { raw: [] as number[], rollup: [] as number[] };
    const answers = { raw: new Map<string, number>(), rollup: new Map<string, number>() };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, query] of (round % 2 === 0
        ? [
            ['raw', raw],
            ['rollup', rolled],
          ]
        : [
            ['rollup', rolled],
            ['raw', raw],
          ]) as Array<['raw' | 'rollup', string]>) {
        const t0 = performance.now();
        for (let s = 1; s <= SITES; s++) {
          const [result] = await influx.query(fill(query, `house-${s}`), DB, { epoch: 'ms' });
          for (const series of result?.series ?? []) {
            for (const [ts, kwh] of series.values ?? []) answers[name].set(`house-${s} ${ts}`, kwh as number);
          }
        }
        timings[name].push(performance.now() - t0);
      }
    }
    // The same days and energies, or the comparison means nothing (spread misses the second across midnight).
    let worst = 0;
    for (const [key, kwh] of answers.rollup) {
      const other = answers.raw.get(key);
      if (other === undefined) throw new Error(`raw readings have no day ${key}`);
      worst = Math.max(worst, Math.abs(other - kwh) / kwh);
    }
    if (answers.raw.size !== answers.rollup.size)
      throw new Error(`days: raw ${answers.raw.size}, rollup ${answers.rollup.size}`);
    const [r, u] = [median(timings.raw), median(timings.rollup)];
    console.log(
      `days compared: ${answers.rollup.size}, largest relative difference of a day's energy: ${worst.toExponential(1)}`,
    );
    console.log(
      `raw readings: median ${r.toFixed(1)} ms for ${SITES} sites (rounds ${timings.raw.map((t) => t.toFixed(0)).join(', ')})`,
    );
    console.log(
      `rollups:      median ${u.toFixed(1)} ms (rounds ${timings.rollup.map((t) => t.toFixed(0)).join(', ')})`,
    );
    console.log(`grafana 30-day energy per day: raw / rollup = ${(r / u).toFixed(0)}×`);
  } finally {
    await influx.stop();
  }
}

await main();
