import { describe, expect, it } from 'vitest';
import {
  buildRollupReceipts,
  decodeRollupReceipt,
  parseRollupReceiptTopic,
  rollupReceiptFilter,
  rollupReceiptTopic,
  type StoredRollup,
} from './rollup-receipts.js';
import { RECEIPT_MAX_RANGES, type RollupReceipt } from './schemas/receipt.js';
import { filters, TopicError } from './topics.js';

const TOPIC = 'wattbus/v1/house-12/rollup/receipt/sink-influx';
const NOW = 1763800000000;
const T = 1763798400000;
const bytes = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));
const receipt = (rollups: RollupReceipt['rollups'], extra: Partial<RollupReceipt> = {}): RollupReceipt => ({
  v: 1,
  site: 'house-12',
  consumer: 'sink-influx',
  ts: NOW,
  rollups,
  ...extra,
});
const stored = (start: number, revision: number, extra: Partial<StoredRollup> = {}): StoredRollup => ({
  meter: 'main',
  channel: 'grid',
  interval: '1m',
  start,
  revision,
  ...extra,
});

describe('rollup receipt topics', () => {
  it('sit under the rollup subtree, out of the reading receipts and the rollups filters', () => {
    expect(rollupReceiptTopic('house-12', 'sink-influx')).toBe(TOPIC);
    expect(parseRollupReceiptTopic(TOPIC)).toEqual({ site: 'house-12', consumer: 'sink-influx' });
    expect(rollupReceiptFilter()).toBe('wattbus/v1/+/rollup/receipt/+');
    // An agent's receipt filter and a sink worker's rollup filter have one level fewer.
    expect(filters.siteReceipts('house-12').split('/')).toHaveLength(5);
    expect(TOPIC.split('/')).toHaveLength(6);
  });

  it('refuse what the contract would not build', () => {
    expect(() => rollupReceiptTopic('dlq', 'sink')).toThrow(TopicError);
    expect(() => rollupReceiptTopic('house-12', 'reading')).toThrow(TopicError);
    for (const topic of [
      'wattbus/v1/house-12/rollup/receipt/reading',
      'wattbus/v1/alerts/rollup/receipt/sink',
      'wattbus/v1/house-12/rollup/1m',
      'wattbus/v1/house-12/receipt/sink-influx',
      'wattbus/v2/house-12/rollup/receipt/sink',
      'wattbus/v1/house-12/rollup/receipts/sink',
    ]) {
      expect(parseRollupReceiptTopic(topic), topic).toBeUndefined();
    }
  });
});

describe('buildRollupReceipts', () => {
  it('keeps the highest revision of each rollup, grouped and ascending by start', () => {
    const built = buildRollupReceipts(
      'house-12',
      'sink-influx',
      [
        stored(T + 60_000, 0),
        stored(T, 0),
        stored(T, 2),
        stored(T, 1),
        stored(T, 0, { interval: '1d' }),
        stored(T, 3, { meter: 'heat', channel: 'total', interval: '15m' }),
      ],
      NOW,
    );
    expect(built).toEqual([
      receipt({
        heat: { total: { '15m': [[T, 3]] } },
        main: {
          grid: {
            '1d': [[T, 0]],
            '1m': [
              [T, 2],
              [T + 60_000, 0],
            ],
          },
        },
      }),
    ]);
    const decoded = decodeRollupReceipt(TOPIC, bytes(built[0]));
    expect(decoded).toEqual({ ok: true, value: built[0] });
  });

  it(`splits past ${RECEIPT_MAX_RANGES} rollups, and every part decodes`, () => {
    const many = Array.from({ length: RECEIPT_MAX_RANGES * 2 + 3 }, (_, i) => stored(T + i * 60_000, 0));
    const built = buildRollupReceipts('house-12', 'sink-influx', many, NOW);
    expect(built.map((r) => r.rollups.main?.grid?.['1m']?.length)).toEqual([RECEIPT_MAX_RANGES, RECEIPT_MAX_RANGES, 3]);
    for (const r of built) expect(decodeRollupReceipt(TOPIC, bytes(r)).ok).toBe(true);
    expect(buildRollupReceipts('house-12', 'sink-influx', [], NOW)).toEqual([]);
  });
});

describe('decodeRollupReceipt', () => {
  const good = receipt({ main: { grid: { '1m': [[T, 0]] } } });
  it.each([
    ['a reading receipt topic', 'wattbus/v1/house-12/receipt/sink-influx', good, 'not a rollup receipt topic'],
    ['another site', 'wattbus/v1/house-13/rollup/receipt/sink-influx', good, 'topic says site house-13'],
    ['another consumer', 'wattbus/v1/house-12/rollup/receipt/sink-x', good, 'topic says consumer sink-x'],
    ['not JSON', TOPIC, '{', 'not JSON'],
    ['version 2', TOPIC, { ...good, v: 2 }, 'unsupported contract version'],
    ['an unknown interval', TOPIC, receipt({ main: { grid: { '5m': [[T, 0]] } } as never }), 'schema'],
    ['a negative revision', TOPIC, receipt({ main: { grid: { '1m': [[T, -1]] } } }), 'schema'],
    ['no rollups', TOPIC, receipt({}), 'schema'],
    ['an empty channel', TOPIC, receipt({ main: { grid: {} } }), 'schema'],
    ['readings ranges', TOPIC, { ...good, ranges: { main: { grid: [[1, 2]] } } }, 'schema'],
    [
      'starts out of order',
      TOPIC,
      receipt({
        main: {
          grid: {
            '1m': [
              [T + 60_000, 0],
              [T, 0],
            ],
          },
        },
      }),
      'rollups.main.grid.1m: starts must ascend without repeat',
    ],
    [
      'a repeated start',
      TOPIC,
      receipt({
        main: {
          grid: {
            '1m': [
              [T, 0],
              [T, 1],
            ],
          },
        },
      }),
      'starts must ascend without repeat',
    ],
    [
      'too many rollups over the channels',
      TOPIC,
      receipt({
        main: {
          grid: { '1m': Array.from({ length: 200 }, (_, i) => [T + i, 0] as [number, number]) },
          pv: { '1m': Array.from({ length: 100 }, (_, i) => [T + i, 0] as [number, number]) },
        },
      }),
      `rollups: 300 rollups (limit ${RECEIPT_MAX_RANGES} per receipt)`,
    ],
  ])('refuses %s', (_, topic, payload, reason) => {
    const decoded = decodeRollupReceipt(topic, bytes(payload));
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toContain(reason);
  });

  it('refuses an oversize payload unread', () => {
    const decoded = decodeRollupReceipt(TOPIC, Buffer.alloc(2000, 32), 1000);
    expect(decoded).toEqual({ ok: false, reason: 'payload too large: 2000 bytes (limit 1000)' });
  });
});
