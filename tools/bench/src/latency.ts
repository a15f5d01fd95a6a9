/** Latencies in whole ms, with readings never seen counted as "more than the observation window". */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private n = 0;

  add(ms: number, times = 1): void {
    const key = Math.max(0, Math.round(ms));
    this.counts.set(key, (this.counts.get(key) ?? 0) + times);
    this.n += times;
  }

  get count(): number {
    return this.n;
  }

  /**
   * The p-th percentile (0 < p ≤ 100) over `total` readings (default: those seen). When `total` is larger,
   * the missing readings count as slower than anything seen: `null` if the percentile falls among them.
   */
  percentile(p: number, total = this.n): number | null {
    if (total === 0) return null;
    const rank = Math.ceil((p / 100) * total);
    let seen = 0;
    for (const key of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(key) ?? 0;
      if (seen >= rank) return key;
    }
    return null;
  }

  max(): number | null {
    return this.n === 0 ? null : Math.max(...this.counts.keys());
  }
}

/** Readings published per time bucket of their `ts`, so a poller knows when a bucket is complete. */
export class PublishedBuckets {
  readonly counts = new Map<number, number>();
  total = 0;

  constructor(readonly bucketMs = 10) {}

  bucketOf(ts: number): number {
    return Math.floor(ts / this.bucketMs) * this.bucketMs;
  }

  record(ts: number): void {
    const b = this.bucketOf(ts);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.total++;
  }
}

export interface InfluxPollerOptions {
  /** InfluxDB 1.x base URL. */
  url: string;
  db: string;
  measurement?: string;
  /** A field every row has. Default `seq`. */
  field?: string;
  /** Time between the start of two polls. Default 100 ms. */
  intervalMs?: number;
  /**
   * Each poll counts the rows from the oldest incomplete bucket to this much `ts` past the newest row seen so far.
   * Default 30 s. Without a bound, a consumer far behind made every poll count (and return) every bucket since: the
   * polls then took a large share of influxd's CPU, which slowed the writes, which made the next polls larger still.
   * Rows further ahead are seen once the window reaches them (their latency then errs long).
   */
  spanMs?: number;
}

/**
 * Measures when rows become visible in InfluxDB: every `intervalMs`, one `/query` counts the rows per
 * `bucketMs` bucket of their timestamp (`SELECT count(seq) … GROUP BY time(10ms)`), from the oldest bucket
 * not yet complete onwards (at most `spanMs` of them). Rows that appear in a bucket between two polls became visible between the
 * start of the previous poll and the answer to this one; their latency is taken as the middle of that
 * interval minus the middle of their bucket. Resolution: ± (interval + query time) / 2 + bucket / 2.
 */
export class InfluxVisibilityPoller {
  readonly histogram = new LatencyHistogram();
  /** Rows seen so far. */
  visible = 0;
  polls = 0;
  /** Sum of the query round trips, ms. */
  queryMs = 0;

  /** Mean time a poll's query took, ms. */
  get meanQueryMs(): number {
    return this.queryMs / Math.max(1, this.polls);
  }
  /** Wall time (ms) of the first poll that saw a row, and of the poll that last saw new rows. */
  firstSeenAt: number | undefined;
  lastNewAt: number | undefined;
  /** `visible` at the first poll that saw rows. */
  visibleAtFirstSeen = 0;
  errors = 0;
  private readonly seen = new Map<number, number>();
  private lo: number;
  /** The newest bucket with a row seen. */
  private newest = 0;
  private prevStart: number | undefined;
  private wakeUp: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly options: InfluxPollerOptions,
    private readonly published: PublishedBuckets,
    fromTs: number,
  ) {
    this.lo = published.bucketOf(fromTs);
  }

  start(): void {
    const loop = async () => {
      while (!this.stopped) {
        const started = Date.now();
        await this.pollOnce();
        const wait = (this.options.intervalMs ?? 100) - (Date.now() - started);
        if (wait > 0 && !this.stopped) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, wait);
            this.wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
      }
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.running;
  }

  /** Resolves once every published reading is visible, or at `deadline` (wall ms); true if all were seen. */
  async waitForAll(deadline: number): Promise<boolean> {
    while (this.visible < this.published.total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.visible >= this.published.total;
  }

  async pollOnce(): Promise<void> {
    const { url, db, measurement = 'reading', field = 'seq' } = this.options;
    const bucketMs = this.published.bucketMs;
    // past the newest row seen, so one bucket left incomplete (a reading retried, or lost) does not hide the rest
    const to = Math.max(this.lo, this.newest) + (this.options.spanMs ?? 30_000);
    const q = `SELECT count("${field}") FROM "${measurement}" WHERE time >= ${this.lo}ms AND time < ${to}ms GROUP BY time(${bucketMs}ms) fill(none)`;
    const start = Date.now();
    let rows: [number, number][] = [];
    try {
      const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
      const body = (await res.json()) as {
        results?: { series?: { values?: [number, number][] }[]; error?: string }[];
        error?: string;
      };
      if (!res.ok || body.error || body.results?.[0]?.error) {
        // "database not found" before the consumer created it is normal at the start
        this.errors++;
      } else {
        rows = body.results?.[0]?.series?.[0]?.values ?? [];
      }
    } catch {
      this.errors++;
    }
    const end = Date.now();
    this.polls++;
    this.queryMs += end - start;
    const visibleAt = ((this.prevStart ?? start) + end) / 2;
    this.prevStart = start;
    let fresh = 0;
    for (const [bucket, count] of rows) {
      const before = this.seen.get(bucket) ?? 0;
      if (count <= before) continue;
      this.seen.set(bucket, count);
      if (bucket > this.newest) this.newest = bucket;
      this.histogram.add(visibleAt - (bucket + bucketMs / 2), count - before);
      fresh += count - before;
    }
    if (fresh > 0) {
      if (this.firstSeenAt === undefined) {
        this.firstSeenAt = end;
        this.visibleAtFirstSeen = this.visible + fresh;
      }
      this.lastNewAt = end;
      this.visible += fresh;
    }
    this.advance();
  }

  /** Moves the query's lower bound past the buckets whose every published reading is visible. */
  private advance(): void {
    const buckets = [...this.published.counts.keys()].filter((b) => b >= this.lo).sort((a, b) => a - b);
    for (const b of buckets) {
      if ((this.seen.get(b) ?? 0) < (this.published.counts.get(b) ?? 0)) {
        this.lo = b;
        return;
      }
    }
    // Everything published so far is visible; the newest bucket may still be filling, so keep it.
    const last = buckets.at(-1);
    if (last !== undefined) this.lo = last;
  }
}
