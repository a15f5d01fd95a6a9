import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading, Rollup } from '@wattbus/contract';
import { type Sink, SinkError } from '../sink.js';
import type { FileSinkConfig } from './config.js';
import { type FileFormat, FORMATS } from './formats.js';

const NAME = 'file';

/** `readings-2026-11-23.jsonl`: one file per UTC day of the readings' own timestamps. */
export const fileNameFor = (ts: number, extension = 'jsonl') =>
  `readings-${new Date(ts).toISOString().slice(0, 10)}.${extension}`;

/**
 * Appends readings to one file per UTC day and format (JSON lines, CSV), fsynced before the batch is
 * acknowledged: the embedded default store and the export for analysis. A plain append log: a redelivered
 * reading is appended again, so readers dedupe by (site, meter, channel, ts). The keyed stores (InfluxDB,
 * Cassandra) are idempotent by themselves.
 */
export class DailyFileSink implements Sink {
  readonly name = NAME;
  private readonly formats: FileFormat[];

  constructor(private readonly config: FileSinkConfig) {
    this.formats = config.formats.map((f) => FORMATS[f]);
  }

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
    for (const format of this.formats) {
      const byFile = new Map<string, string[]>();
      for (const r of batch) {
        const name = fileNameFor(r.ts, format.extension);
        const lines = byFile.get(name) ?? [];
        lines.push(...format.lines(r));
        byFile.set(name, lines);
      }
      for (const [name, lines] of byFile) await this.append(join(this.config.dir, name), lines, format.header);
    }
  }

  /** One JSON line per rollup, as received, in `rollups-YYYY-MM-DD.jsonl` by the UTC day of its start. */
  async writeRollups(batch: readonly Rollup[]): Promise<void> {
    const byFile = new Map<string, string[]>();
    for (const r of batch) {
      const name = `rollups-${new Date(r.start).toISOString().slice(0, 10)}.jsonl`;
      const lines = byFile.get(name) ?? [];
      lines.push(JSON.stringify(r));
      byFile.set(name, lines);
    }
    for (const [name, lines] of byFile) await this.append(join(this.config.dir, name), lines, undefined);
  }

  private async append(path: string, lines: string[], header: string | undefined): Promise<void> {
    try {
      const fh = await open(path, 'a');
      try {
        const fresh = header !== undefined && (await fh.stat()).size === 0;
        await fh.appendFile(`${fresh ? `${header}\n` : ''}${lines.join('\n')}\n`);
        if (this.config.fsync) await fh.sync();
      } finally {
        await fh.close();
      }
    } catch (err) {
      throw new SinkError(NAME, `cannot append to ${path}: ${(err as Error).message}`, false, { cause: err });
    }
  }

  async close(): Promise<void> {}
}
