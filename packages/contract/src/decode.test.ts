import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_MAX_PAYLOAD, makeDeadLetter } from './dead-letter.js';
import { decodeReading } from './decode.js';
import { exampleReading } from './fixtures.js';

const TOPIC = 'wattbus/v1/house-12/main/reading';
const bytes = (x: unknown) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x));

describe('decodeReading', () => {
  it('accepts a valid reading on its own topic', () => {
    expect(decodeReading(TOPIC, bytes(exampleReading()))).toEqual({ ok: true, value: exampleReading() });
  });

  it.each([
    ['wattbus/v1/house-12/status', bytes(exampleReading()), 'not a reading topic (status)'],
    [
      'wattbus/v1/House/main/reading',
      bytes(exampleReading()),
      'bad topic: bad site id "House": expected ^[a-z0-9][a-z0-9_-]{0,63}$',
    ],
    [TOPIC, Buffer.alloc(70_000, 32), 'payload too large: 70000 bytes (limit 65536)'],
    [TOPIC, bytes('[1,'), /^not JSON: /],
    [TOPIC, bytes('null'), 'unsupported contract version missing (expected 1)'],
    [TOPIC, bytes({ ...exampleReading(), v: '1' }), 'unsupported contract version "1" (expected 1)'],
    [TOPIC, bytes({ ...exampleReading(), seq: -1 }), 'schema: seq: must be >= 0 (got -1)'],
    [
      'wattbus/v1/house-12/other/reading',
      bytes(exampleReading()),
      'topic/payload mismatch: topic says house-12/other, payload says house-12/main',
    ],
  ])('rejects %s with a reason', (topic, payload, reason) => {
    const result = decodeReading(topic, payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('reads a payload that is a view into a larger buffer', () => {
    const whole = Buffer.concat([Buffer.from('garbage'), bytes(exampleReading())]);
    expect(decodeReading(TOPIC, whole.subarray(7)).ok).toBe(true);
  });
});

describe('makeDeadLetter', () => {
  it('keeps UTF-8 payloads as text', () => {
    expect(
      makeDeadLetter({ consumer: 'sink', topic: 't', payload: bytes('héllo'), reason: 'r', now: 1763800000000 }),
    ).toEqual({
      reason: 'r',
      topic: 't',
      payload: 'héllo',
      payload_encoding: 'utf8',
      payload_bytes: 6,
      payload_truncated: false,
      consumer: 'sink',
      ts: 1763800000000,
    });
  });

  it('keeps a leading byte order mark', () => {
    const letter = makeDeadLetter({ consumer: 'c', topic: 't', payload: Buffer.from('\ufeff{}'), reason: 'r' });
    expect(letter).toMatchObject({ payload: '\ufeff{}', payload_encoding: 'utf8', payload_bytes: 5 });
  });

  it('base64-encodes bytes that are not UTF-8', () => {
    const letter = makeDeadLetter({ consumer: 'c', topic: 't', payload: Buffer.from([0xff, 0x00]), reason: 'r' });
    expect(letter).toMatchObject({ payload: '/wA=', payload_encoding: 'base64', payload_bytes: 2 });
  });

  it('cuts large text payloads to 64 KiB and keeps them as text, with the original size', () => {
    const big = Buffer.alloc(DEAD_LETTER_MAX_PAYLOAD + 10, 'a');
    const letter = makeDeadLetter({ consumer: 'c', topic: 't', payload: big, reason: 'r' });
    expect(letter).toMatchObject({ payload_encoding: 'utf8', payload_bytes: big.length, payload_truncated: true });
    expect(letter.payload).toBe('a'.repeat(DEAD_LETTER_MAX_PAYLOAD));
  });

  it('cuts a text payload before a character the limit would split', () => {
    // 'é' is 2 bytes: with one ASCII byte first, the 64 KiB limit falls inside a character
    const big = Buffer.from(`x${'é'.repeat(DEAD_LETTER_MAX_PAYLOAD)}`);
    const letter = makeDeadLetter({ consumer: 'c', topic: 't', payload: big, reason: 'r' });
    expect(letter.payload_encoding).toBe('utf8');
    expect(letter.payload).toBe(`x${'é'.repeat(DEAD_LETTER_MAX_PAYLOAD / 2 - 1)}`);
  });

  it('cuts large binary payloads to 64 KiB as base64', () => {
    const big = Buffer.alloc(DEAD_LETTER_MAX_PAYLOAD + 10, 0xff);
    const letter = makeDeadLetter({ consumer: 'c', topic: 't', payload: big, reason: 'r' });
    expect(letter).toMatchObject({ payload_encoding: 'base64', payload_truncated: true });
    expect(Buffer.from(letter.payload, 'base64')).toHaveLength(DEAD_LETTER_MAX_PAYLOAD);
  });
});
