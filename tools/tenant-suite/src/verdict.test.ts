import { exampleReading } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { alerterVerdict, BROKER_PACKET_LIMIT, type Hostile, packetBytes, sinkVerdict } from './verdict.js';

const reading = (over: Record<string, unknown> = {}) =>
  Buffer.from(JSON.stringify({ ...exampleReading(), meter: 'm', ts: Date.now() - 1000, ...over }));
const msg = (topic: string | Buffer, payload: Buffer): Hostile => ({ attack: 'test', topic, payload });
const both = (h: Hostile) => [sinkVerdict(h), alerterVerdict(h)];

describe('what each consumer must do with a message of house-12', () => {
  it('takes a valid reading on its own topic, and dead-letters an invalid one', () => {
    expect(both(msg('wattbus/v1/house-12/m/reading', reading()))).toEqual(['take', 'take']);
    expect(both(msg('wattbus/v1/house-12/m/reading', reading({ seq: -1 })))).toEqual(['dlq', 'dlq']);
    expect(both(msg('wattbus/v1/house-12/m/reading', reading({ ts: Date.UTC(2099, 0, 1) })))).toEqual(['dlq', 'dlq']);
  });

  it('never sees what the ACL does not let house-12 write', () => {
    expect(both(msg('wattbus/v1/house-13/m/reading', reading({ site: 'house-13' })))).toEqual(['unseen', 'unseen']);
    expect(both(msg('wattbus/v1/alerts/house-13/sign', reading()))).toEqual(['unseen', 'unseen']);
  });

  it('leaves to the broker what it may refuse: ids the contract refuses, bad UTF-8, NUL', () => {
    expect(both(msg('wattbus/v1/house-12/M/reading', reading({ meter: 'M' })))).toEqual([
      'dlq-or-unseen',
      'dlq-or-unseen',
    ]);
    const nul = Buffer.from('wattbus/v1/house-12/a\u0000b/reading');
    expect(both(msg(nul, reading()))).toEqual(['dlq-or-unseen', 'dlq-or-unseen']);
    const badUtf8 = Buffer.concat([
      Buffer.from('wattbus/v1/house-12/'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('/reading'),
    ]);
    expect(both(msg(badUtf8, reading()))).toEqual(['dlq-or-unseen', 'dlq-or-unseen']);
  });

  it('counts whole packets against the broker limit', () => {
    const topic = 'wattbus/v1/house-12/m/reading';
    const fits = Buffer.alloc(BROKER_PACKET_LIMIT - 1 - 3 - 2 - topic.length - 2, ' ');
    expect(packetBytes(topic, fits)).toBe(BROKER_PACKET_LIMIT);
    expect(both(msg(topic, fits))).toEqual(['dlq', 'dlq']); // over the consumers' 64 KiB
    expect(both(msg(topic, Buffer.alloc(fits.length + 4, ' ')))).toEqual(['unseen', 'unseen']);
  });

  it('sends info and status to the alerter only', () => {
    const info = Buffer.from('{"v":1,');
    expect(both(msg('wattbus/v1/house-12/info', info))).toEqual(['unseen', 'dlq']);
    expect(both(msg('wattbus/v1/house-12/health', info))).toEqual(['unseen', 'unseen']);
  });
});
