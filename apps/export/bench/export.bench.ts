// wattbus-export against a bare query of the same data, in the same run, on a generated dataset in a real influxd:
// SITES sites of one channel each, one reading a second (power_w and energy_import_wh: two rows per reading), over
// HOURS hours. Measuring starts once influxd is idle after the writes.
//   - bare query: the export's own window queries (1 h, chunked answers of 10,000 points, uncompressed), each chunk read and
//     parsed, its values counted: what any client pays to get the rows out of InfluxDB;
//   - the export (runExport, in this process like the bare query), writing CSV, JSON lines with zstd and Parquet
//     to a file, from the first query to the renamed file; each export runs between two bare queries and is
//     compared with their mean; medians of the rounds are reported.
// Memory: the CLI's resident set is sampled from /proc every 100 ms while it exports the first hour, then all
// HOURS hours: flat means the whole range peaks no higher than the first hour and the second half of the run no
// higher than the first (memory does not grow with the range, so a year exports in the memory of an hour).
// Also the CPU time per row of this process and of influxd for each (steadier than rates when other processes compete
// for the cores).
// Every round measures both in two placements (the CLI's memory afterwards in the shared one):
//   - split: influxd on half of the cores, this process on the other half, as when the export runs on another host
//     than the store or on a server with cores to spare: the export's rate against the store's;
//   - shared: both on every core, as on a small server running both: where they keep the cores busy, every µs the
//     format adds is wall time, so the rate ratio is at most the bare query's CPU per row (both processes) over the
//     export's - printed as the "CPU-bound ceiling".
// Target: export rows/s ≥ 0.8 × the bare query's. Prints a table and one JSON line.

import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds, pinToCores } from '@wattbus/bench';
import { ANSWER_HEADERS, CHUNK_ROWS, InfluxV1Reader, lines, runExport, WINDOW_MS } from '@wattbus/store-export';
import { startInfluxd, tempDir } from '@wattbus/testkit';
import { EXPORT_DIR, sinkWorkerConfig } from '../test/cli.js';

const SITES = Number(process.env.EXPORT_BENCH_SITES ?? 100);
const HOURS = Number(process.env.EXPORT_BENCH_HOURS ?? 3);
const ROUNDS = Number(process.env.EXPORT_BENCH_ROUNDS ?? 2);
const T0 = Date.UTC(2026, 0, 1);
const END = T0 + HOURS * 3_600_000;

// What was written is snapshotted and fully compacted into TSM files a second after the last write, as a store's
// older data is, instead of being read from the write cache in some rounds and from files in others.
const influxd = await startInfluxd({
  data: { 'cache-snapshot-write-cold-duration': '1s', 'compact-full-write-cold-duration': '1s' },
});
const tmp = await tempDir('wattbus-export-bench-');
const config = await sinkWorkerConfig(tmp.path, influxd.url);
await influxd.createDatabase('wattbus');

process.stderr.write(
  `writing ${(SITES * HOURS * 3600).toLocaleString('en-US')} readings (${SITES} sites, 1 s, ${HOURS} h)…\n`,
);
for (let hour = 0; hour < HOURS; hour++) {
  for (let s0 = 0; s0 < 3600; s0 += 600) {
    const lines: string[] = [];
    for (let s = s0; s < s0 + 600; s++) {
      const ts = T0 + hour * 3_600_000 + s * 1000;
      const seq = hour * 3600 + s;
      for (let site = 0; site < SITES; site++) {
        const power = 200 + ((site * 37 + seq * 13) % 5000) / 3;
        lines.push(
          `reading,channel=grid,meter=main,role=grid,site=house-${String(site).padStart(3, '0')} ` +
            `energy_import_wh=${1e6 + seq * 0.25},power_w=${power},seq=${seq}i ${ts}`,
        );
      }
    }
    await influxd.write('wattbus', lines.join('\n'), 'ms');
  }
}

/** influxd's CPU seconds so far, from /proc: whether the store or this process is the bottleneck. */
const influxdCpu = () => cpuSeconds(influxd.process().proc.pid) ?? Number.NaN;

/**
 * Waits until influxd is idle after the writes (under 2 % of a core for 3 s in a row, at most 5 minutes): snapshotting
 * and compacting what was just written would count as the queries' CPU and take their cores in the first rounds.
 */
async function settle(): Promise<number> {
  const started = performance.now();
  for (let quiet = 0; quiet < 3 && performance.now() - started < 300_000; ) {
    const before = influxdCpu();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    quiet = influxdCpu() - before <= 0.02 ? quiet + 1 : 0;
  }
  return (performance.now() - started) / 1000;
}

/** This process's CPU time (every thread: compression runs in libuv's pool) since `since`, in seconds. */
const ownCpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};

/** The export's own queries, read, split and parsed, values counted; nothing built or written. */
async function bareQuery(): Promise<{ rows: number; seconds: number; cpu: number; influxd: number }> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const influxdStart = influxdCpu();
  let rows = 0;
  const columns = ['energy_import_wh', 'power_w', 'seq', 'channel', 'meter', 'role', 'site'];
  for (let start = T0; start < END; start += WINDOW_MS) {
    const q = `SELECT ${columns.map((c) => `"${c}"`).join(',')} FROM "reading" WHERE time >= ${start}ms AND time < ${start + WINDOW_MS}ms`;
    const params = new URLSearchParams({
      db: 'wattbus',
      q,
      epoch: 'ms',
      chunked: 'true',
      chunk_size: String(CHUNK_ROWS),
    });
    const res = await fetch(`${influxd.url}/query?${params}`, { headers: ANSWER_HEADERS });
    for await (const line of lines(res.body as unknown as AsyncIterable<Uint8Array>)) {
      const answer = JSON.parse(line) as { results: Array<{ series?: Array<{ values: unknown[][] }> }> };
      for (const series of answer.results[0]?.series ?? []) {
        for (const v of series.values) rows += (typeof v[1] === 'number' ? 1 : 0) + (typeof v[2] === 'number' ? 1 : 0);
      }
    }
  }
  return {
    rows,
    seconds: (performance.now() - started) / 1000,
    cpu: ownCpuSeconds(cpu),
    influxd: influxdCpu() - influxdStart,
  };
}

/** The export itself, in this process like the bare query (the CLI's start-up is not throughput). */
async function exportRun(file: string): Promise<{ rows: number; seconds: number; cpu: number; influxd: number }> {
  const cpu = process.cpuUsage();
  const influxdStart = influxdCpu();
  const format = file.endsWith('.parquet') ? 'parquet' : file.includes('.jsonl') ? 'jsonl' : 'csv';
  const path = join(tmp.path, file);
  const summary = await runExport({
    reader: new InfluxV1Reader({ url: influxd.url, database: 'wattbus', timeout_ms: 10_000 }),
    selection: { sites: [], meters: [], channels: [], quantities: [], from: T0, to: END },
    format,
    compression: file.endsWith('.zst') ? 'zstd' : 'none',
    path,
    timeZone: 'UTC',
    signal: new AbortController().signal,
    emptyIsError: true,
  });
  await rm(path);
  return { ...summary, cpu: ownCpuSeconds(cpu), influxd: influxdCpu() - influxdStart };
}

const rssOf = async (pid: number) => {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
};

/** Runs the CLI as an operator would; its peak resident set. */
async function cli(
  file: string,
  to: number,
): Promise<{
  rows: number;
  seconds: number;
  bytes: number;
  peakRss: number;
  firstHalfPeak: number;
  secondHalfPeak: number;
}> {
  const path = join(tmp.path, file);
  const child = spawn(
    process.execPath,
    [
      '--conditions=wattbus-source',
      '--import',
      'tsx',
      'src/main.ts',
      '--config',
      config,
      '--from',
      new Date(T0).toISOString(),
      '--to',
      new Date(to).toISOString(),
      '--progress',
      'json',
      '-o',
      path,
    ],
    { cwd: EXPORT_DIR, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const samples: number[] = [];
  const sampler = setInterval(async () => {
    samples.push(await rssOf(child.pid as number));
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`export of ${file} failed (${code}): ${stderr}`);
  const summary = JSON.parse(stderr.trim().split('\n').at(-1) as string) as {
    rows: number;
    seconds: number;
    bytes: number;
  };
  await rm(path);
  const half = Math.floor(samples.length / 2);
  const peak = (xs: number[]) => Math.max(0, ...xs);
  return {
    ...summary,
    peakRss: peak(samples),
    firstHalfPeak: peak(samples.slice(0, half)),
    secondHalfPeak: peak(samples.slice(half)),
  };
}

const results: Record<string, number[]> = {};
const add = (key: string, value: number) => {
  results[key] = [...(results[key] ?? []), value];
};
const MB = 1024 * 1024;
const FILES = ['readings.csv', 'readings.jsonl.zst', 'readings.parquet'] as const;
type Placement = 'split' | 'shared';
const CORES = cpus().length;
const PLACEMENTS: Placement[] = CORES >= 2 ? ['split', 'shared'] : ['shared'];
/** Pins influxd and this process for the placement (see the top of this file). */
function place(placement: Placement): void {
  const all = `0-${CORES - 1}`;
  const half = Math.floor(CORES / 2);
  pinToCores(influxd.process().proc.pid as number, placement === 'split' ? `0-${half - 1}` : all);
  pinToCores(process.pid, placement === 'split' ? `${half}-${CORES - 1}` : all);
}

process.stderr.write(`influxd idle after ${Math.round(await settle())} s\n`);
// one unmeasured round first: JIT and module loading are not throughput
await bareQuery();
for (const file of FILES) await exportRun(file);
for (let round = 0; round < ROUNDS; round++) {
  for (const placement of PLACEMENTS) {
    place(placement);
    // each export between two bare queries, compared with their mean: this machine's speed drifts by a fifth over
    // tens of seconds, and a bare query measured once per round let that drift decide the ratio
    let before = await bareQuery();
    for (const file of FILES) {
      const run = await exportRun(file);
      if (run.rows !== before.rows)
        throw new Error(`${file}: ${run.rows} rows exported, the bare query counted ${before.rows}`);
      const after = await bareQuery();
      const bare = {
        rate: (before.rows / before.seconds + after.rows / after.seconds) / 2,
        cpu: (before.cpu / before.rows + after.cpu / after.rows) / 2,
        influxd: (before.influxd / before.rows + after.influxd / after.rows) / 2,
      };
      add(`${placement}: bare query rows/s`, after.rows / after.seconds);
      add(`${placement}: bare query CPU µs/row`, (after.cpu / after.rows) * 1e6);
      add(`${placement}: bare query, influxd CPU µs/row`, (after.influxd / after.rows) * 1e6);
      add(`${placement}: ${file} rows/s`, run.rows / run.seconds);
      add(`${placement}: ${file} ratio`, run.rows / run.seconds / bare.rate);
      add(`${placement}: ${file} CPU µs/row`, (run.cpu / run.rows) * 1e6);
      add(`${placement}: ${file}, influxd CPU µs/row`, (run.influxd / run.rows) * 1e6);
      if (placement === 'shared') {
        add(`shared: ${file} CPU-bound ceiling`, (bare.cpu + bare.influxd) / ((run.cpu + run.influxd) / run.rows));
      }
      before = after;
    }
  }
}
place('shared');
for (const file of ['readings.csv', 'readings.parquet']) {
  add(`CLI ${file}, first hour: peak RSS MB`, (await cli(file, T0 + 3_600_000)).peakRss / MB);
  const full = await cli(file, END);
  add(`CLI ${file}, ${HOURS} h: peak RSS MB`, full.peakRss / MB);
  add(`CLI ${file}, ${HOURS} h: 2nd half / 1st half peak RSS`, full.secondHalfPeak / full.firstHalfPeak);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const rows = Object.entries(results).map(([k, xs]) => [
  k,
  xs.map((x) => (x > 10 ? Math.round(x) : Math.round(x * 100) / 100)),
]);
process.stdout.write(
  `\n${SITES} sites × ${HOURS} h of 1 s readings = ${(SITES * HOURS * 3600 * 2).toLocaleString('en-US')} rows; ${ROUNDS} rounds\n`,
);
for (const [k, xs] of rows) process.stdout.write(`  ${String(k).padEnd(52)} ${(xs as number[]).join('  ')}\n`);
const round2 = (x: number) => Math.round(x * 100) / 100;
const medianOf = (key: string) => median(results[key] ?? [Number.NaN]);
const rssRatio = (file: string) =>
  round2(medianOf(`CLI ${file}, ${HOURS} h: peak RSS MB`) / medianOf(`CLI ${file}, first hour: peak RSS MB`));
const placementSummary = (placement: Placement) => ({
  bare_rows_per_s: Math.round(medianOf(`${placement}: bare query rows/s`)),
  csv_ratio: round2(medianOf(`${placement}: readings.csv ratio`)),
  jsonl_zst_ratio: round2(medianOf(`${placement}: readings.jsonl.zst ratio`)),
  parquet_ratio: round2(medianOf(`${placement}: readings.parquet ratio`)),
  cpu_us_per_row: Object.fromEntries(
    ['bare query', ...FILES].map((k) => [k, round2(medianOf(`${placement}: ${k} CPU µs/row`))]),
  ),
  influxd_cpu_us_per_row: round2(medianOf(`${placement}: bare query, influxd CPU µs/row`)),
  ...(placement === 'shared'
    ? {
        cpu_bound_ceiling: Object.fromEntries(
          FILES.map((k) => [k, round2(medianOf(`shared: ${k} CPU-bound ceiling`))]),
        ),
      }
    : {}),
});
process.stdout.write(
  `${JSON.stringify({
    bench: 'export',
    sites: SITES,
    hours: HOURS,
    rows: SITES * HOURS * 3600 * 2,
    rounds: ROUNDS,
    ...Object.fromEntries(PLACEMENTS.map((p) => [p, placementSummary(p)])),
    csv_rss_full_over_first_hour: rssRatio('readings.csv'),
    parquet_rss_full_over_first_hour: rssRatio('readings.parquet'),
    parquet_rss_second_half_over_first: round2(
      medianOf(`CLI readings.parquet, ${HOURS} h: 2nd half / 1st half peak RSS`),
    ),
    csv_rss_second_half_over_first: round2(medianOf(`CLI readings.csv, ${HOURS} h: 2nd half / 1st half peak RSS`)),
  })}\n`,
);
await influxd.stop();
await tmp.cleanup();
