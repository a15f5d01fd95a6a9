#!/usr/bin/env node
import {
  EXIT,
  ExportError,
  loadStoreConfig,
  openReader,
  runExport,
  type StoreReader,
  sitesOfGroups,
} from '@wattbus/store-export';
import { parseExportArgs, USAGE } from './args.js';
import { jsonProgress, type ProgressView, terminalProgress } from './progress.js';

const say = (line: string) => process.stderr.write(`wattbus-export: ${line}\n`);

const abort = new AbortController();
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // a second signal: stop at once (the temporary file may stay; its name says it is partial)
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    abort.abort(new ExportError(EXIT.interrupted, `interrupted by ${signal}: no file written`));
  });
}
// A closed pipe (`| head`) ends the export like an interruption.
process.stdout.on('error', (err) => abort.abort(new ExportError(EXIT.failed, `stdout: ${err.message}`)));

let view: ProgressView | undefined;
let reader: StoreReader | undefined;
let code: number = EXIT.ok;
try {
  const args = parseExportArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(USAGE);
    process.exit(EXIT.ok);
  }
  const store = loadStoreConfig(args.config, args.store);
  const sites = [...new Set([...args.sites, ...sitesOfGroups(args.groupsFile, args.groups)])];
  reader = openReader(store);
  const mode = args.progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'json') : args.progress;
  view =
    mode === 'bar'
      ? terminalProgress(args.from, args.to)
      : mode === 'json'
        ? jsonProgress(args.from, args.to)
        : undefined;
  const summary = await runExport({
    reader,
    selection: {
      sites,
      meters: args.meters,
      channels: args.channels,
      quantities: args.quantities,
      resolution: args.resolution,
      from: args.from,
      to: args.to,
    },
    format: args.format,
    compression: args.compression,
    path: args.output,
    timeZone: args.timeZone,
    signal: abort.signal,
    emptyIsError: true,
    ...(view && { onProgress: (p) => view?.update(p) }),
  });
  view?.done(summary);
} catch (err) {
  view?.stop();
  const failure = abort.signal.aborted ? abort.signal.reason : err;
  if (failure instanceof ExportError) {
    say(failure.message);
    code = failure.exitCode;
  } else {
    say(`failed: ${(failure as Error).message}`);
    code = EXIT.failed;
  }
  if (code === EXIT.usage) process.stderr.write('Run wattbus-export --help for the options.\n');
} finally {
  await reader?.close().catch(() => {});
}
process.exit(code);
