import { spawn } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';

/**
 * `tar -c` of a directory's contents. The stream ends only once tar has exited with 0: a tar that fails
 * half-way errors the stream instead of ending it, so a truncated archive is never completed as a backup.
 */
export function packDirectory(dir: string): Readable {
  const tar = spawn('tar', ['-C', dir, '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new PassThrough();
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  tar.stdout.pipe(out, { end: false });
  tar.on('error', (err) => out.destroy(err));
  tar.on('close', (code, signal) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`tar -c ${dir} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
  });
  out.on('close', () => tar.kill());
  return out;
}

/**
 * `tar -x` into a directory; `done` resolves once tar has exited with 0. `--ignore-zeros` makes tar read its input
 * to the end instead of exiting at the end-of-archive blocks: otherwise it may close its stdin while the record
 * padding is still being written ("Premature close"), and the decryption would not check the stream's last chunks.
 */
export function unpackInto(dir: string): { input: Writable; done: Promise<void> } {
  const tar = spawn('tar', ['-C', dir, '--no-same-owner', '--ignore-zeros', '-xf', '-'], {
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  tar.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on('error', reject);
    tar.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`tar -x failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`)),
    );
  });
  return { input: tar.stdin, done };
}
