import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';

export interface Machine {
  cores: number;
  cpu_model: string;
  memory_gb: number;
  node: string;
  os: string;
  kernel: string;
  mosquitto: string;
  influxd: string;
}

function firstLine(cmd: string, args: string[], pattern: RegExp): string {
  try {
    const out = execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5000 });
    return out.match(pattern)?.[0] ?? out.split('\n')[0] ?? '?';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    const out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
    return out.match(pattern)?.[0] ?? '?';
  }
}

export function describeMachine(): Machine {
  let os = 'Linux';
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m)?.[1] ?? os;
  } catch {
    // not Linux
  }
  const list = cpus();
  return {
    cores: list.length,
    cpu_model: list[0]?.model.trim() ?? '?',
    memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os,
    kernel: release(),
    mosquitto: firstLine('mosquitto', ['-h'], /mosquitto version \S+/),
    influxd: firstLine('influxd', ['version'], /InfluxDB v\S+/),
  };
}

/** CPU seconds (user + system) a process has used, from /proc; undefined when unavailable. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (the 14th and 15th of the full line), in clock ticks (100/s)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * Lets a process and every thread it has (and starts later: threads inherit the mask) run only on `cores`, a list
 * such as `0` or `1-3`, with util-linux's taskset; a benchmark gives a store and its client cores of their own.
 */
export function pinToCores(pid: number, cores: string): void {
  execFileSync('taskset', ['--all-tasks', '--pid', '--cpu-list', cores, String(pid)], { stdio: 'ignore' });
}
