import { createHash } from 'node:crypto';
import type { DeadLetter } from '@wattbus/contract';
import type { Sent } from './hostile-sender.js';
import type { Hostile, Verdict } from './verdict.js';

/**
 * A message as its dead letter shows it: topic, original size, and a hash of its first kilobyte (dead letters carry
 * the payload, cut at 64 KiB), so two messages of the same size on the same topic are told apart.
 */
function keyOf(topic: string, bytes: number, payload: Buffer): string {
  const head = createHash('sha1').update(payload.subarray(0, 1_000)).digest('hex').slice(0, 12);
  return `${topic}|${bytes}|${head}`;
}

const keyOfMessage = (m: Hostile) => keyOf(m.topic.toString(), m.payload.length, m.payload);
const keyOfLetter = (l: DeadLetter) =>
  keyOf(l.topic, l.payload_bytes, Buffer.from(l.payload, l.payload_encoding === 'base64' ? 'base64' : 'utf8'));

export interface LetterCheck {
  expected: number;
  got: number;
  /** Messages the consumer had to dead-letter and did not (their attack names). */
  missing: string[];
  /** Dead letters for no message that called for one (topic and reason). */
  unexpected: string[];
  /** Messages it could take but dead-lettered (the sink: a store refused them). */
  refused: Hostile[];
  /** Messages one broker refuses and another passes on (`dlq-or-unseen`), passed on and dead-lettered. */
  illegalPassed: number;
}

/**
 * Pairs a consumer's dead letters with the messages sent: each `dlq` message needs exactly one letter; a letter may
 * also stand for a message the consumer may dead-letter (`dlq-or-unseen`, and `take` when `takeMayBeRefused`).
 */
export function checkLetters(
  letters: readonly DeadLetter[],
  messages: ReadonlyArray<{ message: Hostile; verdict: Verdict }>,
  takeMayBeRefused: boolean,
): LetterCheck {
  const open = new Map<string, Array<{ message: Hostile; verdict: Verdict }>>();
  for (const m of messages) {
    if (m.verdict === 'unseen' || (m.verdict === 'take' && !takeMayBeRefused)) continue;
    const k = keyOfMessage(m.message);
    open.set(k, [...(open.get(k) ?? []), m]);
  }
  const result: LetterCheck = {
    expected: messages.filter((m) => m.verdict === 'dlq').length,
    got: letters.length,
    missing: [],
    unexpected: [],
    refused: [],
    illegalPassed: 0,
  };
  for (const letter of letters) {
    const candidates = open.get(keyOfLetter(letter)) ?? [];
    // a letter pays for a message that needs one before one that merely may have one
    const needed = candidates.findIndex((c) => c.verdict === 'dlq');
    const i = Math.max(needed, 0);
    const match = candidates[i];
    if (match === undefined) {
      result.unexpected.push(`${letter.topic.slice(0, 120)} (${letter.payload_bytes} bytes): ${letter.reason}`);
      continue;
    }
    candidates.splice(i, 1);
    if (match.verdict === 'take') result.refused.push(match.message);
    if (match.verdict === 'dlq-or-unseen') result.illegalPassed++;
  }
  for (const candidates of open.values()) {
    for (const c of candidates) if (c.verdict === 'dlq') result.missing.push(c.message.attack);
  }
  return result;
}

/**
 * Both consumers' dead letters against house-12's messages; `deep` (item 2's retained info) the alerter meets twice:
 * live, and again from the retained message when it restarts.
 */
export function checkConsumers(
  letters: { sink: readonly DeadLetter[]; alerter: readonly DeadLetter[] },
  sent: readonly Sent[],
  deep: Hostile,
): Record<'sink-worker' | 'alerter', LetterCheck> {
  return {
    'sink-worker': checkLetters(
      letters.sink,
      sent.map((s) => ({ message: s, verdict: s.sink })),
      true,
    ),
    alerter: checkLetters(
      letters.alerter,
      [...sent.map((s) => ({ message: s, verdict: s.alerter })), { message: deep, verdict: 'dlq' as const }],
      false,
    ),
  };
}
