import { describe, expect, it } from 'vitest';
import { decodeReceipt } from './decode.js';
import { buildReceipts, receiptRangesProblem, toRanges } from './receipt-ranges.js';
import { RECEIPT_MAX_RANGES, type Receipt } from './schemas/receipt.js';

const TOPIC = 'wattbus/v1/house-12/receipt/sink-influx';
const NOW = 1763800000000;
const receipt = (ranges: Receipt['ranges'], extra: Partial<Receipt> = {}): Receipt => ({
  v: 1,
  site: 'house-12',
  consumer: 'sink-influx',
  ts: NOW,
  ranges,
  ...extra,
});
const bytes = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));

describe('toRanges', () => {
  it('merges seqs in any order, with repeats, into ascending non-adjacent ranges', () => {
    expect(toRanges([5, 3, 4, 9, 1, 4, 10, 12])).toEqual([
      [1, 1],
      [3, 5],
      [9, 10],
      [12, 12],
    ]);
    expect(toRanges([])).toEqual([]);
  });
});

describe('buildReceipts', () => {
  it('groups one site by meter and channel', () => {
    const stored = [
      { meter: 'main', channel: 'grid', seq: 2 },
      { meter: 'main', channel: 'grid', seq: 1 },
      { meter: 'main', channel: 'pv', seq: 7 },
      { meter: 'heat', channel: 'total', seq: 40 },
    ];
    expect(buildReceipts('house-12', 'sink-influx', stored, NOW)).toEqual([
      receipt({ main: { grid: [[1, 2]], pv: [[7, 7]] }, heat: { total: [[40, 40]] } }),
    ]);
  });

  it(`splits receipts at ${RECEIPT_MAX_RANGES} ranges, losing no seq`, () => {
    const seqs = Array.from({ length: 600 }, (_, i) => i * 2); // no two adjacent: 600 ranges
    const stored = [
      ...seqs.map((seq) => ({ meter: 'main', channel: 'grid', seq })),
      { meter: 'main', channel: 'pv', seq: 1 },
    ];
    const receipts = buildReceipts('house-12', 'sink-influx', stored, NOW);
    expect(receipts).toHaveLength(3);
    const covered: number[] = [];
    for (const r of receipts) {
      expect(receiptRangesProblem(r)).toBeUndefined();
      expect(decodeReceipt(TOPIC, bytes(r), { now: NOW }).ok).toBe(true);
      for (const [from, to] of r.ranges.main?.grid ?? []) for (let s = from; s <= to; s++) covered.push(s);
    }
    expect(covered).toEqual(seqs);
    expect(receipts[2]?.ranges.main?.pv).toEqual([[1, 1]]);
  });
});

describe('decodeReceipt', () => {
  it('accepts a valid receipt on its own topic', () => {
    const r = receipt({ main: { grid: [[1, 10]] } });
    expect(decodeReceipt(TOPIC, bytes(r))).toEqual({ ok: true, value: r });
  });

  it('takes a receipt stamped ahead of the clock: its ts judges nothing', () => {
    expect(decodeReceipt(TOPIC, bytes(receipt({ main: { grid: [[1, 1]] } })), { now: NOW - 3_600_000 }).ok).toBe(true);
  });

  it.each([
    ['wattbus/v1/house-12/status', receipt({ main: { grid: [[1, 1]] } }), 'not a receipt topic (status)'],
    [TOPIC, '', 'empty payload'],
    [TOPIC, receipt({ main: { grid: [[3, 1]] } }), 'ranges.main.grid: [3, 1] ends before it starts'],
    [
      TOPIC,
      receipt({
        main: {
          grid: [
            [1, 5],
            [5, 9],
          ],
        },
      }),
      'ranges must ascend without overlap (5 ≤ 5)',
    ],
    [TOPIC, receipt({ main: { grid: [[1, 2, 3]] } } as never), /^schema: ranges\.main\.grid\[0\]/],
    [TOPIC, receipt({ main: { grid: [[-1, 2]] } }), /^schema: .*must be >= 0/],
    [TOPIC, receipt({ main: { grid: [[1.5, 2]] } }), /^schema: .*expected integer/],
    [TOPIC, receipt({ main: { grid: [] } }), /^schema: .*must NOT have fewer than 1 items/],
    [TOPIC, receipt({}), /^schema: ranges: must NOT have fewer than 1 properties/],
    [TOPIC, receipt({ Main: { grid: [[1, 1]] } }), /^schema: .*Main/],
    [
      TOPIC,
      receipt({ main: { grid: [[1, 1]] } }, { consumer: 'other' }),
      'topic/payload mismatch: topic says consumer sink-influx, payload says other',
    ],
    [
      TOPIC,
      receipt({ main: { grid: [[1, 1]] } }, { site: 'house-13' }),
      'topic/payload mismatch: topic says house-12, payload says house-13',
    ],
    [
      TOPIC,
      receipt({
        main: Object.fromEntries(
          Array.from({ length: 2 }, (_, c) => [
            `c${c}`,
            Array.from({ length: 200 }, (_, i): [number, number] => [i * 3, i * 3 + 1]),
          ]),
        ),
      }),
      `ranges: 400 ranges (limit ${RECEIPT_MAX_RANGES} per receipt)`,
    ],
  ])('rejects %s %j with a reason', (topic, payload, reason) => {
    const result = decodeReceipt(topic, bytes(payload));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
