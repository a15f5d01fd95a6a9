import { readFile } from 'node:fs/promises';
import { AuthFileError } from './auth-file-error.js';
import { isValidFilter } from './topic-match.js';

export const READ = 1;
export const WRITE = 2;
/** `deny` grants nothing and overrides the grants of its own list. */
export const DENY = 0;

export interface AclEntry {
  filter: string;
  access: number;
}

/** A Mosquitto ACL file, grouped the way mosquitto 2.0 applies it. */
export interface AclFile {
  /** `topic` lines before the first `user` line: they apply to clients without a username. */
  anonymous: AclEntry[];
  users: Map<string, AclEntry[]>;
  /** `pattern` lines, wherever they are: they apply to every client, after its own list. */
  patterns: AclEntry[];
}

const ACCESS: Record<string, number> = { read: READ, write: WRITE, readwrite: READ | WRITE, deny: DENY };

/** Splits off the first space-separated token (mosquitto tokenizes on spaces only, not tabs). */
function nextToken(text: string): [string, string] {
  const start = text.replace(/^ +/, '');
  const space = start.indexOf(' ');
  return space === -1 ? [start, ''] : [start.slice(0, space), start.slice(space + 1).trim()];
}

/**
 * Parses an ACL file with mosquitto 2.0's rules, so a file one broker accepts the other accepts too, and a
 * file mosquitto refuses (unknown keyword, bad access type, invalid topic) fails here, naming the line.
 */
export function parseAcl(text: string, file: string): AclFile {
  const acl: AclFile = { anonymous: [], users: new Map(), patterns: [] };
  let current = acl.anonymous;
  text.split('\n').forEach((raw, index) => {
    const fail = (reason: string): never => {
      throw new AuthFileError('acl', file, reason, index + 1);
    };
    const line = raw.replace(/\s+$/, '');
    if (line.startsWith('#')) return;
    const [keyword, rest] = nextToken(line);
    if (keyword === '') return;
    if (keyword === 'user') {
      if (rest === '') fail('missing username after "user"');
      current = acl.users.get(rest) ?? [];
      acl.users.set(rest, current);
      return;
    }
    if (keyword !== 'topic' && keyword !== 'pattern') fail(`invalid line "${line}"`);
    const [first, topicText] = nextToken(rest);
    if (first === '') fail(`empty topic after "${keyword}"`);
    const filter = topicText === '' ? first : topicText;
    const access = topicText === '' ? READ | WRITE : ACCESS[first];
    if (access === undefined) fail(`invalid access type "${first}" (read, write, readwrite or deny)`);
    if (!isValidFilter(filter)) fail(`invalid topic "${filter}"`);
    (keyword === 'topic' ? current : acl.patterns).push({ filter, access: access as number });
  });
  return acl;
}

export async function loadAcl(path: string): Promise<AclFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AuthFileError('acl', path, (err as Error).message, undefined, { cause: err });
  }
  return parseAcl(text, path);
}
