import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEPLOY_ACL } from '@wattbus/broker-targets';
import { parseAcl } from '@wattbus/mqtt/acl';
import { type PasswordHash, parsePasswordFile, verifyPassword } from '@wattbus/mqtt/passwords';
import { REPO_ROOT } from '@wattbus/testkit';
import { expect, it } from 'vitest';

it('deploy/mosquitto/passwd.example has one valid entry per user of the deployed ACL', async () => {
  const table = parsePasswordFile(await readFile(join(REPO_ROOT, 'deploy/mosquitto/passwd.example'), 'utf8'));
  const acl = parseAcl(await readFile(DEPLOY_ACL, 'utf8'), DEPLOY_ACL);
  expect(table.problems).toEqual([]);
  const agents = ['house-12', 'house-13', 'house-14'];
  expect([...table.users.keys()].sort()).toEqual([...agents, ...acl.users.keys()].sort());
  for (const hash of table.users.values())
    expect(await verifyPassword(Buffer.from('example'), hash as PasswordHash)).toBe(true);
});
