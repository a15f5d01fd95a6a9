import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BusLock } from './bus-lock.js';

describe('BusLock', () => {
  it('runs one task at a time, in call order, and survives failures', async () => {
    const lock = new BusLock();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) =>
      lock.run(async () => {
        running++;
        expect(running).toBe(1);
        log.push(`start ${name}`);
        await sleep(5);
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
