#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { destination, pino } from 'pino';
import { listBackups, makeClient, readManifest } from './bucket.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';
import { fetchBackup } from './fetch.js';
import { uploadBackup } from './upload.js';

const USAGE = `usage: wattbus-offsite-backup <command>
  upload <backup-dir>              upload one local backup, then delete the oldest beyond OFFSITE_KEEP
  list                             complete backups in the bucket, oldest first (name, bytes, encrypted, created)
  fetch [--name NAME] --into DIR   download (the newest, or NAME), verify, decrypt and unpack into DIR/NAME;
                                   prints DIR/NAME
  check-config                     validate the OFFSITE_* settings and exit
Settings come from OFFSITE_* environment variables (docs/backups.md). Logs and progress go to stderr.`;

// Logs on stderr: stdout carries what a command answers (a path, a listing).
const log = pino({ name: 'offsite-backup', level: process.env.LOG_LEVEL ?? 'info' }, destination(2));

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, into: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const config = loadConfig();
  switch (command) {
    case 'check-config':
      log.info(describeConfig(config), 'off-site backup config valid');
      return 0;
    case 'upload': {
      if (rest.length !== 1) throw new UsageError('upload takes one backup directory');
      const interrupted = new AbortController();
      const stop = () => interrupted.abort();
      process.once('SIGTERM', stop).once('SIGINT', stop);
      await uploadBackup(config, rest[0] as string, log, interrupted.signal);
      return 0;
    }
    case 'list': {
      const client = makeClient(config);
      for (const name of (await listBackups(client, config)).complete) {
        const m = await readManifest(client, config, name);
        console.log([m.name, m.bytes, m.encrypted ? 'encrypted' : 'plain', m.created_at].join('\t'));
      }
      return 0;
    }
    case 'fetch': {
      if (!values.into) throw new UsageError('fetch needs --into DIR');
      console.log(await fetchBackup(config, { into: values.into, ...(values.name ? { name: values.name } : {}) }, log));
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Done: an idle kept-alive connection must not hold the process.
    setTimeout(() => process.exit(), 1000).unref();
  },
  (err: Error) => {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`wattbus-offsite-backup: ${err.message}`);
      if (err instanceof UsageError) console.error(USAGE);
      process.exit(2);
    }
    log.error({ err: { name: err.name, message: err.message } }, 'failed');
    console.error(`wattbus-offsite-backup: ${err.message}`);
    // Exits now: a part request dropped on an interruption may still hold a connection.
    process.exit(1);
  },
);
