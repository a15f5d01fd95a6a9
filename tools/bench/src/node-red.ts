import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, type ProcessHandle, startProcess, tempDir } from '@wattbus/testkit';

/**
 * Node-RED 4.1 is the newest line that runs on Node 20 (5.x needs Node ≥ 22.9); node-red-contrib-influxdb
 * is the InfluxDB node most flows use. Both are installed with npm into a cache directory outside the
 * workspace (not in pnpm-lock.yaml), once, and reused.
 */
export const NODE_RED_VERSION = process.env.E2E_NODE_RED_VERSION ?? '4.1.8';
export const INFLUX_NODE_VERSION = process.env.E2E_INFLUX_NODE_VERSION ?? '0.7.0';
export const NODE_RED_DIR = process.env.E2E_NODE_RED_DIR ?? join(homedir(), '.cache', 'wattbus-bench', 'node-red');

function installedVersion(dir: string, pkg: string): string | undefined {
  const file = join(dir, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Installs Node-RED and the InfluxDB nodes into NODE_RED_DIR unless the wanted versions are there. */
export async function ensureNodeRed(dir = NODE_RED_DIR): Promise<{ dir: string; nodeRed: string; influxNode: string }> {
  if (
    installedVersion(dir, 'node-red') !== NODE_RED_VERSION ||
    installedVersion(dir, 'node-red-contrib-influxdb') !== INFLUX_NODE_VERSION
  ) {
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'wattbus-bench-node-red', private: true })}\n`,
    );
    process.stderr.write(`installing node-red@${NODE_RED_VERSION} and node-red-contrib-influxdb into ${dir}\n`);
    await promisify(execFile)(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--omit=dev',
        '--no-package-lock',
        `node-red@${NODE_RED_VERSION}`,
        `node-red-contrib-influxdb@${INFLUX_NODE_VERSION}`,
      ],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
  }
  return {
    dir,
    nodeRed: installedVersion(dir, 'node-red') as string,
    influxNode: installedVersion(dir, 'node-red-contrib-influxdb') as string,
  };
}

/** The function node: a contract Reading → node-red-contrib-influxdb's [fields, tags], ts as the point's time. */
export const READING_TO_POINT = `const r = msg.payload;
const fields = Object.assign({}, r.values, { seq: r.seq, time: r.ts });
const tags = Object.assign({ site: r.site, meter: r.meter, channel: r.channel, role: r.role }, r.labels || {});
msg.payload = [fields, tags];
return msg;`;

/** mqtt in (QoS 1, parsed JSON, persistent session) → function → influxdb out (1.x, precision ms). */
export function readingsFlow(options: { mqttUrl: string; clientId: string; influxUrl: string; db: string }): object[] {
  const mqttUrl = new URL(options.mqttUrl);
  const influxUrl = new URL(options.influxUrl);
  return [
    { id: 'tab', type: 'tab', label: 'wattbus readings → InfluxDB' },
    {
      id: 'broker',
      type: 'mqtt-broker',
      name: 'mosquitto',
      broker: mqttUrl.hostname,
      port: mqttUrl.port,
      clientid: options.clientId,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: false,
    },
    {
      id: 'in',
      type: 'mqtt in',
      z: 'tab',
      name: 'readings',
      topic: 'wattbus/v1/+/+/reading',
      qos: '1',
      datatype: 'json',
      broker: 'broker',
      nl: false,
      rap: true,
      rh: 0,
      inputs: 0,
      wires: [['fn']],
    },
    {
      id: 'fn',
      type: 'function',
      z: 'tab',
      name: 'reading → point',
      func: READING_TO_POINT,
      outputs: 1,
      wires: [['out']],
    },
    {
      id: 'influx',
      type: 'influxdb',
      hostname: influxUrl.hostname,
      port: influxUrl.port,
      protocol: 'http',
      database: options.db,
      name: 'influxd',
      usetls: false,
      influxdbVersion: '1.x',
    },
    {
      id: 'out',
      type: 'influxdb out',
      z: 'tab',
      influxdb: 'influx',
      name: 'reading',
      measurement: 'reading',
      precision: 'ms',
      retentionPolicy: '',
      wires: [],
    },
  ];
}

export interface NodeRedHandle {
  process: ProcessHandle;
  userDir: string;
  stop(): Promise<void>;
}

/** Writes the flow into a temp user dir and starts Node-RED headless; resolves once it is connected to MQTT. */
export async function startNodeRed(install: { dir: string }, flow: object[], userDir?: string): Promise<NodeRedHandle> {
  let dir = userDir;
  if (dir === undefined) {
    dir = (await tempDir('wattbus-node-red-')).path;
    await symlink(join(install.dir, 'node_modules'), join(dir, 'node_modules'));
    await writeFile(join(dir, 'flows.json'), JSON.stringify(flow, null, 2));
    // credentialSecret: false keeps the credentials file plain JSON
    await writeFile(join(dir, 'flows_cred.json'), JSON.stringify({ influx: { username: '', password: '' } }));
    const port = await freePort();
    await writeFile(
      join(dir, 'settings.js'),
      `module.exports = ${JSON.stringify(
        {
          flowFile: 'flows.json',
          credentialSecret: false,
          uiHost: '127.0.0.1',
          uiPort: port,
          httpAdminRoot: false,
          httpNodeRoot: false,
          logging: { console: { level: 'info', metrics: false, audit: false } },
          externalModules: { autoInstall: false, palette: { allowInstall: false } },
        },
        null,
        2,
      )};\n`,
    );
  }
  const proc = await startProcess(
    process.execPath,
    [join(install.dir, 'node_modules', 'node-red', 'red.js'), '--userDir', dir, '--settings', join(dir, 'settings.js')],
    { cwd: dir, readyWhen: /Connected to broker/, readyTimeoutMs: 60_000 },
  );
  return { process: proc, userDir: dir, stop: async () => void (await proc.stop('SIGINT', 10_000)) };
}
