import { expect } from 'vitest';
import type { TenantReport } from './suite.js';

const some = (list: readonly string[]) => list.slice(0, 20);

/**
 * The verdict of one run: every check is soft, so one run names every harm at once; the story of the run is
 * attached to each message.
 */
export function expectNoHarm(r: TenantReport): void {
  const ctx = (what: string) => `${what} [tenants ${r.broker} seed=${r.seed}]\n${r.story.join('\n')}`;
  expect.soft(r.crashes, ctx('consumers crashed')).toEqual([]);
  expect.soft(r.failedStarts, ctx('services that did not start again')).toEqual([]);
  expect.soft(r.goodUnacked, ctx('good readings the broker never acknowledged')).toBe(0);
  expect.soft(some(r.goodLostRuns), ctx(`good readings lost (${r.goodLost} of ${r.goodSent})`)).toEqual([]);
  expect.soft(r.goodDuplicated, ctx('good readings stored twice')).toBe(0);
  expect.soft(r.goodMissingInFiles, ctx('good readings missing in the file sink')).toBe(0);
  expect.soft(some(r.foreignRows), ctx('rows stored under the good household that it did not send')).toEqual([]);
  for (const [consumer, c] of Object.entries(r.dlq)) {
    expect
      .soft(
        some(c.missing),
        ctx(`${consumer}: dead letters the contract expects, not published (${c.missing.length} of ${c.expected})`),
      )
      .toEqual([]);
    expect.soft(some(c.unexpected), ctx(`${consumer}: dead letters not expected (${c.unexpected.length})`)).toEqual([]);
  }
  expect
    .soft(some(r.validNotStoredOnce), ctx('contract-valid hostile readings not stored exactly once or dead-lettered'))
    .toEqual([]);
  expect.soft(r.sinkHealth, ctx("the sink worker's /healthz")).toMatchObject({ ok: true, mqtt: 'connected' });
  expect.soft(r.goodAlert?.state, ctx("the good household's sign alert")).toBe('raised');
  expect
    .soft(
      r.goodAlert?.open.map((s) => s.subject),
      ctx("the good household's sign alert"),
    )
    .toEqual(['main/c1']);
  expect.soft(r.hostileOverloadAlert?.state, ctx('overload on the channel that got a 2099 reading')).toBe('raised');
  expect.soft(r.portal.unanswered, ctx('portal requests without an answer')).toEqual([]);
  expect.soft(r.portal.serverErrors, ctx('junk requests answered with a server error')).toEqual([]);
  expect.soft(r.portal.wrongLogins[200] ?? 0, ctx('wrong logins let in')).toBe(0);
  expect.soft(r.portal.rotatingForwardedFor[200] ?? 0, ctx('wrong logins let in')).toBe(0);
  // rotating X-Forwarded-For from an untrusted peer must not escape the per-address throttle
  expect
    .soft(r.portal.rotatingForwardedFor[429] ?? 0, ctx('throttled logins behind forged proxies'))
    .toBeGreaterThan(0);
  const { login, ...reads } = r.portal.crossTenantReads;
  const served = Object.entries(reads).filter(([, status]) => status === 200 || status === 0 || status >= 500);
  expect.soft(served, ctx(`house-12 (portal login ${login}) asking for other households' data`)).toEqual([]);
  expect.soft(r.portal.goodLogin, ctx("another household's login after the attack")).toBe(200);
}
