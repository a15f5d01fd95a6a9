import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TempDir, tempDir } from '@wattbus/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeqStore } from '../src/seq-store.js';

describe('SeqStore', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await tempDir('wattbus-seq-');
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('counts per meter and channel, starting at 1', () => {
    const store = new SeqStore(dir.path);
    expect([store.next('main', 'grid'), store.next('main', 'grid'), store.next('main', 'grid')]).toEqual([1, 2, 3]);
    expect(store.next('main', 'production')).toBe(1);
    expect(store.next('heat-pump', 'grid')).toBe(1);
    expect(store.next('main', 'grid')).toBe(4);
    expect(store.next('main', 'production')).toBe(2);
  });

  it('keeps the counters of distinct (meter, channel) pairs apart even when names share parts', () => {
    const store = new SeqStore(dir.path);
    store.next('a', 'b-c');
    store.next('a', 'b-c');
    expect(store.next('a-b', 'c')).toBe(1);
  });

  it('persists across instances once saved, and continues from there', () => {
    const first = new SeqStore(dir.path);
    for (let i = 0; i < 5; i++) first.next('main', 'grid');
    first.next('main', 'consumption');
    first.save();

    const second = new SeqStore(dir.path);
    expect(second.next('main', 'grid')).toBe(6);
    expect(second.next('main', 'consumption')).toBe(2);
    expect(second.next('pv', 'production')).toBe(1);
    second.save();

    const third = new SeqStore(dir.path);
    expect(third.next('main', 'grid')).toBe(7);
    expect(third.next('pv', 'production')).toBe(2);
  });

  it('creates its directory, writes one JSON file atomically and leaves no temp file', () => {
    const nested = join(dir.path, 'var', 'lib', 'agent');
    const store = new SeqStore(nested);
    expect(existsSync(nested)).toBe(true);
    store.next('main', 'grid');
    store.next('main', 'grid');
    store.save();
    expect(readdirSync(nested)).toEqual(['seq.json']);
    expect(JSON.parse(readFileSync(join(nested, 'seq.json'), 'utf8'))).toEqual({ 'main/grid': 2 });
  });

  it('does not rewrite the file when nothing changed', () => {
    const store = new SeqStore(dir.path);
    store.next('main', 'grid');
    store.save();
    const file = join(dir.path, 'seq.json');
    writeFileSync(file, JSON.stringify({ 'main/grid': 100 }));
    store.save(); // not dirty: leaves the file alone
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'main/grid': 100 });
    expect(new SeqStore(dir.path).next('main', 'grid')).toBe(101);
  });

  it('refuses a corrupt state file rather than restarting seq from 1', () => {
    writeFileSync(join(dir.path, 'seq.json'), '{"main/grid": 4');
    expect(() => new SeqStore(dir.path)).toThrow(/cannot read seq state .*seq\.json/);
  });
});
