import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The last `seq` used per (meter, channel), kept in a small JSON file replaced atomically (write, fsync,
 * rename) before the readings using them are published, so `seq` keeps increasing across restarts and crashes.
 */
export class SeqStore {
  private readonly file: string;
  private readonly last: Record<string, number>;
  private dirty = false;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, 'seq.json');
    this.last = SeqStore.read(this.file);
  }

  private static read(file: string): Record<string, number> {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, number>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`cannot read seq state ${file}: ${(err as Error).message}`);
    }
  }

  next(meter: string, channel: string): number {
    const key = `${meter}/${channel}`;
    const seq = (this.last[key] ?? 0) + 1;
    this.last[key] = seq;
    this.dirty = true;
    return seq;
  }

  save(): void {
    if (!this.dirty) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.last));
      fsyncSync(fd); // survive a power cut: the rename must not point at unwritten data
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.dirty = false;
  }
}
