import { mkdirSync, readFileSync } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import type { EngineSnapshot, RollupEngine, RollupRecord } from '@wattbus/energy';

/** `state.json`: the engine and the unpublished drains at one moment; `journal-<generation>.log` continues it. */
interface State {
  generation: number;
  nextDrain: number;
  engine: EngineSnapshot;
  /** Drains whose records are not delivered yet, oldest first. */
  pending: [number, RollupRecord[]][];
}

/** One line of the log: a reading the engine accepted, a drain of the engine, or a drain's records delivered. */
type Entry = { r: Reading } | { d: number } | { p: number };

/**
 * Makes the rollup engine survive a crash. Every reading the engine accepts and every drain is appended to a log,
 * which is fsynced before the readings of a batch are acknowledged; a drain whose records the broker acknowledged
 * is marked published. At start the last state is restored and the log replayed on it (the engine is deterministic:
 * the same pushes and drains give the same records and revisions), and the drains not marked published are
 * returned to be published again (same keys and revisions: an idempotent rewrite for the stores). When the log
 * outgrows `compactBytes`, the state is written anew (to a temp file, fsynced, renamed) and a new log begun.
 */
export class RollupJournal {
  private buffer: string[] = [];
  private logBytes = 0;
  private compactDue = false;
  private chain: Promise<void> = Promise.resolve();
  /** Delivered drains waiting for an older one to be delivered too. */
  private readonly delivered = new Set<number>();
  /** Records of the drains not let go yet (the memory the journal holds for them). */
  held = 0;

  private constructor(
    private readonly dir: string,
    private readonly engine: RollupEngine,
    private readonly compactBytes: number,
    private generation: number,
    private nextDrain: number,
    private readonly pending: Map<number, RollupRecord[]>,
    private log: FileHandle,
  ) {
    for (const records of pending.values()) this.held += records.length;
  }

  /**
   * Restores `engine` from `dir` (created if missing) and begins a new log. Returns the journal and the drains
   * that were not published before the stop, to publish first.
   */
  static async open(
    dir: string,
    engine: RollupEngine,
    compactBytes: number,
  ): Promise<{ journal: RollupJournal; unpublished: Array<{ drain: number; records: RollupRecord[] }> }> {
    mkdirSync(dir, { recursive: true });
    const state = readState(dir);
    const pending = new Map<number, RollupRecord[]>(state?.pending ?? []);
    let nextDrain = state?.nextDrain ?? 0;
    if (state !== undefined) {
      engine.restore(state.engine);
      for (const entry of readLog(join(dir, logName(state.generation)))) {
        if ('r' in entry) engine.push(entry.r);
        else if ('d' in entry) {
          pending.set(entry.d, engine.drain());
          nextDrain = entry.d + 1;
        } else pending.delete(entry.p);
      }
    }
    const generation = state?.generation ?? 0;
    const log = await open(join(dir, logName(generation)), 'a');
    const journal = new RollupJournal(dir, engine, compactBytes, generation, nextDrain, pending, log);
    // Replayed into one state file: the next start reads no log twice, and a torn last line is gone.
    journal.compactDue = true;
    await journal.sync();
    return { journal, unpublished: [...pending].map(([drain, records]) => ({ drain, records })) };
  }

  /** A reading the engine accepted. Durable after the next `sync`. */
  accepted(reading: Reading): void {
    this.append({ r: reading });
  }

  /** The engine was drained into `records`; returns the drain's number for `published`. None for an empty drain. */
  drained(records: RollupRecord[]): number | undefined {
    if (records.length === 0) return undefined;
    const drain = this.nextDrain++;
    this.pending.set(drain, records);
    this.held += records.length;
    this.append({ d: drain });
    return drain;
  }

  /**
   * The drain's records are delivered: acknowledged by the broker, or receipted by the stores when the app waits for
   * receipts. Drains are let go oldest first, so a drain is published again at start only with every later one, and
   * an older revision is never sent after a newer one of the same rollup. Not fsynced by itself: if lost, the drain
   * is published once more.
   */
  published(drain: number): void {
    this.delivered.add(drain);
    for (const oldest of this.pending.keys()) {
      if (!this.delivered.has(oldest)) break;
      this.delivered.delete(oldest);
      this.held -= this.pending.get(oldest)?.length ?? 0;
      this.pending.delete(oldest);
      this.append({ p: oldest });
    }
  }

  /** Resolves once everything appended so far is on disk (fsynced). */
  sync(): Promise<void> {
    this.chain = this.chain.then(() => (this.compactDue ? this.compact() : this.flush()));
    return this.chain;
  }

  async close(): Promise<void> {
    await this.sync().catch(() => {});
    await this.log.close();
  }

  private append(entry: Entry): void {
    const line = `${JSON.stringify(entry)}\n`;
    this.buffer.push(line);
    this.logBytes += line.length;
    if (this.logBytes > this.compactBytes) this.compactDue = true;
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const data = this.buffer.join('');
    this.buffer = [];
    await this.log.write(data);
    await this.log.sync();
  }

  /** The state now (engine and pending drains) replaces the log, whose buffered lines it already contains. */
  private async compact(): Promise<void> {
    this.compactDue = false;
    const state: State = {
      generation: this.generation + 1,
      nextDrain: this.nextDrain,
      engine: this.engine.snapshot(),
      pending: [...this.pending],
    };
    this.buffer = [];
    this.logBytes = 0;
    const next = await open(join(this.dir, logName(state.generation)), 'w');
    await next.sync();
    const temp = join(this.dir, 'state.json.tmp');
    const file = await open(temp, 'w');
    try {
      await file.write(JSON.stringify(state));
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, join(this.dir, 'state.json'));
    await syncDir(this.dir);
    const old = this.log;
    this.log = next;
    this.generation = state.generation;
    await old.close();
    await rm(join(this.dir, logName(state.generation - 1)), { force: true });
  }
}

const logName = (generation: number) => `journal-${generation}.log`;

function readState(dir: string): State | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'state.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as State;
}

/** The log's entries; a torn last line (a crash mid-write, never fsynced, so never acknowledged) is left out. */
function readLog(file: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  const entries: Entry[] = [];
  lines.forEach((line, i) => {
    if (line === '') return;
    try {
      entries.push(JSON.parse(line) as Entry);
    } catch {
      if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l !== '')) {
        throw new Error(`${file}:${i + 1}: not a journal entry (the log is damaged before its end)`);
      }
    }
  });
  return entries;
}

/** A rename is durable once its directory is fsynced. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
