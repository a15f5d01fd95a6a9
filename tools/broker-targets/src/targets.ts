import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@wattbus/config';
import { freePort, type ProcessHandle, REPO_ROOT, startApp, startMosquitto } from '@wattbus/testkit';
import { DeployedBrokerConfig } from './deployed-broker-config.js';
import { DEPLOY_ACL, type Fixture } from './fixture.js';

export type TargetName = 'aedes' | 'mosquitto';

/** A secured broker started from the deploy configuration, on free ports of 127.0.0.1. */
export interface Target {
  name: TargetName;
  tcp: string;
  tls: string;
  /** Plain MQTT to the TLS listener's port. */
  plainOnTlsPort: string;
  wss: string;
  /** What the broker does with a PUBLISH the ACL refuses. */
  deniedPublish: 'disconnects' | 'acknowledges';
  /**
   * What the household-facing listeners (TLS, WebSocket) do with a client id reserved for another user: refuse
   * the connection, or replace the id with the username (mosquitto's use_username_as_clientid).
   */
  foreignClientId: 'refused' | 'replaced';
  /**
   * Where the unacknowledged and queued messages of a `$share` member that leaves (a persistent session) go: to the
   * group's other members, or they wait in its session until it returns (mosquitto).
   */
  sharedLeaver: 'redelivered-to-others' | 'kept-for-its-return';
  /** Where the unacknowledged messages of a clean-session `$share` member that leaves go: to the others, or nowhere. */
  sharedCleanLeaver: 'redelivered-to-others' | 'lost';
  /** Whether persistent sessions keep their `$share` subscriptions across a restart (mosquitto 2.0.11 drops them). */
  sharedAfterRestart: 'kept' | 'forgotten';
  /** What SUBACK says to a `$share` subscription of a filter the client may not read (0x80, or granted). */
  sharedDenied: 'refused' | 'granted';
  /** Prometheus endpoint, if the broker has one (mosquitto has none). */
  metricsUrl: string | undefined;
  /** Clean stop (the store is saved) and start again on the same ports with the same data. */
  restart(): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

interface Ports {
  tcp: number;
  tls: number;
  wss: number;
}

async function freePorts(): Promise<Ports> {
  return { tcp: await freePort(), tls: await freePort(), wss: await freePort() };
}

function urls(ports: Ports) {
  return {
    tcp: `mqtt://127.0.0.1:${ports.tcp}`,
    tls: `mqtts://127.0.0.1:${ports.tls}`,
    plainOnTlsPort: `mqtt://127.0.0.1:${ports.tls}`,
    wss: `wss://127.0.0.1:${ports.wss}/mqtt`,
  };
}

function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`deploy config has no ${what}`);
  return value;
}

/** deploy/examples/broker.yaml with test ports and files: the embedded broker, run as a process. */
export async function startAedes(f: Fixture): Promise<Target> {
  const ports = await freePorts();
  const base = loadConfig(join(REPO_ROOT, 'deploy/examples/broker.yaml'), DeployedBrokerConfig);
  const server = { host: '127.0.0.1', cert_file: f.pki.server.cert, key_file: f.pki.server.key };
  const config = {
    ...base,
    listeners: {
      tcp: { ...base.listeners.tcp, host: '127.0.0.1', port: ports.tcp },
      tls: { ...base.listeners.tls, ...server, port: ports.tls },
      wss: { ...base.listeners.wss, ...server, port: ports.wss },
    },
    auth: { ...base.auth, password_file: f.passwordFile, acl_file: DEPLOY_ACL },
    persistence: { path: join(f.dir, 'aedes-store') },
    metrics: { ...base.metrics, port: await freePort() },
  };
  const metrics = config.metrics;
  let proc: ProcessHandle = await startApp('broker', config);
  return {
    name: 'aedes',
    ...urls(ports),
    deniedPublish: 'disconnects',
    foreignClientId: 'refused',
    sharedLeaver: 'redelivered-to-others',
    sharedAfterRestart: 'kept',
    sharedCleanLeaver: 'redelivered-to-others',
    sharedDenied: 'refused',
    metricsUrl: `http://127.0.0.1:${metrics.port}${metrics.path}`,
    restart: async () => {
      await proc.stop();
      proc = await startApp('broker', config);
    },
    output: () => proc.output(),
    stop: async () => {
      await proc.stop();
    },
  };
}

/**
 * deploy/mosquitto/mosquitto.conf with test ports and files, run by the real mosquitto through testkit
 * (which adds its own persistence dir, logging to stderr and one more plain listener).
 */
export function adaptMosquittoConf(text: string, ports: Ports, f: Fixture): string {
  const port: Record<string, number> = { '1883': ports.tcp, '8883': ports.tls, '8081': ports.wss };
  return text
    .split('\n')
    .flatMap((line) => {
      const [key = '', first = ''] = line.trim().split(/\s+/);
      switch (key) {
        case 'user':
        case 'persistence_location':
          return [];
        case 'listener':
          return [`listener ${defined(port[first], `mapping for listener ${first}`)} 127.0.0.1`];
        case 'certfile':
          return [`certfile ${f.pki.server.cert}`];
        case 'keyfile':
          return [`keyfile ${f.pki.server.key}`];
        case 'password_file':
          return [`password_file ${f.passwordFile}`];
        case 'acl_file':
          return [`acl_file ${DEPLOY_ACL}`];
        default:
          return [line];
      }
    })
    .join('\n');
}

export async function startSecureMosquitto(f: Fixture): Promise<Target> {
  const ports = await freePorts();
  const conf = await readFile(join(REPO_ROOT, 'deploy/mosquitto/mosquitto.conf'), 'utf8');
  const m = await startMosquitto({ extraConfig: adaptMosquittoConf(conf, ports, f) });
  return {
    name: 'mosquitto',
    ...urls(ports),
    deniedPublish: 'acknowledges',
    foreignClientId: 'replaced',
    sharedLeaver: 'kept-for-its-return',
    sharedAfterRestart: 'forgotten',
    sharedCleanLeaver: 'lost',
    sharedDenied: 'granted',
    metricsUrl: undefined,
    restart: () => m.restart(),
    output: () => m.output(),
    stop: () => m.stop(),
  };
}

export const TARGETS: Record<TargetName, (f: Fixture) => Promise<Target>> = {
  aedes: startAedes,
  mosquitto: startSecureMosquitto,
};

/** A broker whose TLS listener takes the CN of a required client certificate as the username. */
export interface CertTarget {
  tcp: string;
  tls: string;
  stop(): Promise<void>;
}

export const CERT_TARGETS: Record<TargetName, (f: Fixture) => Promise<CertTarget>> = {
  aedes: async (f) => {
    const [tcp, tls] = [await freePort(), await freePort()];
    const proc = await startApp('broker', {
      listeners: {
        tcp: { host: '127.0.0.1', port: tcp },
        tls: {
          host: '127.0.0.1',
          port: tls,
          cert_file: f.pki.server.cert,
          key_file: f.pki.server.key,
          ca_file: f.pki.caFile,
          require_client_cert: true,
          use_identity_as_username: true,
        },
      },
      auth: { password_file: f.passwordFile, acl_file: DEPLOY_ACL },
    });
    return {
      tcp: `mqtt://127.0.0.1:${tcp}`,
      tls: `mqtts://127.0.0.1:${tls}`,
      stop: async () => void (await proc.stop()),
    };
  },
  mosquitto: async (f) => {
    const tls = await freePort();
    const m = await startMosquitto({
      extraConfig: [
        'allow_anonymous false',
        `password_file ${f.passwordFile}`,
        `acl_file ${DEPLOY_ACL}`,
        `listener ${tls} 127.0.0.1`,
        `certfile ${f.pki.server.cert}`,
        `keyfile ${f.pki.server.key}`,
        `cafile ${f.pki.caFile}`,
        'require_certificate true',
        'use_identity_as_username true',
      ].join('\n'),
    });
    return { tcp: m.url, tls: `mqtts://127.0.0.1:${tls}`, stop: () => m.stop() };
  },
};
