import { describe, expect, it } from 'vitest';
import { PowerBlocks } from './power-blocks.js';

describe('PowerBlocks', () => {
  it('completes a block when a later one starts, with null where no reading came, and drops late readings', () => {
    const blocks = new PowerBlocks(60);
    expect(blocks.add('a', 120_000, 100)).toBeUndefined();
    expect(blocks.add('a', 121_000, 110)).toBeUndefined();
    expect(blocks.add('b', 125_000, 5)).toBeUndefined();
    const done = blocks.add('a', 180_500, 120);
    expect(done?.start_ms).toBe(120_000);
    expect(done?.power_w.slice(0, 3)).toEqual([100, 110, null]);
    expect(done?.power_w).toHaveLength(60);
    expect(blocks.add('a', 150_000, 1)).toBeUndefined();
    expect(blocks.late).toBe(1);
  });
});
