import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reading } from '@wattbus/contract';
import { RollupEngine, type RollupRecord, Tariffs } from '@wattbus/energy';
import { tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { RollupJournal } from '../src/journal.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 13, 9);
const reading = (m: number): Reading => ({
  v: 1,
  site: 'house-1',
  meter: 'main',
  channel: 'grid',
  role: 'grid',
  seq: m,
  ts: T0 + m * MIN,
  values: { energy_import_wh: 10 * m, power_w: 600 },
});
const tariffs = new Tariffs({ tariffs: {}, groups: {}, sites: {} }, { baseDir: '.' });
const engine = () => new RollupEngine({ planFor: (site) => tariffs.planFor(site), intervals: ['1m', '15m'] });

/** Pushes minutes `from`…`to` (journaled), drains every 5, and marks each drain published unless `unpublished`. */
async function run(journal: RollupJournal, e: RollupEngine, from: number, to: number, unpublished = false) {
  const out: RollupRecord[] = [];
  for (let m = from; m <= to; m++) {
    if (e.push(reading(m)) === 'accepted') journal.accepted(reading(m));
    if (m % 5 === 4) {
      const records = e.drain();
      const drain = journal.drained(records);
      await journal.sync();
      out.push(...records);
      if (drain !== undefined && !unpublished) journal.published(drain);
    }
  }
  return out;
}

describe('RollupJournal', () => {
  it('restores the engine after a crash, through compactions, and returns the drains not published', async () => {
    const dir = (await tempDir('wattbus-journal-')).path;
    const reference = engine();
    const expected: RollupRecord[] = [];
    for (let m = 0; m <= 59; m++) {
      reference.push(reading(m));
      if (m % 5 === 4) expected.push(...reference.drain());
    }

    const first = engine();
    // 2 KiB: the log is folded into the state file several times on the way.
    const a = await RollupJournal.open(dir, first, 2048);
    expect(a.unpublished).toEqual([]);
    const published = await run(a.journal, first, 0, 29);
    const lost = await run(a.journal, first, 30, 39, true);
    expect(readdirSync(dir).filter((f) => f.startsWith('journal-')).length).toBe(1);
    // A crash: no close; a write torn in the middle of a line.
    appendFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('journal-')) as string), '{"r":{"v":1,"si');

    const second = engine();
    const b = await RollupJournal.open(dir, second, 2048);
    expect(b.unpublished.flatMap((u) => u.records)).toEqual(lost);
    for (const { drain } of b.unpublished) b.journal.published(drain);
    const rest = await run(b.journal, second, 40, 59);
    expect([...published, ...lost, ...rest]).toEqual(expected);
    await b.journal.close();
    const third = engine();
    expect((await RollupJournal.open(dir, third, 2048)).unpublished.flatMap((u) => u.records)).toEqual([]);
    expect(third.held).toEqual(reference.held);
  });

  it('lets drains go oldest first: a delivered drain after an undelivered one is published again at start', async () => {
    const dir = (await tempDir('wattbus-journal-')).path;
    const first = engine();
    const { journal } = await RollupJournal.open(dir, first, 1 << 20);
    const records = await run(journal, first, 0, 14, true); // drains 0, 1, 2
    journal.published(2);
    journal.published(0);
    await journal.close();
    const again = await RollupJournal.open(dir, engine(), 1 << 20);
    // Drain 1 (minutes 4-8) still waits, so drain 2 stays with it; drain 0 (minutes 0-3) is gone.
    expect(again.unpublished.map((u) => u.drain)).toEqual([1, 2]);
    expect(again.unpublished.flatMap((u) => u.records)).toEqual(records.filter((r) => r.start >= T0 + 4 * MIN));
    // Which drains were delivered is not kept across a start: both are sent again and delivered again.
    again.journal.published(2);
    again.journal.published(1);
    await again.journal.close();
    const last = await RollupJournal.open(dir, engine(), 1 << 20);
    expect(last.unpublished).toEqual([]);
    await last.journal.close();
  });

  it('names the file and line of a log damaged before its end', async () => {
    const dir = (await tempDir('wattbus-journal-')).path;
    const { journal } = await RollupJournal.open(dir, engine(), 1 << 20);
    await run(journal, engine(), 0, 9);
    const log = join(dir, readdirSync(dir).find((f) => f.startsWith('journal-')) as string);
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[1] = 'garbage';
    writeFileSync(log, lines.join('\n'));
    await expect(RollupJournal.open(dir, engine(), 1 << 20)).rejects.toThrow(
      `${log}:2: not a journal entry (the log is damaged before its end)`,
    );
  });
});
