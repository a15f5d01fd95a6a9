import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { Generated } from './accounting.js';

export interface AgentState extends Generated {
  /** Readings still in the queue, not acknowledged by the broker. */
  queued: number;
}

/**
 * Reads what a stopped agent persisted in `<state_dir>/queue` (apps/edge-agent/src/queue/disk-queue.ts):
 * `s:<meter>/<channel>` → last seq used, `m:dropped` → readings dropped by the queue limits, `q:<n>` → queued.
 * The agent fsyncs each reading together with these counters, so they survive SIGKILL.
 */
export async function readAgentState(stateDir: string, site: string): Promise<AgentState> {
  const db = new ClassicLevel<string, string>(join(stateDir, 'queue'), { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  try {
    const lastSeq = new Map<string, number>();
    for await (const [key, value] of db.iterator({ gte: 's:', lt: 's;' })) {
      lastSeq.set(`${site}/${key.slice(2)}`, Number(value));
    }
    let queued = 0;
    for await (const _ of db.keys({ gte: 'q:', lt: 'q;' })) queued++;
    const dropped = Number((await db.get('m:dropped')) ?? 0);
    return { lastSeq, dropped, queued };
  } finally {
    await db.close();
  }
}
