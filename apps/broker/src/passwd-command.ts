import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { RESERVED_SITE_IDS } from '@wattbus/contract';
import { DEFAULT_ITERATIONS, formatPasswordHash, hashPassword, setPasswordLine } from '@wattbus/mqtt/passwords';
import { PasswdUsageError } from './errors.js';

export const PASSWD_USAGE = `Usage: wattbus-broker passwd <password-file> <username> [--password-stdin] [--iterations <n>]

Adds <username> to a Mosquitto password file, or sets its password; creates the file if needed.
The hash is PBKDF2-SHA512 ($7$), which mosquitto 2.0 reads too. Send SIGHUP to the broker afterwards.

  --password-stdin     read the password from the first line of stdin (the default when stdin is not a terminal)
  --iterations <n>     PBKDF2 iterations (default ${DEFAULT_ITERATIONS}, as mosquitto_passwd)
`;

export interface PasswdIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Names that would be unsafe in the wattbus ACL, where an agent's username is its site id (`%u`). */
export function usernameProblem(user: string): string | undefined {
  if (user === '') return 'the username is empty';
  if (/[:\s]/.test(user) || /\p{Cc}/u.test(user)) return 'a username cannot contain ":", spaces or control characters';
  if (/[+#/]/.test(user)) return 'a username cannot contain "+", "#" or "/": the ACL patterns put it in topics';
  if ((RESERVED_SITE_IDS as readonly string[]).includes(user)) {
    return `"${user}" is a reserved site id: as an agent it would publish under wattbus/v1/${user}/`;
  }
  return undefined;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** Reads a line from the terminal on stdin without echoing it. */
function readHidden(question: string, io: PasswdIo): Promise<string> {
  const { stdin } = io;
  return new Promise((resolvePassword, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          finish();
          return resolvePassword(value);
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          return reject(new PasswdUsageError('aborted'));
        }
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    // On stderr, like sudo and ssh: stdout may be redirected while the user types at the terminal.
    io.stderr.write(question);
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function readPassword(fromStdin: boolean, io: PasswdIo): Promise<string> {
  if (fromStdin || !io.stdin.isTTY) return (await readAll(io.stdin)).split(/\r?\n/)[0] ?? '';
  const first = await readHidden('Password: ', io);
  const again = await readHidden('Reenter password: ', io);
  if (first !== again) throw new PasswdUsageError('the passwords do not match');
  return first;
}

/** Replaces the file in one step (write a sibling, then rename), keeping the mode of the old one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const mode = await stat(path).then(
    (s) => s.mode & 0o777,
    () => 0o600,
  );
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  await writeFile(temp, text, { mode, flush: true });
  await rename(temp, path);
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { 'password-stdin': { type: 'boolean' }, iterations: { type: 'string' }, help: { type: 'boolean' } },
      allowPositionals: true,
    });
  } catch (err) {
    throw new PasswdUsageError((err as Error).message);
  }
}

/** `wattbus-broker passwd ...`; returns the exit code (2 for usage errors). */
export async function runPasswd(argv: string[], io: PasswdIo): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help) {
      io.stdout.write(PASSWD_USAGE);
      return 0;
    }
    const [file, user, ...extra] = positionals;
    if (file === undefined || user === undefined || extra.length > 0) {
      throw new PasswdUsageError('expected exactly <password-file> <username>');
    }
    const problem = usernameProblem(user);
    if (problem) throw new PasswdUsageError(problem);
    const iterations = values.iterations === undefined ? DEFAULT_ITERATIONS : Number(values.iterations);
    if (!Number.isInteger(iterations) || iterations < 1) {
      throw new PasswdUsageError(`--iterations must be a positive integer, got "${values.iterations}"`);
    }
    const password = await readPassword(values['password-stdin'] === true, io);
    if (password === '') throw new PasswdUsageError('the password is empty');

    const path = resolve(file);
    const old = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const hash = formatPasswordHash(await hashPassword(password, iterations));
    await writeAtomically(path, setPasswordLine(old, user, hash));
    io.stdout.write(`${path}: password set for ${user}\n`);
    return 0;
  } catch (err) {
    if (err instanceof PasswdUsageError) {
      io.stderr.write(`wattbus-broker passwd: ${err.message}\n\n${PASSWD_USAGE}`);
      return 2;
    }
    io.stderr.write(`wattbus-broker passwd: ${(err as Error).message}\n`);
    return 1;
  }
}
