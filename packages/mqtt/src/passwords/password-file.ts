import { readFile } from 'node:fs/promises';
import { AuthFileError } from '../acl/auth-file-error.js';
import { type PasswordHash, parsePasswordHash } from './password-hash.js';

/** An entry mosquitto would skip too; the other users still work. */
export interface PasswordFileProblem {
  line: number;
  user?: string;
  reason: string;
}

export interface PasswordTable {
  users: ReadonlyMap<string, PasswordHash>;
  problems: readonly PasswordFileProblem[];
}

interface Line {
  user: string;
  hash: string | undefined;
}

/** `user:hash[:ignored]`, trimmed, as mosquitto 2.0 splits it; undefined for comments and lines without ':'. */
function splitLine(text: string): Line | undefined {
  if (text.startsWith('#') || !text.includes(':')) return undefined;
  const [user = '', hash] = text.split(':');
  return { user: user.trim(), hash: hash?.trim() || undefined };
}

/**
 * Parses a Mosquitto password file. Like mosquitto 2.0, an entry with a bad hash is skipped (and reported)
 * rather than failing the whole file, and when a user appears twice the last entry wins.
 */
export function parsePasswordFile(text: string): PasswordTable {
  const users = new Map<string, PasswordHash>();
  const problems: PasswordFileProblem[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = index + 1;
    const entry = splitLine(raw);
    if (!entry) continue;
    const { user, hash } = entry;
    if (user === '') {
      problems.push({ line, reason: 'empty username' });
    } else if (hash === undefined) {
      problems.push({ line, user, reason: 'missing password hash' });
    } else {
      try {
        const parsed = parsePasswordHash(hash);
        if (users.has(user)) problems.push({ line, user, reason: 'duplicate user: this later entry wins' });
        users.set(user, parsed);
      } catch (err) {
        problems.push({ line, user, reason: (err as Error).message });
      }
    }
  }
  return { users, problems };
}

export async function loadPasswordFile(path: string): Promise<PasswordTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthFileError('password', path, (err as Error).message, undefined, { cause: err });
  }
  return parsePasswordFile(text);
}

/** The file text with `user`'s entry replaced (every line of it) or appended; other lines are kept as they are. */
export function setPasswordLine(text: string, user: string, hashText: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const entry = `${user}:${hashText}`;
  let replaced = false;
  const out = lines.flatMap((line) => {
    if (splitLine(line)?.user !== user) return [line];
    if (replaced) return [];
    replaced = true;
    return [entry];
  });
  if (!replaced) out.push(entry);
  return `${out.join('\n')}\n`;
}
