import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { formatPasswordHash, hashPassword } from '@wattbus/mqtt/passwords';
import { makeTestPki, REPO_ROOT, requireBinary, type TestPki, tempDir } from '@wattbus/testkit';

const run = promisify(execFile);

/** The users of deploy/mosquitto/acl. */
export const USERS = [
  'house-12',
  'house-13',
  'house-14',
  'sink-worker',
  'alerter',
  'rollup',
  'insights',
  'dash-martin',
  'dash-lena',
] as const;
export type User = (typeof USERS)[number];

export const DEPLOY_ACL = join(REPO_ROOT, 'deploy/mosquitto/acl');

export interface Fixture {
  dir: string;
  pki: TestPki;
  passwordFile: string;
  passwords: Record<User, string>;
  cleanup(): Promise<void>;
}

/**
 * A temp dir with a throwaway PKI and a password file for the ACL's users, half of them hashed by the real
 * mosquitto_passwd and half by our code, so whichever broker reads it proves both directions.
 */
export async function makeFixture(): Promise<Fixture> {
  const tmp = await tempDir('wattbus-broker-suite-');
  const pki = await makeTestPki();
  const passwordFile = join(tmp.path, 'passwd');
  const passwords = Object.fromEntries(USERS.map((u) => [u, `pw-${u}-${Math.random().toString(36).slice(2)}`]));
  const ours = USERS.filter((_, i) => i % 2 === 1);
  const lines = await Promise.all(
    ours.map(async (u) => `${u}:${formatPasswordHash(await hashPassword(passwords[u] as string))}`),
  );
  // No comment lines: mosquitto_passwd 2.0.11 calls a file with comments corrupt (the brokers skip them).
  await writeFile(passwordFile, `${lines.join('\n')}\n`);
  const mosquittoPasswd = requireBinary('mosquitto_passwd');
  for (const u of USERS.filter((u) => !ours.includes(u))) {
    await run(mosquittoPasswd, ['-b', passwordFile, u, passwords[u] as string]);
  }
  return {
    dir: tmp.path,
    pki,
    passwordFile,
    passwords: passwords as Record<User, string>,
    cleanup: async () => {
      await pki.cleanup();
      await tmp.cleanup();
    },
  };
}
