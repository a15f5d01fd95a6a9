import { describe, expect, it } from 'vitest';
import { planOneByOne, planReads, splitRefusedBlock } from './planner.js';
import type { Field } from './register-map.js';

const f = (address: number, words: 1 | 2 = 2, fc: 3 | 4 = 4, value = `power_w_${address}`): Field =>
  ({
    value,
    channel: 'main',
    fc,
    address,
    words,
    type: words === 1 ? 'uint16' : 'float32',
    wordOrder: 'big',
    scale: 1,
    sign: 1,
  }) as Field;

const shape = (blocks: ReturnType<typeof planReads>) => blocks.map((b) => [b.fc, b.address, b.count, b.fields.length]);

describe('planReads', () => {
  it('joins adjacent registers into one request', () => {
    expect(shape(planReads([f(4), f(0), f(2)], { maxRegisters: 125, maxGap: 0 }))).toEqual([[4, 0, 6, 3]]);
  });

  it('reads across small gaps only', () => {
    const fields = [f(0), f(6), f(30)];
    expect(shape(planReads(fields, { maxRegisters: 125, maxGap: 4 }))).toEqual([
      [4, 0, 8, 2],
      [4, 30, 2, 1],
    ]);
    expect(shape(planReads(fields, { maxRegisters: 125, maxGap: 0 }))).toEqual([
      [4, 0, 2, 1],
      [4, 6, 2, 1],
      [4, 30, 2, 1],
    ]);
    expect(shape(planReads(fields, { maxRegisters: 125, maxGap: 30 }))).toEqual([[4, 0, 32, 3]]);
  });

  it('never asks for more than maxRegisters at once', () => {
    const fields = Array.from({ length: 100 }, (_, i) => f(2 * i));
    const blocks = planReads(fields, { maxRegisters: 125, maxGap: 10 });
    expect(shape(blocks)).toEqual([
      [4, 0, 124, 62],
      [4, 124, 76, 38],
    ]);
    expect(planReads(fields, { maxRegisters: 80, maxGap: 10 }).every((b) => b.count <= 80)).toBe(true);
  });

  it('keeps function codes apart and handles overlapping fields', () => {
    const fields = [f(0, 2, 3), f(0, 2, 4), f(1, 1, 4, 'voltage_v')];
    expect(shape(planReads(fields, { maxRegisters: 125, maxGap: 10 }))).toEqual([
      [3, 0, 2, 1],
      [4, 0, 2, 2],
    ]);
  });

  it('one by one gives a request per field', () => {
    expect(shape(planOneByOne([f(2), f(0)]))).toEqual([
      [4, 0, 2, 1],
      [4, 2, 2, 1],
    ]);
  });
});

describe('splitRefusedBlock', () => {
  it('drops the gap filling on exception 2 (illegal data address)', () => {
    const [block] = planReads([f(0), f(6), f(8)], { maxRegisters: 125, maxGap: 10 });
    expect(block?.count).toBe(10);
    expect(shape(splitRefusedBlock(block as never, 2) ?? [])).toEqual([
      [4, 0, 2, 1],
      [4, 6, 4, 2],
    ]);
  });

  it('halves the request on exception 3 (illegal data value: too many registers)', () => {
    const [block] = planReads(
      Array.from({ length: 40 }, (_, i) => f(2 * i)),
      { maxRegisters: 125, maxGap: 0 },
    );
    expect(shape(splitRefusedBlock(block as never, 3) ?? [])).toEqual([
      [4, 0, 40, 20],
      [4, 40, 40, 20],
    ]);
  });

  it('gives up when the block cannot get smaller', () => {
    const [single] = planReads([f(0)], { maxRegisters: 125, maxGap: 0 });
    expect(splitRefusedBlock(single as never, 2)).toBeUndefined();
    const [contiguous] = planReads([f(0), f(2)], { maxRegisters: 125, maxGap: 0 });
    expect(splitRefusedBlock(contiguous as never, 2)).toBeUndefined();
    expect(splitRefusedBlock(contiguous as never, 4)).toBeUndefined();
  });
});
