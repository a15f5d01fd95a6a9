import { describe, expect, it } from 'vitest';
import { parseAcl, READ, WRITE } from './acl-file.js';
import { ClientAcl, type Identity } from './client-acl.js';
import { compileFilter, filterCovers, filtersOverlap, isValidFilter, topicMatches } from './topic-match.js';

describe('topicMatches', () => {
  it.each([
    ['wattbus/v1/#', 'wattbus/v1/house-12/main/reading', true],
    ['wattbus/v1/#', 'wattbus/v1', true], // '#' also matches the parent level
    ['wattbus/v1/#', 'wattbus/v2/x', false],
    ['wattbus/v1/+/status', 'wattbus/v1/house-12/status', true],
    ['wattbus/v1/+/status', 'wattbus/v1//status', true], // '+' matches an empty level
    ['wattbus/v1/+/status', 'wattbus/v1/a/b/status', false],
    ['wattbus/v1/+', 'wattbus/v1', false],
    ['a/b', 'a/b/c', false],
    ['a/b', 'a/bc', false],
    ['#', '$SYS/broker/uptime', false], // '$' topics only match '$' filters
    ['+/broker/uptime', '$SYS/broker/uptime', false],
    ['$SYS/#', '$SYS/broker/uptime', true],
    ['#', 'anything/at/all', true],
  ])('%s vs %s: %s', (filter, topic, expected) => {
    expect(topicMatches(compileFilter(filter), topic)).toBe(expected);
  });

  it('validates filters like mosquitto_sub_topic_check', () => {
    expect(['#', 'a/+/b', 'a/#', '+', '/a//b/'].map(isValidFilter)).toEqual([true, true, true, true, true]);
    expect(['a/#/b', 'a/b#', 'a+/b', '', 'a/\0'].map(isValidFilter)).toEqual([false, false, false, false, false]);
  });
});

describe('filters against filters', () => {
  it.each([
    ['wattbus/v1/#', 'wattbus/v1/+/+/reading', true, true],
    ['wattbus/v1/house-12/#', 'wattbus/v1/+/+/reading', true, false],
    ['wattbus/v1/house-14/#', 'wattbus/v1/house-12/#', false, false],
    ['wattbus/v1/+/status', 'wattbus/v1/house-12/status', true, true],
    ['wattbus/v1/house-12/status', 'wattbus/v1/+/status', true, false],
    ['a/#', 'a', true, true], // '#' also matches the parent level
    ['a/+', 'a', false, false],
    ['a/b', 'a/b/c', false, false],
    ['#', '$SYS/#', false, false], // '$' topics only match '$' filters
    ['+/+/+/+/+', 'wattbus/v1/#', true, false],
  ])('%s and %s: overlap %s, the first covers the second %s', (a, b, overlap, covers) => {
    expect(filtersOverlap(compileFilter(a), compileFilter(b))).toBe(overlap);
    expect(filtersOverlap(compileFilter(b), compileFilter(a))).toBe(overlap);
    expect(filterCovers(compileFilter(a), compileFilter(b))).toBe(covers);
  });
});

const acl = (text: string) => parseAcl(text, 'acl');
const allows = (text: string, who: Identity, access: number, topic: string) =>
  ClientAcl.compile(acl(text), who).allows(access, topic);
const user = (username: string | undefined, clientId = 'c1'): Identity => ({ username, clientId });

describe('ACL semantics (mosquitto 2.0)', () => {
  it('gives topic lines before any "user" line to anonymous clients only', () => {
    const text = 'topic read public/#\nuser bob\ntopic readwrite bob/#';
    expect(allows(text, user(undefined), READ, 'public/x')).toBe(true);
    expect(allows(text, user(undefined), WRITE, 'public/x')).toBe(false);
    expect(allows(text, user('bob'), READ, 'public/x')).toBe(false);
    expect(allows(text, user('bob'), WRITE, 'bob/x')).toBe(true);
    expect(allows(text, user('eve'), READ, 'bob/x')).toBe(false);
  });

  it('applies patterns to every client, %u patterns only to clients with a username', () => {
    const text = 'user bob\ntopic read x\npattern write sensors/%u/#\npattern read clients/%c';
    expect(allows(text, user('bob'), WRITE, 'sensors/bob/t')).toBe(true);
    expect(allows(text, user('eve'), WRITE, 'sensors/eve/t')).toBe(true);
    expect(allows(text, user('eve'), WRITE, 'sensors/bob/t')).toBe(false);
    expect(allows(text, user(undefined, 'anon-1'), READ, 'clients/anon-1')).toBe(true);
    expect(allows(text, user(undefined), WRITE, 'sensors//t')).toBe(false);
  });

  it('lets a deny win over the grants of its own list, wherever it is written', () => {
    const text = 'user bob\ntopic read a/#\ntopic deny a/secret/#\ntopic readwrite a/secret/x';
    expect(allows(text, user('bob'), READ, 'a/public')).toBe(true);
    expect(allows(text, user('bob'), READ, 'a/secret/x')).toBe(false);
  });

  it("checks the client's own list before the patterns, so a pattern deny does not override it", () => {
    const text = 'pattern deny alerts/#\npattern write %u/#\nuser alerter\ntopic write alerts/#';
    expect(allows(text, user('alerter'), WRITE, 'alerts/x')).toBe(true);
    expect(allows(text, user('alerts'), WRITE, 'alerts/x')).toBe(false);
    expect(allows(text, user('bob'), WRITE, 'bob/x')).toBe(true);
  });

  it('refuses every pattern grant to a username or client id with + or #', () => {
    const text = 'pattern readwrite %u/#\npattern read %c/#\nuser a+b\ntopic read own';
    expect(allows(text, user('a+b'), READ, 'a+b/x')).toBe(false);
    expect(allows(text, user('a+b'), READ, 'own')).toBe(true); // its own list still applies
    expect(allows(text, user('bob', 'c#'), READ, 'bob/x')).toBe(false);
  });

  it('denies everything when the file has no rule for the client, even if it is empty', () => {
    expect(allows('', user('bob'), READ, 'x')).toBe(false);
    expect(allows('# only a comment\n', user(undefined), WRITE, 'x')).toBe(false);
  });

  it('takes "topic <t>" as readwrite, and topics may contain spaces after an access type', () => {
    const text = 'user bob\ntopic a/b\ntopic read with space/x';
    expect(allows(text, user('bob'), WRITE, 'a/b')).toBe(true);
    expect(allows(text, user('bob'), READ, 'with space/x')).toBe(true);
  });
});

describe('what a filter may bring (shared subscriptions)', () => {
  const text = [
    'pattern write wattbus/v1/%u/+/reading',
    'user sink-worker',
    'topic read wattbus/v1/#',
    'topic deny wattbus/v1/sink-worker/#',
    'user dash-lena',
    'topic read wattbus/v1/house-14/#',
  ].join('\n');
  const may = (username: string, filter: string) => ClientAcl.compile(acl(text), user(username)).mayReadSome(filter);

  it('allows a filter of which some topics are readable, refuses one of which none is', () => {
    expect(may('sink-worker', 'wattbus/v1/+/+/reading')).toBe(true);
    expect(may('dash-lena', 'wattbus/v1/+/+/reading')).toBe(true);
    expect(may('dash-lena', 'wattbus/v1/house-12/#')).toBe(false);
    expect(may('house-12', 'wattbus/v1/house-12/#')).toBe(false); // agents write, and read nothing
  });

  it('refuses a filter a deny covers entirely', () => {
    expect(may('sink-worker', 'wattbus/v1/sink-worker/#')).toBe(false);
    expect(may('sink-worker', 'wattbus/v1/sink-worker/+/reading')).toBe(false);
  });
});
