import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEPLOY_ACL } from '@wattbus/broker-targets';
import { AuthFileError, ClientAcl, parseAcl, READ, WRITE } from '@wattbus/mqtt/acl';
import { requireBinary, tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const acl = (text: string) => parseAcl(text, 'acl');

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
    ['rollup', READ, 'wattbus/v1/house-12/main/reading', true],
    ['rollup', WRITE, 'wattbus/v1/house-12/rollup/15m', true],
    ['rollup', WRITE, 'wattbus/v1/dlq/rollup', true],
    ['rollup', WRITE, 'wattbus/v1/dlq/sink-worker', false],
    ['rollup', WRITE, 'wattbus/v1/house-12/main/reading', false],
    ['rollup', WRITE, 'wattbus/v1/rollup/main/reading', false],
    ['rollup', READ, 'wattbus/v1/house-12/status', false],
    ['rollup', READ, 'wattbus/v1/alerts/house-12/missing-data', false],
    ['insights', READ, 'wattbus/v1/house-12/rollup/1h', true],
    ['insights', READ, 'wattbus/v1/house-12/main/reading', true],
    ['insights', READ, 'wattbus/v1/house-12/info', true],
    ['insights', READ, 'wattbus/v1/house-12/status', false],
    ['insights', WRITE, 'wattbus/v1/house-12/forecast/voltage', true],
    ['insights', WRITE, 'wattbus/v1/house-12/insights/appliances', true],
    ['insights', WRITE, 'wattbus/v1/dlq/insights', true],
    ['insights', WRITE, 'wattbus/v1/house-12/rollup/1h', false],
    ['insights', WRITE, 'wattbus/v1/insights/status', false],
    ['insights', READ, 'wattbus/v1/dlq/rollup', false],
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
