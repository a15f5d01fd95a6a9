import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireBinary, tempDir } from '@wattbus/testkit';
import { describe, expect, it } from 'vitest';
import { parsePasswordFile, setPasswordLine } from './password-file.js';
import {
  formatPasswordHash,
  hashPassword,
  type PasswordHash,
  parsePasswordHash,
  verifyPassword,
} from './password-hash.js';

const run = promisify(execFile);

/** Entries written by the real mosquitto_passwd, for `password`, with each hash algorithm it offers. */
async function mosquittoPasswd(password: string): Promise<Map<string, PasswordHash>> {
  const tmp = await tempDir('wattbus-passwd-');
  try {
    const file = join(tmp.path, 'passwd');
    const bin = requireBinary('mosquitto_passwd');
    await run(bin, ['-c', '-b', file, 'pbkdf2-user', password]);
    await run(bin, ['-H', 'sha512', '-b', file, 'sha512-user', password]);
    const table = parsePasswordFile(await readFile(file, 'utf8'));
    expect(table.problems).toEqual([]);
    return new Map(table.users);
  } finally {
    await tmp.cleanup();
  }
}

describe('password hashes', () => {
  it('verifies the hashes mosquitto_passwd writes ($7$ PBKDF2-SHA512 and $6$ SHA512)', async () => {
    const users = await mosquittoPasswd('s3cret: with spaces');
    const pbkdf2 = users.get('pbkdf2-user') as PasswordHash;
    const sha512 = users.get('sha512-user') as PasswordHash;
    expect(pbkdf2).toMatchObject({ type: 'pbkdf2-sha512', iterations: 101 });
    expect(sha512).toMatchObject({ type: 'sha512' });
    for (const hash of [pbkdf2, sha512]) {
      expect(await verifyPassword(Buffer.from('s3cret: with spaces'), hash)).toBe(true);
      expect(await verifyPassword(Buffer.from('s3cret: with space'), hash)).toBe(false);
    }
  });

  it('writes hashes in the same format, and reads them back', async () => {
    const hash = await hashPassword('pw', 2000);
    const text = formatPasswordHash(hash);
    expect(text).toMatch(/^\$7\$2000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(parsePasswordHash(text)).toEqual(hash);
    expect(await verifyPassword(Buffer.from('pw'), parsePasswordHash(text))).toBe(true);
  });

  it.each([
    ['plain-text', /not a mosquitto hash/],
    ['$7$101$c2hvcnQ=$AAAA', /salt must be 12 bytes, got 5/],
    [`$7$0$AAAAAAAAAAAAAAAA$${'A'.repeat(86)}==`, /iterations must be a positive integer/],
    ['$6$AAAAAAAAAAAAAAAA$AAAA', /hash must be 64 bytes, got 3/],
  ])('refuses %s', (text, message) => {
    expect(() => parsePasswordHash(text)).toThrow(message);
  });
});

describe('password files', () => {
  it('skips what mosquitto skips, reports it, and lets a repeated user’s last entry win', async () => {
    const a = formatPasswordHash(await hashPassword('a'));
    const b = formatPasswordHash(await hashPassword('b'));
    const table = parsePasswordFile(
      ['# comment', 'no colon here', `alice:${a}`, 'bob:', ':nobody', `carol:$7$bad`, `alice:${b}`, ''].join('\n'),
    );
    expect([...table.users.keys()]).toEqual(['alice']);
    expect(await verifyPassword(Buffer.from('b'), table.users.get('alice') as PasswordHash)).toBe(true);
    expect(table.problems.map(({ line, user }) => [line, user])).toEqual([
      [4, 'bob'],
      [5, undefined],
      [6, 'carol'],
      [7, 'alice'],
    ]);
  });

  it('replaces a user’s line or appends one, keeping the other lines', () => {
    const text = 'alice:$7$old\nbob:$7$bob\n';
    expect(setPasswordLine(text, 'alice', '$7$new')).toBe('alice:$7$new\nbob:$7$bob\n');
    expect(setPasswordLine(text, 'carol', '$7$c')).toBe('alice:$7$old\nbob:$7$bob\ncarol:$7$c\n');
    expect(setPasswordLine('', 'carol', '$7$c')).toBe('carol:$7$c\n');
    expect(setPasswordLine('alice:1\nalice:2', 'alice', '$7$n')).toBe('alice:$7$n\n');
  });
});
