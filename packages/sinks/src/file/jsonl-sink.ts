import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { type Sink, SinkError } from '../sink.js';
import type { FileSinkConfig } from './config.js';

const NAME = 'file';

/** `readings-2026-11-23.jsonl`: one file per UTC day of the readings' own timestamps. */
export const fileNameFor = (ts: number) => `readings-${new Date(ts).toISOString().slice(0, 10)}.jsonl`;

/**
 * Appends readings as JSON lines, one file per day, fsynced before the batch is acknowledged.
 * A plain append log: a redelivered reading is appended again, so readers dedupe by
 * (site, meter, channel, ts). The keyed stores (InfluxDB, Cassandra) are idempotent by themselves.
 */
export class JsonLinesSink implements Sink {
  readonly name = NAME;
  constructor(private readonly config: FileSinkConfig) {}

  async open(): Promise<void> {
    try {
      await mkdir(this.config.dir, { recursive: true });
    } catch (err) {
      throw new SinkError(NAME, `cannot create ${this.config.dir}: ${(err as Error).message}`, false, {
        cause: err,
      });
    }
  }

  async write(batch: readonly Reading[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const r of batch) {
      const name = fileNameFor(r.ts);
      const lines = byFile.get(name) ?? [];
      lines.push(JSON.stringify(r));
      byFile.set(name, lines);
    }
    for (const [name, lines] of byFile) {
      const path = join(this.config.dir, name);
      try {
        const fh = await open(path, 'a');
        try {
          await fh.appendFile(`${lines.join('\n')}\n`);
          if (this.config.fsync) await fh.sync();
        } finally {
          await fh.close();
        }
      } catch (err) {
        throw new SinkError(NAME, `cannot append to ${path}: ${(err as Error).message}`, false, {
          cause: err,
        });
      }
    }
  }

  async close(): Promise<void> {}
}
