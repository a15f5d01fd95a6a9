import type { StoredReading } from '@wattbus/testkit';

/** What an agent says it made: the last seq of each `<site>/<meter>/<channel>`, and how many it dropped. */
export interface Generated {
  /** `<site>/<meter>/<channel>` → last seq used (seqs run 1..last). */
  lastSeq: Map<string, number>;
  /** Readings the agent's queue dropped (queue limit, age), never to be published. */
  dropped: number;
}

export interface Counts {
  /** Readings generated: the sum of every channel's last seq. */
  generated: number;
  /** Distinct readings in the store, by (site, meter, channel, ts). */
  stored: number;
  /** Generated readings (by seq) not in the store. */
  missing: number;
  /** Stored rows beyond the first for the same (site, meter, channel, ts), or the same seq at another ts. */
  duplicated: number;
  /** Stored readings no agent generated (a seq above the channel's last, an unknown channel). */
  unexpected: number;
  dropped: number;
  /** Per channel, the missing seqs as ranges ("12-40"), for diagnostics. */
  missingByChannel: Record<string, string[]>;
  /** Per channel, the last seq generated. */
  lastSeq: Record<string, number>;
  /**
   * Each missing reading (the first 1,000) with the ts of the nearest stored readings of its channel before and
   * after it: its own ts lies in between.
   */
  missingReadings: MissingReading[];
}

export interface MissingReading {
  channel: string;
  seq: number;
  /** seq and ts of the nearest stored reading before it (undefined: none). */
  afterSeq: number | undefined;
  after: number | undefined;
  before: number | undefined;
}

const channelKey = (tags: Record<string, string>) => `${tags.site}/${tags.meter}/${tags.channel}`;

function ranges(seqs: number[]): string[] {
  const out: string[] = [];
  let start: number | undefined;
  let prev = Number.NaN;
  for (const s of seqs) {
    if (start !== undefined && s === prev + 1) {
      prev = s;
      continue;
    }
    if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
    start = s;
    prev = s;
  }
  if (start !== undefined) out.push(start === prev ? `${start}` : `${start}-${prev}`);
  return out;
}

/**
 * Compares what the agent generated with what the store holds, reading by reading. A reading is identified by
 * (site, meter, channel, ts) and carries its seq; each seq of 1..last must be stored exactly once, at one ts.
 */
export function account(generated: Generated, rows: readonly StoredReading[]): Counts {
  const byTs = new Set<string>();
  const seqsOf = new Map<string, Map<number, number>>(); // channel → seq → ts
  let duplicated = 0;
  let unexpected = 0;
  for (const row of rows) {
    const channel = channelKey(row.tags);
    const key = `${channel}@${row.ts}`;
    if (byTs.has(key)) {
      duplicated++;
      continue;
    }
    byTs.add(key);
    const last = generated.lastSeq.get(channel);
    if (last === undefined || !Number.isInteger(row.seq) || row.seq < 1 || row.seq > last) {
      unexpected++;
      continue;
    }
    const seqs = seqsOf.get(channel) ?? new Map<number, number>();
    seqsOf.set(channel, seqs);
    if (seqs.has(row.seq))
      duplicated++; // the same reading again under another ts
    else seqs.set(row.seq, row.ts);
  }
  let total = 0;
  let missing = 0;
  const missingByChannel: Record<string, string[]> = {};
  const missingReadings: MissingReading[] = [];
  for (const [channel, last] of [...generated.lastSeq].sort(([a], [b]) => a.localeCompare(b))) {
    total += last;
    const seqs = seqsOf.get(channel) ?? new Map<number, number>();
    const absent: number[] = [];
    for (let s = 1; s <= last; s++) if (!seqs.has(s)) absent.push(s);
    missing += absent.length;
    for (const seq of absent) {
      if (missingReadings.length >= 1_000) break;
      let afterSeq: number | undefined;
      let before: number | undefined;
      for (let s = seq - 1; s >= 1 && afterSeq === undefined; s--) if (seqs.has(s)) afterSeq = s;
      for (let s = seq + 1; s <= last && before === undefined; s++) before = seqs.get(s);
      const after = afterSeq === undefined ? undefined : seqs.get(afterSeq);
      missingReadings.push({ channel, seq, afterSeq, after, before });
    }
    if (absent.length > 0) missingByChannel[channel] = ranges(absent);
  }
  return {
    generated: total,
    stored: byTs.size,
    missing,
    duplicated,
    unexpected,
    dropped: generated.dropped,
    missingByChannel,
    lastSeq: Object.fromEntries(generated.lastSeq),
    missingReadings,
  };
}

/** The one line every scenario prints. */
export function formatCounts(scenario: string, seed: number, c: Counts): string {
  const extra = [
    c.dropped > 0 ? ` dropped=${c.dropped}` : '',
    c.unexpected > 0 ? ` unexpected=${c.unexpected}` : '',
    c.missing > 0 ? ` missing_seqs=${JSON.stringify(c.missingByChannel)}` : '',
  ].join('');
  return `faults[${scenario}] seed=${seed} generated=${c.generated} stored=${c.stored} missing=${c.missing} duplicated=${c.duplicated}${extra}`;
}
