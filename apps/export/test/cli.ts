import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@wattbus/testkit';

export const EXPORT_DIR = join(REPO_ROOT, 'apps/export');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs wattbus-export from source as a real process, like an operator would run the built bin. */
export function runCli(
  args: readonly string[],
  options: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, ['--conditions=wattbus-source', '--import', 'tsx', 'src/main.ts', ...args], {
    cwd: EXPORT_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString('utf8');
    options.onStderr?.(err, child);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
  });
}

/** A sink worker config file (only its sinks: section matters to the export) pointing at `influxUrl`. */
export async function sinkWorkerConfig(dir: string, influxUrl: string, database = 'wattbus'): Promise<string> {
  const file = join(dir, 'sink-worker.yaml');
  await writeFile(
    file,
    [
      'mqtt:',
      '  url: mqtt://127.0.0.1:1883',
      '  username: sink-worker',
      '  password: ${WATTBUS_TEST_UNSET_PASSWORD}', // the export must not need the MQTT password
      'sinks:',
      '  file: { dir: /nonexistent }',
      '  influx:',
      `    url: ${influxUrl}`,
      `    database: ${database}`,
      '',
    ].join('\n'),
  );
  return file;
}
