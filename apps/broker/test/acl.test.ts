import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary, tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { parseAcl, READ, WRITE } from '../src/auth/acl-file.js';
import { ClientAcl, type Identity } from '../src/auth/client-acl.js';
import { compileFilter, isValidFilter, topicMatches } from '../src/auth/topic-match.js';
import { AuthFileError } from '../src/errors.js';
import { DEPLOY_ACL } from './helpers/fixture.js';

const run = promisify(execFile);

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

describe('the deployed ACL (deploy/mosquitto/acl)', () => {
  const deployed = parseAcl(readFileSync(DEPLOY_ACL, 'utf8'), DEPLOY_ACL);
  const can = (username: string, access: number, topic: string) =>
    ClientAcl.compile(deployed, { username, clientId: `c-${username}` }).allows(access, topic);

  it.each([
    ['house-12', WRITE, 'wattbus/v1/house-12/main/reading', true],
    ['house-12', WRITE, 'wattbus/v1/house-12/status', true],
    ['house-12', WRITE, 'wattbus/v1/house-12/info', true],
    ['house-12', WRITE, 'wattbus/v1/house-12/health', true],
    ['house-12', WRITE, 'wattbus/v1/house-13/main/reading', false],
    ['house-12', WRITE, 'wattbus/v1/alerts/house-12/missing-data', false],
    ['house-12', WRITE, 'wattbus/v1/dlq/house-12', false],
    ['house-12', WRITE, 'wattbus/v1/house-12/main/other', false],
    ['house-12', READ, 'wattbus/v1/house-12/status', false],
    ['alerts', WRITE, 'wattbus/v1/alerts/house-12/reading', false],
    ['alerts', WRITE, 'wattbus/v1/alerts/status', false],
    ['dlq', WRITE, 'wattbus/v1/dlq/status', false],
    ['sink-worker', READ, 'wattbus/v1/house-12/main/reading', true],
    ['sink-worker', WRITE, 'wattbus/v1/dlq/sink-worker', true],
    ['sink-worker', WRITE, 'wattbus/v1/sink-worker/status', false],
    ['sink-worker', WRITE, 'wattbus/v1/house-12/main/reading', false],
    ['alerter', WRITE, 'wattbus/v1/alerts/house-12/missing-data', true],
    ['alerter', READ, 'wattbus/v1/alerts/house-12/missing-data', true],
    ['alerter', WRITE, 'wattbus/v1/alerter/status', false],
    ['dash-martin', READ, 'wattbus/v1/house-12/main/reading', true],
    ['dash-martin', READ, 'wattbus/v1/alerts/house-13/missing-data', true],
    ['dash-martin', READ, 'wattbus/v1/house-14/main/reading', false],
    ['dash-martin', READ, 'wattbus/v1/dlq/sink-worker', false],
    ['dash-martin', WRITE, 'wattbus/v1/dash-martin/status', false],
    ['dash-lena', READ, 'wattbus/v1/house-14/info', true],
    ['dash-lena', READ, 'wattbus/v1/alerts/house-12/missing-data', false],
  ])('%s %s %s: %s', (username, access, topic, expected) => {
    expect(can(username, access, topic)).toBe(expected);
  });
});

describe('ACL files: what mosquitto refuses is refused here too, naming the line', () => {
  const invalid: Array<[string, RegExp]> = [
    ['user bob\ntopic rw bob/#\n', /line 2: invalid access type "rw"/],
    ['user bob\ntopic read a/#/b\n', /line 2: invalid topic "a\/#\/b"/],
    ['# ok\nusers bob\n', /line 2: invalid line "users bob"/],
    ['topic\n', /line 1: empty topic after "topic"/],
    ['user\n', /line 1: missing username after "user"/],
    ['  # indented comment\n', /line 1: invalid line/],
  ];

  it.each(invalid)('%j', (text, message) => {
    expect(() => acl(text)).toThrow(AuthFileError);
    expect(() => acl(text)).toThrow(message);
  });

  it('agrees with the real mosquitto on each of them, and on the deployed file', async () => {
    const mosquitto = requireBinary('mosquitto');
    const tmp = await tempDir('wattbus-acl-');
    // A port in use: mosquitto loads the ACL, then stops at the listener, so it never keeps running.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const loadsAcl = async (aclText: string | undefined) => {
      const aclFile = join(tmp.path, 'acl');
      if (aclText !== undefined) await writeFile(aclFile, aclText);
      const conf = join(tmp.path, 'test.conf');
      await writeFile(conf, `listener ${port} 127.0.0.1\nacl_file ${aclText === undefined ? DEPLOY_ACL : aclFile}\n`);
      const { stderr } = await run(mosquitto, ['-c', conf]).catch((e: { stderr: string }) => e);
      expect(stderr).toMatch(/Error opening acl file|Address already in use/);
      return !/Error opening acl file/.test(stderr);
    };
    try {
      expect(await loadsAcl(undefined)).toBe(true);
      for (const [text] of invalid) expect(await loadsAcl(text), text).toBe(false);
    } finally {
      taken.close();
      await tmp.cleanup();
    }
  });
});
