import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEPLOY_ACL,
  type Fixture,
  makeFixture,
  TARGETS,
  type Target,
  type TargetName,
  type User,
} from '@wattbus/broker-targets';
import type { DeadLetter } from '@wattbus/contract';
import { freePort, type InfluxdHandle, startInfluxd, type TempDir, tempDir } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import type { Login } from './households.js';
import { pidListeningOn } from './listener-process.js';
import { Service } from './service.js';

export const DATABASE = 'tenants';

/**
 * Everything a hostile household can reach, as deployed: a broker started from deploy/ (the password file and the
 * ACL of deploy/mosquitto), influxd, the sink worker (file and influx sinks, persistent session `sink-worker`), the
 * alerter and the portal, each a real process; and a dead-letter observer.
 */
export class Deployment {
  readonly letters: Array<{ topic: string; letter: DeadLetter }> = [];

  private constructor(
    readonly kind: TargetName,
    readonly fixture: Fixture,
    readonly broker: Target,
    readonly influx: InfluxdHandle,
    readonly files: TempDir,
    readonly sink: Service,
    readonly alerter: Service,
    readonly portal: Service,
    readonly portalPort: number,
    private readonly observer: MqttClient,
    readonly ca: Buffer,
    /** The broker's process, found by its listening socket: it must be the same one at the end. */
    readonly brokerPid: number | undefined,
  ) {}

  static async start(kind: TargetName): Promise<Deployment> {
    const fixture = await makeFixture();
    const [broker, influx, files, portalPort] = await Promise.all([
      TARGETS[kind](fixture),
      startInfluxd(),
      tempDir('wattbus-tenants-files-'),
      freePort(),
    ]);
    const login = (user: User) => ({ url: broker.tcp, username: user, password: fixture.passwords[user] });
    const mqttOf = (user: User) => ({ ...login(user), reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 });
    const sink = new Service('sink-worker', 'sink-worker', {
      mqtt: mqttOf('sink-worker'),
      consumer: { id: 'sink-worker' },
      batch: { max_size: 1000, max_delay_ms: 100 },
      retry: { min_ms: 100, max_ms: 1000 },
      sinks: { influx: { url: influx.url, database: DATABASE }, file: { dir: files.path, formats: ['jsonl'] } },
      metrics: { port: 0 },
    });
    const alerter = new Service('alerter', 'alerter', {
      mqtt: mqttOf('alerter'),
      consumer: { id: 'alerter' },
      evaluate_every_ms: 500,
      rules: { sign: { raise_after_s: 1 } },
      overrides: [{ site: 'house-12', overload: { limit_w: 10_000, raise_after_s: 1 } }],
    });
    const portal = new Service('portal', 'portal', {
      listen: { host: '127.0.0.1', port: portalPort },
      broker: { url: broker.tcp, ws_url: 'ws://127.0.0.1:1/mqtt' },
      acl_file: DEPLOY_ACL,
      influx: { url: influx.url, database: DATABASE },
      groups: [{ id: 'street', caption: 'Street', sites: ['house-12', 'house-13', 'house-14'] }],
      session: { secure_cookie: false },
    });
    await Promise.all([sink.start(), alerter.start(), portal.start()]);
    const observer = await mqtt.connectAsync(broker.tcp, {
      ...login('sink-worker'),
      clientId: 'tenants-dlq-observer',
      reconnectPeriod: 500,
    });
    const ca = await readFile(fixture.pki.caFile);
    const brokerPid = await pidListeningOn(Number(new URL(broker.tls).port));
    const d = new Deployment(
      kind,
      fixture,
      broker,
      influx,
      files,
      sink,
      alerter,
      portal,
      portalPort,
      observer,
      ca,
      brokerPid,
    );
    observer.on('message', (topic, payload) => d.letters.push({ topic, letter: JSON.parse(payload.toString()) }));
    await observer.subscribeAsync('wattbus/v1/dlq/#', { qos: 1 });
    const failed = [sink, alerter, portal].flatMap((s) => s.failedStarts);
    if (failed.length > 0) {
      await d.dispose();
      throw new Error(`the deployment did not start:\n${failed.join('\n')}`);
    }
    return d;
  }

  /** A service's login: the plain listener on 127.0.0.1, where services choose their client ids. */
  login(user: User): Login {
    return { url: this.broker.tcp, username: user, password: this.fixture.passwords[user] };
  }

  /** A household's login: the TLS listener (MQTT over WebSocket with TLS for `wss`, as browsers connect). */
  householdLogin(user: User, via: 'tls' | 'wss' = 'tls'): Login & { ca: Buffer } {
    return { url: this.broker[via], username: user, password: this.fixture.passwords[user], ca: this.ca };
  }

  /** The TLS listener's port, for raw clients. */
  get tlsPort(): number {
    return Number(new URL(this.broker.tls).port);
  }

  /** Dead letters published by one consumer so far. */
  lettersOf(consumer: string): DeadLetter[] {
    return this.letters.filter((l) => l.topic === `wattbus/v1/dlq/${consumer}`).map((l) => l.letter);
  }

  /** The sink worker's /healthz answer (its port is in the log of its current run), or why there is none. */
  async sinkHealth(): Promise<unknown> {
    const ports = [...this.sink.output().matchAll(/"port":(\d+),"msg":"metrics on/g)];
    const port = ports.at(-1)?.[1];
    if (port === undefined) return 'no metrics port in the log';
    try {
      return await (await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })).json();
    } catch (err) {
      return (err as Error).message;
    }
  }

  /** Whether the broker is the process it was at the start, and still takes a new connection. */
  async brokerAlive(): Promise<boolean> {
    if (this.brokerPid === undefined || (await pidListeningOn(this.tlsPort)) !== this.brokerPid) return false;
    try {
      const probe = await mqtt.connectAsync(this.broker.tcp, {
        ...this.login('dash-lena'),
        reconnectPeriod: 0,
        connectTimeout: 5_000,
      });
      await probe.endAsync(true);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops everything; every process's log is kept in the temp dir (named in the output) for a failed run. */
  async dispose(): Promise<void> {
    await this.observer.endAsync(true).catch(() => {});
    await Promise.allSettled([this.sink.stop(), this.alerter.stop(), this.portal.stop()]);
    const logs = join(tmpdir(), `wattbus-tenants-${this.kind}-logs`);
    await mkdir(logs, { recursive: true });
    for (const s of [this.sink, this.alerter, this.portal, { name: 'broker', output: () => this.broker.output() }]) {
      await writeFile(join(logs, `${s.name}.log`), s.output());
    }
    console.log(`tenants[${this.kind}] logs of every process: ${logs}`);
    await Promise.allSettled([this.broker.stop(), this.influx.stop(), this.files.cleanup()]);
    await this.fixture.cleanup();
  }
}
