import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { type MosquittoHandle, makePtyPair, startMosquitto, type TempDir, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runPasswd } from '../src/passwd-command.js';
import { runBrokerCli, spawnBrokerCli } from './helpers/cli.js';

let tmp: TempDir;
let broker: MosquittoHandle | undefined;
beforeEach(async () => {
  tmp = await tempDir('wattbus-passwd-cli-');
});
afterEach(async () => {
  await broker?.stop();
  broker = undefined;
  await tmp.cleanup();
});

async function connectCode(url: string, username: string, password: string): Promise<number | string> {
  const client = mqtt.connect(url, { username, password, reconnectPeriod: 0, connectTimeout: 5_000 });
  client.on('error', () => {});
  const result = await new Promise<number | string>((resolve) => {
    client.once('connect', () => resolve('connected'));
    client.once('error', (err: Error & { code?: number }) => resolve(err.code ?? err.message));
  });
  await client.endAsync(true);
  return result;
}

describe('wattbus-broker passwd', () => {
  it('adds and updates users with hashes the real mosquitto accepts', async () => {
    const file = join(tmp.path, 'passwd');
    const added = await runBrokerCli(['passwd', file, 'house-12'], 'first-pw\n');
    expect(added).toMatchObject({ code: 0, stdout: `${file}: password set for house-12\n` });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await runBrokerCli(['passwd', file, 'sink-worker', '--iterations', '5000'], 'sink-pw')).code).toBe(0);
    expect((await runBrokerCli(['passwd', '--password-stdin', file, 'house-12'], 'second-pw\r\nignored\n')).code).toBe(
      0,
    );

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => l.replace(/\$[^$]*\$[^$]*$/, '$<salt>$<hash>'))).toEqual([
      'house-12:$7$101$<salt>$<hash>',
      'sink-worker:$7$5000$<salt>$<hash>',
    ]);

    broker = await startMosquitto({ extraConfig: `allow_anonymous false\npassword_file ${file}` });
    expect(await connectCode(broker.url, 'house-12', 'second-pw')).toBe('connected');
    expect(await connectCode(broker.url, 'house-12', 'first-pw')).toBe(5);
    expect(await connectCode(broker.url, 'sink-worker', 'sink-pw')).toBe('connected');
  });

  it('prompts twice on the terminal and reads what is typed there', async () => {
    const file = join(tmp.path, 'passwd');
    const pty = await makePtyPair();
    const terminal = await open(pty.b, 'r+');
    const screen = createReadStream(pty.a);
    const keyboard = createWriteStream(pty.a);
    let shown = '';
    screen.on('data', (d) => {
      shown += String(d);
    });
    screen.on('error', () => {}); // EIO once socat goes away
    try {
      const { result } = spawnBrokerCli(['passwd', file, 'dash-lena'], terminal.fd);
      await waitFor(() => shown.includes('Password: '), { what: 'the first prompt' });
      keyboard.write('typed-pw\r');
      await waitFor(() => shown.includes('Reenter password: '), { what: 'the second prompt' });
      keyboard.write('typed-pw\r');
      expect(await result).toMatchObject({ code: 0, stdout: `${file}: password set for dash-lena\n` });
      expect(shown).toBe('Password: \nReenter password: \n');
    } finally {
      screen.destroy();
      keyboard.destroy();
      await terminal.close();
      await pty.stop();
    }
    broker = await startMosquitto({ extraConfig: `allow_anonymous false\npassword_file ${file}` });
    expect(await connectCode(broker.url, 'dash-lena', 'typed-pw')).toBe('connected');
  });

  it('refuses a reserved site id as a username, with exit code 2 and the usage', async () => {
    const file = join(tmp.path, 'passwd');
    const result = await runBrokerCli(['passwd', file, 'dlq'], 'pw\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^wattbus-broker passwd: "dlq" is a reserved site id/);
    expect(result.stderr).toContain('Usage: wattbus-broker passwd');
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [['alerts'], 'pw', /"alerts" is a reserved site id/],
    [['a/b'], 'pw', /cannot contain "\+", "#" or "\/"/],
    [['bad:name'], 'pw', /cannot contain ":", spaces or control characters/],
    [['house-12'], '\n', /the password is empty/],
    [[], 'pw', /expected exactly <password-file> <username>/],
    [['house-12', '--iterations', 'many'], 'pw', /--iterations must be a positive integer, got "many"/],
  ])('refuses %j (exit code 2)', async (args, stdin, message) => {
    const file = join(tmp.path, 'passwd');
    let stderr = '';
    const io = {
      stdin: Object.assign(Readable.from([stdin]), { isTTY: false }) as unknown as NodeJS.ReadStream,
      stdout: new PassThrough(),
      stderr: new Writable({
        write(chunk, _encoding, done) {
          stderr += chunk;
          done();
        },
      }),
    };
    expect(await runPasswd([...(args.length > 0 ? [file] : []), ...args], io)).toBe(2);
    expect(stderr).toMatch(message);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
