import { readdir, readFile, readlink } from 'node:fs/promises';

/**
 * The pid of the process listening on a TCP port of 127.0.0.1 (Linux: /proc/net/tcp, then the process holding that
 * socket), so the suite can tell whether the broker is still the same process and how much memory it holds.
 */
export async function pidListeningOn(port: number): Promise<number | undefined> {
  const table = await readFile('/proc/net/tcp', 'utf8');
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inode = table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === '0A')?.[9]; // 0A: LISTEN
  if (inode === undefined) return undefined;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === `socket:[${inode}]`) return Number(pid);
    }
  }
  return undefined;
}

/** Resident memory of a process in MiB, or NaN when it is gone. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Math.round(Number(kb) / 1024);
}
