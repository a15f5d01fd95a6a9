// The agent's footprint on a Pi: RSS and CPU with 3 meters polled every second, running the built
// agent (dist/, as installed) against a local mosquitto. Targets: ≤ 60 MB RSS, ≤ 2 % of one core.
// Baseline in the same run: an idle Node.js process.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, startMosquitto, tempDir } from '@wattbus/testkit';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

function sample(pid: number): { rssKb: number; cpuTicks: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return { rssKb, cpuTicks: Number(stat[11]) + Number(stat[12]) }; // utime + stime
}

async function measure(
  label: string,
  cmd: string,
  args: string[],
): Promise<{ label: string; maxRssMb: number; cpuPct: number }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await new Promise((r) => setTimeout(r, 5000)); // start-up is not steady state
  const first = sample(child.pid as number);
  let maxRss = first.rssKb;
  for (let s = 0; s < SECONDS; s++) {
    await new Promise((r) => setTimeout(r, 1000));
    maxRss = Math.max(maxRss, sample(child.pid as number).rssKb);
    process.stderr.write(`\r${label}: ${s + 1}/${SECONDS} s`);
  }
  const last = sample(child.pid as number);
  child.kill('SIGTERM');
  process.stderr.write('\n');
  return { label, maxRssMb: maxRss / 1024, cpuPct: ((last.cpuTicks - first.cpuTicks) / TICKS / SECONDS) * 100 };
}

execFileSync('npx', ['turbo', 'run', 'build', '--filter=@wattbus/edge-agent...', '--output-logs=errors-only'], {
  cwd: REPO_ROOT,
  stdio: 'inherit',
});
const broker = await startMosquitto();
const tmp = await tempDir('wattbus-res-');
const config = join(tmp.path, 'agent.yaml');
writeFileSync(
  config,
  JSON.stringify({
    site: { id: 'bench' },
    mqtt: { url: broker.url },
    state_dir: join(tmp.path, 'state'),
    health_interval_s: 10,
    meters: [1, 2, 3].map((i) => ({
      id: `m${i}`,
      driver: 'simulated',
      interval_ms: 1000,
      config: { seed: i, pv_kwp: i },
    })),
  }),
);
// The Node/V8 flags of the systemd unit's ExecStart, so this measures the agent as installed.
const unit = readFileSync(join(REPO_ROOT, 'deploy/systemd/wattbus-agent.service'), 'utf8');
const v8Flags = (/^ExecStart=\S+ (.*?) \S+\/main\.js/m.exec(unit)?.[1] ?? '').split(' ').filter(Boolean);
const main = join(REPO_ROOT, 'apps/edge-agent/dist/main.js');
const agent = await measure(`agent (3 meters @ 1 s) ${v8Flags.join(' ')}`, process.execPath, [
  ...v8Flags,
  main,
  '--config',
  config,
]);
const idle = await measure(`idle node ${v8Flags.join(' ')}`, process.execPath, [
  ...v8Flags,
  '-e',
  'setInterval(() => {}, 1000)',
]);
await broker.stop();
await tmp.cleanup();

console.log(`\nAgent footprint over ${SECONDS} s (targets: ≤ 60 MB RSS, ≤ 2 % of one core)\n`);
console.log('| process | max RSS (MB) | CPU (% of one core) |');
console.log('|---|---:|---:|');
for (const r of [agent, idle]) console.log(`| ${r.label} | ${r.maxRssMb.toFixed(1)} | ${r.cpuPct.toFixed(2)} |`);
console.log(
  JSON.stringify({
    bench: 'agent.resources',
    seconds: SECONDS,
    agent,
    idle_node: idle,
    rss_ratio_to_idle_node: +(agent.maxRssMb / idle.maxRssMb).toFixed(2),
  }),
);
