import { influxAuthHeaders } from '@wattbus/sinks/influx-http';
import type { InfluxConfig } from './config.js';

/** Points per role: `[ms since epoch, value]`, in time order. */
export type SeriesByRole = Record<string, Array<[number, number]>>;

export interface InfluxSeries {
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
}

interface InfluxAnswer {
  results?: Array<{ error?: string; series?: InfluxSeries[] }>;
  error?: string;
}

export class InfluxError extends Error {
  override readonly name = 'InfluxError';
}

/**
 * The points of every series, per role: series that share a role (InfluxDB may answer with one series per
 * meter or per shard) are added up point by point, never one in place of another. A point whose value or
 * sum is not a finite number is left out.
 */
function byRole(series: readonly InfluxSeries[]): SeriesByRole {
  const sums = new Map<string, Map<number, number>>();
  for (const s of series) {
    const role = s.tags?.role ?? 'other';
    const points = sums.get(role) ?? new Map<number, number>();
    sums.set(role, points);
    for (const [t, v] of s.values ?? []) {
      if (typeof t === 'number' && typeof v === 'number') points.set(t, (points.get(t) ?? 0) + v);
    }
  }
  const result: SeriesByRole = {};
  for (const [role, points] of sums) {
    result[role] = [...points].filter(([, v]) => Number.isFinite(v)).sort(([a], [b]) => a - b);
  }
  return result;
}

/** A read-only InfluxDB 1.x `/query` client (also 2.x/3.x through their v1-compatible API). */
export class InfluxClient {
  constructor(private readonly config: InfluxConfig) {}

  /** Runs SELECTs grouped by "role" in one request and returns the points per role of each. */
  async seriesByRole(...queries: string[]): Promise<SeriesByRole[]> {
    return (await this.series(...queries)).map(byRole);
  }

  /** Runs SELECTs in one request and returns the series of each as InfluxDB sends them. */
  async series(...queries: string[]): Promise<InfluxSeries[][]> {
    const { url, database, username, password, token, timeout_ms } = this.config;
    const params = new URLSearchParams({ db: database, q: queries.join('; '), epoch: 'ms' });
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
    return queries.map((_, i) => {
      const result = answer.results?.[i];
      if (result?.error) throw new InfluxError(`InfluxDB: ${result.error}`);
      return result?.series ?? [];
    });
  }
}
