import { ALERT_MAX_OPEN_SUBJECTS, type Alert, validateAlert } from '@wattbus/contract';
import { describe, expect, it } from 'vitest';
import { AlertBook } from './alert-book.js';
import type { AlertRule, OpenSubject } from './rules/rule.js';

const T0 = 1_763_800_000_000;

const fakeRule = (id: string, severity: Alert['severity'] = 'warning'): AlertRule => ({
  id,
  severity,
  evaluate: () => new Map(),
});
const MD = fakeRule('missing-data');

/** `{ site: { subject: since } }` → what a rule's evaluate() returns. */
function open(spec: Record<string, Record<string, number>>, message = 'm'): Map<string, Map<string, OpenSubject>> {
  return new Map(
    Object.entries(spec).map(([site, subjects]) => [
      site,
      new Map(Object.entries(subjects).map(([s, since]) => [s, { since, message: `${message} ${s}` }])),
    ]),
  );
}

const summary = (alerts: Alert[]) =>
  alerts.map((a) => ({ site: a.site, state: a.state, open: a.open.map((o) => [o.subject, o.since]) }));

describe('AlertBook.update', () => {
  it('returns nothing while nothing is open', () => {
    const book = new AlertBook();
    expect(book.update(MD, open({}), T0)).toEqual([]);
    expect(book.update(MD, open({ 'house-1': {} }), T0 + 1)).toEqual([]);
    expect(book.openCount()).toBe(0);
  });

  it('raises once per (site, rule) with every open subject, then stays quiet while the set is unchanged', () => {
    const book = new AlertBook();
    const first = book.update(MD, open({ 'house-1': { 'main/grid': T0 - 600, site: T0 - 100 } }), T0);
    expect(first).toEqual([
      {
        v: 1,
        site: 'house-1',
        rule: 'missing-data',
        ts: T0,
        state: 'raised',
        severity: 'warning',
        message: 'missing-data at house-1: 2 open (raised: main/grid, site)',
        open: [
          { subject: 'main/grid', since: T0 - 600, message: 'm main/grid' },
          { subject: 'site', since: T0 - 100, message: 'm site' },
        ],
      },
    ]);
    expect(validateAlert(first[0]).ok).toBe(true);
    expect(book.openCount()).toBe(2);
    expect(book.openCount('house-1')).toBe(2);
    expect(book.openCount('house-2')).toBe(0);

    // same subjects, even with a different since/message: no message
    expect(book.update(MD, open({ 'house-1': { 'main/grid': T0 + 50, site: T0 + 50 } }, 'other'), T0 + 200)).toEqual(
      [],
    );
    expect(book.update(MD, open({ 'house-1': { site: T0, 'main/grid': T0 } }), T0 + 400)).toEqual([]);
  });

  it('keeps the original since of subjects that stay open when another one opens or clears', () => {
    const book = new AlertBook();
    book.update(MD, open({ 'house-1': { 'main/grid': T0 - 600 } }), T0);
    const added = book.update(MD, open({ 'house-1': { 'main/grid': T0 + 999, 'main/solar': T0 + 100 } }), T0 + 1000);
    expect(summary(added)).toEqual([
      {
        site: 'house-1',
        state: 'raised',
        open: [
          ['main/grid', T0 - 600],
          ['main/solar', T0 + 100],
        ],
      },
    ]);
    expect(added[0]?.message).toBe('missing-data at house-1: 2 open (raised: main/solar)');

    const cleared = book.update(MD, open({ 'house-1': { 'main/solar': T0 + 1500 } }), T0 + 2000);
    expect(summary(cleared)).toEqual([{ site: 'house-1', state: 'raised', open: [['main/solar', T0 + 100]] }]);
    expect(cleared[0]?.message).toBe('missing-data at house-1: 1 open (resolved: main/grid)');

    const swapped = book.update(MD, open({ 'house-1': { 'main/grid': T0 + 2500 } }), T0 + 3000);
    expect(swapped[0]?.message).toBe('missing-data at house-1: 1 open (raised: main/grid; resolved: main/solar)');
    expect(summary(swapped)).toEqual([{ site: 'house-1', state: 'raised', open: [['main/grid', T0 + 2500]] }]);
  });

  it('resolves with state resolved and an empty open list once, when a site has nothing open any more', () => {
    const book = new AlertBook();
    book.update(MD, open({ 'house-1': { 'main/grid': T0, site: T0 } }), T0);
    // the rule may leave a site with nothing open out of its answer
    const resolved = book.update(MD, open({}), T0 + 1000);
    expect(resolved).toEqual([
      {
        v: 1,
        site: 'house-1',
        rule: 'missing-data',
        ts: T0 + 1000,
        state: 'resolved',
        severity: 'warning',
        message: 'missing-data at house-1: 0 open (resolved: main/grid, site)',
        open: [],
      },
    ]);
    expect(validateAlert(resolved[0]).ok).toBe(true);
    expect(book.openCount()).toBe(0);
    expect(book.update(MD, open({}), T0 + 2000)).toEqual([]);
    expect(book.update(MD, open({ 'house-1': {} }), T0 + 3000)).toEqual([]);
  });

  it('returns exactly the sites that changed', () => {
    const book = new AlertBook();
    const both = book.update(MD, open({ 'house-1': { 'main/grid': T0 }, 'house-2': { site: T0 } }), T0);
    expect(summary(both)).toEqual([
      { site: 'house-1', state: 'raised', open: [['main/grid', T0]] },
      { site: 'house-2', state: 'raised', open: [['site', T0]] },
    ]);
    const one = book.update(
      MD,
      open({ 'house-1': { 'main/grid': T0 }, 'house-2': { site: T0, 'main/grid': T0 + 10 }, 'house-3': {} }),
      T0 + 100,
    );
    expect(summary(one)).toEqual([
      {
        site: 'house-2',
        state: 'raised',
        open: [
          ['site', T0],
          ['main/grid', T0 + 10],
        ],
      },
    ]);
    const other = book.update(MD, open({ 'house-2': { site: T0, 'main/grid': T0 + 10 } }), T0 + 200);
    expect(summary(other)).toEqual([{ site: 'house-1', state: 'resolved', open: [] }]);
  });

  it('keeps rules apart: one rule neither resolves nor repeats the alerts of another', () => {
    const book = new AlertBook();
    const other = fakeRule('overload', 'critical');
    const raised = book.update(other, open({ 'house-1': { 'main/grid': T0 } }), T0);
    expect(raised.map((a) => [a.site, a.rule, a.state, a.severity])).toEqual([
      ['house-1', 'overload', 'raised', 'critical'],
    ]);
    expect(book.update(MD, open({}), T0 + 1)).toEqual([]);
    expect(summary(book.update(MD, open({ 'house-1': { 'main/grid': T0 } }), T0 + 2))).toEqual([
      { site: 'house-1', state: 'raised', open: [['main/grid', T0]] },
    ]);
    expect(book.update(other, open({ 'house-1': { 'main/grid': T0 } }), T0 + 3)).toEqual([]);
    expect(book.openCount('house-1')).toBe(2);
  });
});

describe('AlertBook.restore', () => {
  const retained = (site: string, openSubjects: Alert['open']): Alert => ({
    v: 1,
    site,
    rule: 'missing-data',
    ts: T0,
    state: openSubjects.length > 0 ? 'raised' : 'resolved',
    severity: 'warning',
    message: 'retained',
    open: openSubjects,
  });

  it('takes back retained alerts so the same open set is not raised again', () => {
    const book = new AlertBook();
    book.restore(
      retained('house-1', [
        { subject: 'main/grid', since: T0 - 5000, message: 'no reading' },
        { subject: 'site', since: T0 - 4000, message: 'agent offline', value: 3 },
      ]),
    );
    book.restore(retained('house-2', []));
    expect(book.openCount()).toBe(2);
    expect(book.update(MD, open({ 'house-1': { site: T0 + 10, 'main/grid': T0 + 10 } }), T0 + 100)).toEqual([]);
    expect(book.update(MD, open({ 'house-1': { site: T0 + 10, 'main/grid': T0 + 10 } }), T0 + 200)).toEqual([]);

    // the restored since and value survive the next change
    const next = book.update(
      MD,
      open({ 'house-1': { site: T0 + 10, 'main/grid': T0 + 10, 'main/solar': T0 + 250 } }),
      T0 + 300,
    );
    expect(next).toHaveLength(1);
    expect(next[0]?.open).toEqual([
      { subject: 'site', since: T0 - 4000, message: 'agent offline', value: 3 },
      { subject: 'main/grid', since: T0 - 5000, message: 'no reading' },
      { subject: 'main/solar', since: T0 + 250, message: 'm main/solar' },
    ]);
  });

  it('resolves a restored alert whose subjects are no longer open, and only that one', () => {
    const book = new AlertBook();
    book.restore(retained('house-1', [{ subject: 'main/grid', since: T0 - 5000, message: 'no reading' }]));
    book.restore(retained('house-2', [{ subject: 'site', since: T0 - 5000, message: 'agent offline' }]));
    const changes = book.update(MD, open({ 'house-2': { site: T0 } }), T0 + 100);
    expect(summary(changes)).toEqual([{ site: 'house-1', state: 'resolved', open: [] }]);
    expect(changes[0]?.message).toBe('missing-data at house-1: 0 open (resolved: main/grid)');
  });

  it('restoring a resolved alert publishes nothing while nothing is open', () => {
    const book = new AlertBook();
    book.restore(retained('house-1', []));
    expect(book.update(MD, open({}), T0)).toEqual([]);
    expect(book.openCount()).toBe(0);
  });
});

describe('AlertBook: a site with thousands of open subjects', () => {
  it('lists the first 100 of thousands of open subjects with open_total, keeps them all, and stays small', () => {
    const book = new AlertBook();
    const silent = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`m${i % 32}/c-${i}`, T0 - i]));
    const [raised] = book.update(MD, open({ 'house-1': silent }), T0);
    expect(raised?.open).toHaveLength(ALERT_MAX_OPEN_SUBJECTS);
    expect(raised?.open[0]).toEqual({ subject: 'm0/c-0', since: T0, message: 'm m0/c-0' });
    expect(raised?.open_total).toBe(8000);
    expect(raised?.message).toBe(
      'missing-data at house-1: 8000 open (raised: m0/c-0, m1/c-1, m2/c-2, m3/c-3, m4/c-4, m5/c-5, m6/c-6, m7/c-7, m8/c-8, m9/c-9 and 7990 more)',
    );
    expect(validateAlert(raised).ok).toBe(true);
    expect(JSON.stringify(raised).length).toBeLessThan(10_000);
    expect(book.openCount('house-1')).toBe(8000);

    // One more opens: the book still compares all of them. Back under the bound: no open_total.
    const [more] = book.update(MD, open({ 'house-1': { ...silent, 'm0/late': T0 } }), T0 + 1);
    expect(more?.open_total).toBe(8001);
    expect(more?.message).toBe('missing-data at house-1: 8001 open (raised: m0/late)');
    const few = Object.fromEntries(Object.entries(silent).slice(0, 3));
    const [fewer] = book.update(MD, open({ 'house-1': few }), T0 + 2);
    expect(fewer?.open.map((o) => o.subject)).toEqual(['m0/c-0', 'm1/c-1', 'm2/c-2']);
    expect(fewer).not.toHaveProperty('open_total');
    expect(validateAlert(fewer).ok).toBe(true);
  });
});
