import { influxAuthHeaders } from '@wattbus/sinks/influx-http';
import type { InfluxConfig } from './config.js';

/** Points per role: `[ms since epoch, value]`, in time order. */
export type SeriesByRole = Record<string, Array<[number, number]>>;

interface InfluxAnswer {
  results?: Array<{
    error?: string;
    series?: Array<{ tags?: Record<string, string>; columns: string[]; values?: unknown[][] }>;
  }>;
  error?: string;
}

export class InfluxError extends Error {
  override readonly name = 'InfluxError';
}

/** A read-only InfluxDB 1.x `/query` client (also 2.x/3.x through their v1-compatible API). */
export class InfluxClient {
  constructor(private readonly config: InfluxConfig) {}

  /** Runs one SELECT grouped by "role" and returns its points per role. */
  async seriesByRole(query: string): Promise<SeriesByRole> {
    const { url, database, username, password, token, timeout_ms } = this.config;
    const params = new URLSearchParams({ db: database, q: query, epoch: 'ms' });
    const headers = { accept: 'application/json', ...influxAuthHeaders({ token, username, password }) };
    let answer: InfluxAnswer;
    try {
      const res = await fetch(`${url.replace(/\/+$/, '')}/query?${params}`, {
        headers,
        signal: AbortSignal.timeout(timeout_ms),
      });
      answer = (await res.json()) as InfluxAnswer;
      if (!res.ok) throw new InfluxError(`InfluxDB answered ${res.status}: ${answer.error ?? ''}`);
    } catch (err) {
      if (err instanceof InfluxError) throw err;
      throw new InfluxError(`InfluxDB query failed: ${(err as Error).message}`, { cause: err });
    }
    const result = answer.results?.[0];
    if (result?.error) throw new InfluxError(`InfluxDB: ${result.error}`);
    const byRole: SeriesByRole = {};
    for (const series of result?.series ?? []) {
      const role = series.tags?.role ?? 'other';
      byRole[role] = (series.values ?? [])
        .filter((row): row is [number, number] => typeof row[0] === 'number' && typeof row[1] === 'number')
        .map(([t, v]) => [t, v]);
    }
    return byRole;
  }
}
