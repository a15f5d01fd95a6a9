import { HttpError, InfluxDB, type WriteApi } from '@influxdata/influxdb-client';
import type { Reading, Rollup } from '@wattbus/contract';
import { influxRefusal, siteTagsFor, toLines } from '../influx/line-protocol.js';
import { rollupToLine } from '../influx/rollup-line.js';
import { newestRevisions } from '../rollups.js';
import { NO_SITE_INFO, type Sink, type SinkContext, SinkError } from '../sink.js';
import type { InfluxV2Config } from './config.js';

const NAME = 'influx2';

/**
 * The client's own batching and retries are switched off on purpose: the worker batches, and retries with
 * backoff while holding the MQTT acks, so a batch is acknowledged exactly when InfluxDB has it. Client-side
 * retries would hide failures from that loop and keep lines in a buffer the worker does not control.
 */
export const WRITE_OPTIONS = {
  batchSize: 50_000, // above any worker batch: one request per write(), sent by flush()
  flushInterval: 0,
  maxRetries: 0,
  maxBufferLines: 100_000,
  defaultTags: {},
} as const;

/** InfluxDB 2.x through its native write API (@influxdata/influxdb-client), same line protocol as /write. */
export class InfluxV2Sink implements Sink {
  readonly name = NAME;
  readonly refuse = influxRefusal;
  private api: WriteApi | undefined;

  private readonly tagsFor: ReturnType<typeof siteTagsFor>;

  constructor(
    private readonly config: InfluxV2Config,
    context: SinkContext = NO_SITE_INFO,
  ) {
    this.tagsFor = siteTagsFor(context, config.site_tags);
  }

  async open(): Promise<void> {
    const { url, token, org, bucket, timeout_ms } = this.config;
    this.api = new InfluxDB({ url, token, timeout: timeout_ms }).getWriteApi(org, bucket, 'ms', WRITE_OPTIONS);
  }

  async write(batch: readonly Reading[]): Promise<void> {
    if (batch.length === 0) return;
    await this.writeLines(toLines(batch, this.tagsFor).split('\n'));
  }

  async writeRollups(batch: readonly Rollup[]): Promise<void> {
    if (batch.length === 0) return;
    await this.writeLines(newestRevisions(batch).map(rollupToLine));
  }

  private async writeLines(lines: string[]): Promise<void> {
    if (!this.api) throw new SinkError(NAME, 'not open', false);
    this.api.writeRecords(lines);
    try {
      await this.api.flush();
    } catch (err) {
      throw toInflux2Error(err, lines.length);
    }
  }

  async close(): Promise<void> {
    await this.api?.close().catch(() => {});
  }
}

/** 400 (bad line protocol) and 422 (unprocessable: field type conflict, outside retention) are permanent. */
export function toInflux2Error(err: unknown, count: number): SinkError {
  const status = err instanceof HttpError ? err.statusCode : undefined;
  const permanent = status === 400 || status === 422;
  return new SinkError(
    NAME,
    `write of ${count} points failed: ${status ? `HTTP ${status} ` : ''}${(err as Error).message}`,
    permanent,
    {
      cause: err,
    },
  );
}
