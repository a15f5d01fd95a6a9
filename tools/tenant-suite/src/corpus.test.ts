import { createHash } from 'node:crypto';
import { makeRng } from '@wattbus/fault-suite/seed';
import { expect, it } from 'vitest';
import { Corpus } from './corpus.js';

const fingerprint = (seed: number) =>
  new Corpus(1_796_000_000_000)
    .generated(makeRng(seed))
    .map((h) => `${h.attack} ${createHash('sha1').update(h.topic).update(h.payload).digest('hex')}`);

it('generates the same cases for the same seed, and other ones for another seed', () => {
  expect(fingerprint(42)).toEqual(fingerprint(42));
  expect(fingerprint(43)).not.toEqual(fingerprint(42));
});

it('covers every kind the issue asks for', () => {
  const attacks = fingerprint(7).map((f) => f.split(' ').slice(0, 2).join(' '));
  for (const kind of [
    'gen depth',
    'gen width',
    'gen size',
    'gen packet',
    'gen UTF-16LE',
    'gen reserved',
    'gen power_w',
  ]) {
    expect(
      attacks.some((a) => a.startsWith(kind)),
      kind,
    ).toBe(true);
  }
  const depths = fingerprint(7)
    .flatMap((f) => /^gen depth (\d+)/.exec(f)?.[1] ?? [])
    .map(Number);
  expect(Math.min(...depths)).toBe(1);
  expect(Math.max(...depths)).toBe(200_000);
});
