import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from '@wattbus/testkit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Rights } from './rights.js';

const log = pino({ level: 'silent' });
const GROUPS = [
  { id: 'tilleuls', caption: 'Rue des Tilleuls', sites: ['house-12', 'house-13'] },
  { id: 'lena', caption: "Lena's", sites: ['house-14'] },
  { id: 'coop', caption: 'Cooperative', sites: ['house-12', 'house-14'] },
];

describe('rights from the deployed ACL (deploy/mosquitto/acl)', () => {
  const rights = new Rights(join(REPO_ROOT, 'deploy/mosquitto/acl'), GROUPS, log);

  it('gives a household its own sites, in groups trimmed to them', async () => {
    expect(await rights.groupsOf('dash-martin')).toEqual([
      { id: 'tilleuls', caption: 'Rue des Tilleuls', sites: ['house-12', 'house-13'] },
      { id: 'coop', caption: 'Cooperative', sites: ['house-12'] },
    ]);
    expect([...(await rights.sitesOf('dash-lena'))]).toEqual(['house-14']);
  });

  it('gives agents (write-only) and unknown users nothing, and services that read everything all', async () => {
    for (const user of ['house-12', 'nobody', 'alerts', 'dash-martin+']) {
      expect(await rights.groupsOf(user), user).toEqual([]);
    }
    expect((await rights.sitesOf('sink-worker')).size).toBe(3);
  });
});

describe('ACL changes', () => {
  it('are picked up without a restart; a broken edit keeps the previous rules', async () => {
    const dir = await tempDir('wattbus-portal-rights-');
    try {
      const file = join(dir.path, 'acl');
      await writeFile(file, 'user u\ntopic read wattbus/v1/house-12/#\n');
      const rights = new Rights(file, GROUPS, log);
      await rights.load();
      expect([...(await rights.sitesOf('u'))]).toEqual(['house-12']);
      await writeFile(file, 'user u\ntopic read wattbus/v1/house-14/+/reading\n# now house-14 only\n');
      expect([...(await rights.sitesOf('u'))]).toEqual(['house-14']);
      await writeFile(file, 'user u\ntopic rw wattbus/v1/#\n');
      expect([...(await rights.sitesOf('u'))]).toEqual(['house-14']);
    } finally {
      await dir.cleanup();
    }
  });
});
