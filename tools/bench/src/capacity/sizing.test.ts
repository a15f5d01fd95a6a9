import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, readingsPerSecond, size, sizingTable } from './sizing.js';

const a = { channels_per_household: 3, readings_per_channel_per_s: 1, core_utilisation: 0.5 };

describe('sizing', () => {
  it('turns households into readings per second', () => {
    expect(readingsPerSecond(1000, a)).toBe(3000);
    expect(readingsPerSecond(1_000_000, DEFAULT_ASSUMPTIONS)).toBe(3_000_000);
  });

  it('plans single-threaded parts as processes of half a core each, rounding up', () => {
    // 30,000 readings/s × 20 µs = 0.6 core busy → 1.2 cores at 50 % → 2 processes
    const [worker] = size(10_000, [{ part: 'w', kind: 'single-threaded', cpu_s_per_reading: 20e-6 }], a);
    expect(worker).toEqual({ part: 'w', cores: 1.2, processes: 2, per_household_core_share: null });
  });

  it('counts a broker delivery per consumer', () => {
    const [broker] = size(1000, [{ part: 'b', kind: 'single-threaded', cpu_s_per_reading: 10e-6, per_reading: 3 }], a);
    // 3,000/s × 3 × 10 µs = 0.09 core → 0.18 cores at 50 % (0.2 after rounding up to a tenth)
    expect(broker?.cores).toBe(0.2);
    expect(broker?.processes).toBe(1);
  });

  it('gives multi-threaded parts cores only, and per-household parts a share of their own core', () => {
    const [db, agent] = size(
      100_000,
      [
        { part: 'db', kind: 'multi-threaded', cpu_s_per_reading: 5e-6 },
        { part: 'agent', kind: 'per-household', cpu_s_per_reading: 1e-3 },
      ],
      a,
    );
    expect(db).toEqual({ part: 'db', cores: 3, processes: null, per_household_core_share: null });
    expect(agent?.processes).toBe(100_000);
    expect(agent?.per_household_core_share).toBeCloseTo(0.003, 9); // 3 readings/s × 1 ms
  });

  it('prints one row per part and one column per fleet', () => {
    const table = sizingTable(
      [1000, 1_000_000],
      [{ part: 'alerter', kind: 'single-threaded', cpu_s_per_reading: 4e-6 }],
      a,
    );
    const lines = table.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('| part | µs CPU / reading | 1k households (3k/s) | 1M households (3M/s) |');
    // 3M/s × 4 µs = 12 cores busy → 24 cores at 50 % → 24 processes
    expect(lines[2]).toBe('| alerter | 4.0 | 0.1 cores, 1 proc | 24 cores, 24 proc |');
  });
});
