import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { type ProcessHandle, startProcess } from './process.js';
import { requireBinary } from './require-binary.js';
import { type ServiceControls, serviceControls } from './service.js';
import { tempDir } from './temp-dir.js';

export interface StartMosquittoOptions {
  /** Appended verbatim to the generated mosquitto.conf (later lines win, e.g. `allow_anonymous false`). */
  extraConfig?: string;
  /** Listener port on 127.0.0.1. Default: a free port. */
  port?: number;
}

export interface MosquittoHandle extends ServiceControls {
  port: number;
  /** mqtt://127.0.0.1:<port> */
  url: string;
  /** Temp dir holding mosquitto.conf and the persistence file (mosquitto.db). */
  dir: string;
  configPath: string;
}

const READY = /mosquitto version \S+ running/;

function buildConfig(port: number, dir: string, extraConfig: string | undefined): string {
  const lines = [
    // Started as root, mosquitto drops privileges to user "mosquitto", which cannot write our
    // 0700 temp dir. Tell it to stay who it is.
    ...(process.getuid?.() === 0 ? [`user ${userInfo().username}`] : []),
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${dir}/`,
    // stdout is block-buffered when it is a pipe, so the readiness line would never arrive
    'log_dest stderr',
    // one type per line: mosquitto silently ignores everything after the first word
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    'max_queued_messages 1000000',
    'max_inflight_messages 1000',
  ];
  return `${lines.join('\n')}\n${extraConfig ? `${extraConfig}\n` : ''}`;
}

/** Starts a real mosquitto broker on 127.0.0.1 with its own port and temp dir. */
export async function startMosquitto({
  extraConfig,
  port: wantedPort,
}: StartMosquittoOptions = {}): Promise<MosquittoHandle> {
  const bin = requireBinary('mosquitto');
  const tmp = await tempDir('wattbus-mosquitto-');
  const dir = tmp.path;
  const configPath = join(dir, 'mosquitto.conf');

  const launch = async (port: number) => {
    await writeFile(configPath, buildConfig(port, dir, extraConfig));
    return startProcess(bin, ['-c', configPath], { cwd: dir, readyWhen: READY, readyTimeoutMs: 10_000 });
  };

  // With a port we chose ourselves, retry if someone grabbed it between freePort() and bind().
  let port = wantedPort ?? (await freePort());
  let current: ProcessHandle;
  for (let attempt = 1; ; attempt++) {
    try {
      current = await launch(port);
      break;
    } catch (err) {
      const inUse = /Address already in use/i.test((err as Error).message);
      if (wantedPort !== undefined || !inUse || attempt >= 3) {
        await tmp.cleanup();
        throw err;
      }
      port = await freePort();
    }
  }

  const finalPort = port;
  return {
    port: finalPort,
    url: `mqtt://127.0.0.1:${finalPort}`,
    dir,
    configPath,
    ...serviceControls(current, () => launch(finalPort), tmp),
  };
}
