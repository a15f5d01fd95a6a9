import type { Reading, Rollup } from '@wattbus/contract';
import { newestRevisions } from '../rollups.js';
import { NO_SITE_INFO, type Sink, type SinkContext, SinkError } from '../sink.js';
import type { InfluxV1Config } from './config.js';
import { influxAuthHeaders } from './http.js';
import { influxRefusal, siteTagsFor, toLines } from './line-protocol.js';
import { ROLLUP_MEASUREMENT, rollupToLine } from './rollup-line.js';

const NAME = 'influx';

/** InfluxDB through the `/write` line-protocol endpoint: 1.x natively, 2.x/3.x through their v1 compatibility API. */
export class InfluxV1Sink implements Sink {
  readonly name = NAME;
  /** Each write is its own request and points are keyed by series + time, so batches may overlap. */
  readonly maxConcurrentWrites = 4;
  readonly refuse = influxRefusal;
  private readonly tagsFor: ReturnType<typeof siteTagsFor>;

  constructor(
    private readonly config: InfluxV1Config,
    context: SinkContext = NO_SITE_INFO,
  ) {
    this.tagsFor = siteTagsFor(context, config.site_tags);
  }

  private endpoint(path: string, params: Record<string, string>): string {
    const url = new URL(path, this.config.url.endsWith('/') ? this.config.url : `${this.config.url}/`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  private async request(url: string, body: string, contentType: string): Promise<Response> {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { ...influxAuthHeaders(this.config), 'content-type': contentType },
        body,
        signal: AbortSignal.timeout(this.config.timeout_ms),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new SinkError(NAME, `cannot reach ${this.config.url}: ${cause?.code ?? (err as Error).message}`, false, {
        cause: err,
      });
    }
  }

  async open(): Promise<void> {
    if (!this.config.create_database || this.config.token) return;
    const q = `CREATE DATABASE "${this.config.database.replace(/["\\]/g, '\\$&')}"`;
    const res = await this.request(
      this.endpoint('query', {}),
      new URLSearchParams({ q }).toString(),
      'application/x-www-form-urlencoded',
    );
    if (!res.ok) throw await this.failure(res, 'CREATE DATABASE');
  }

  async write(batch: readonly Reading[]): Promise<void> {
    if (batch.length === 0) return;
    await this.writeLines(toLines(batch, this.tagsFor), batch.length);
  }

  async writeRollups(batch: readonly Rollup[]): Promise<void> {
    if (batch.length === 0) return;
    const newest = newestRevisions(batch);
    // InfluxDB merges the fields of one point: a field an older revision had and this one has not (a null, such as
    // cost_unknown once a backfill made the energy known) would stay. Corrections are rare: drop their point first.
    const corrected = newest.filter((r) => r.revision > 0);
    if (corrected.length > 0) await this.deletePoints(corrected);
    await this.writeLines(newest.map(rollupToLine).join('\n'), batch.length);
  }

  private async deletePoints(rollups: readonly Rollup[]): Promise<void> {
    // Ids and interval names cannot hold a quote (contract patterns): no escaping needed.
    const q = rollups
      .map(
        (r) =>
          `DELETE FROM "${ROLLUP_MEASUREMENT}" WHERE "site" = '${r.site}' AND "meter" = '${r.meter}' AND ` +
          `"channel" = '${r.channel}' AND "interval" = '${r.interval}' AND time = ${r.start}ms`,
      )
      .join('; ');
    const res = await this.request(
      this.endpoint('query', { db: this.config.database }),
      new URLSearchParams({ q }).toString(),
      'application/x-www-form-urlencoded',
    );
    const body = res.ok ? ((await res.json().catch(() => ({}))) as { results?: Array<{ error?: string }> }) : {};
    const failed = body.results?.find((r) => r.error !== undefined);
    if (!res.ok) throw await this.failure(res, `delete of ${rollups.length} corrected rollups`);
    if (failed) throw new SinkError(NAME, `delete of corrected rollups failed: ${failed.error}`, false);
  }

  private async writeLines(lines: string, count: number): Promise<void> {
    const params: Record<string, string> = { db: this.config.database, precision: 'ms' };
    if (this.config.retention_policy) params.rp = this.config.retention_policy;
    const res = await this.request(this.endpoint('write', params), lines, 'text/plain; charset=utf-8');
    if (res.status !== 204 && !res.ok) throw await this.failure(res, `write of ${count} points`);
    await res.body?.cancel();
  }

  private async failure(res: Response, what: string): Promise<SinkError> {
    const text = (await res.text().catch(() => '')).slice(0, 500);
    // Only 400 says the data itself is refused, so retrying cannot help. Auth (401/403) and a missing database
    // (404) are operator mistakes: keep retrying, holding the acks, until someone fixes them.
    const permanent = res.status === 400;
    return new SinkError(NAME, `${what} failed: HTTP ${res.status} ${text.trim()}`, permanent);
  }

  async close(): Promise<void> {}
}
