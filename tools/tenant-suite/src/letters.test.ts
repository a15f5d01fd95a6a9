import { type DeadLetter, makeDeadLetter } from '@wattbus/contract';
import { expect, it } from 'vitest';
import { checkLetters } from './letters.js';
import type { Hostile } from './verdict.js';

const topic = 'wattbus/v1/house-12/m/reading';
const m = (attack: string, payload: string | Buffer): Hostile => ({ attack, topic, payload: Buffer.from(payload) });
const letter = (h: Hostile): DeadLetter =>
  makeDeadLetter({ consumer: 'sink-worker', topic, payload: h.payload, reason: 'bad' }) as DeadLetter;

it('pairs each dead letter with the message it stands for, by content, and names what is missing or extra', () => {
  const a = m('a', '{"x":1}');
  const b = m('b', '{"y":1}'); // same size and topic as a
  const bom = m('bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]));
  const take = m('take', '{"ok":1}');
  const stray = m('stray', '[]');
  const check = checkLetters(
    [letter(a), letter(bom), letter(take), letter(stray)],
    [
      { message: a, verdict: 'dlq' },
      { message: b, verdict: 'dlq' },
      { message: bom, verdict: 'dlq' },
      { message: take, verdict: 'take' },
    ],
    true,
  );
  expect(check.missing).toEqual(['b']);
  expect(check.refused).toEqual([take]);
  expect(check.unexpected).toEqual([`${topic} (2 bytes): bad`]);
  expect(checkLetters([letter(take)], [{ message: take, verdict: 'take' }], false).unexpected).toHaveLength(1);
});
