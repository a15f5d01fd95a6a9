import { setTimeout as sleep } from 'node:timers/promises';
import { type Health, topics } from '@wattbus/contract';
import { readStoredReadings, tempDir, waitFor } from '@wattbus/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { account, type Counts, formatCounts } from './accounting.js';
import { readAgentState } from './agent-state.js';
import { faultSeed, makeRng, type Rng } from './seed.js';
import { app, type BrokerKind, broker, type Faultable, type FaultableBroker, influxd } from './services.js';

export interface PipelineOptions {
  /** Short name, printed as faults[<scenario>]; also the site id. */
  scenario: string;
  broker: BrokerKind;
  /** Appended to mosquitto.conf. */
  brokerConfig?: string;
  /** Simulated meters (3 channels each: consumption, production, grid). Default 4. */
  meters?: number;
  /** Poll interval of every meter. Default 100 ms: 4 meters make 120 readings/s. */
  intervalMs?: number;
  /** queue.max_readings of the agent. */
  maxQueued?: number;
  /** Extra sink-worker config (merged at the top level). */
  sink?: Record<string, unknown>;
  /**
   * The agent keeps each reading until the sink worker's storage receipt covers it (`delivery.receipts_from`), and
   * publishes it again after RECEIPT_TIMEOUT_MS without one. Default false: a reading leaves on the broker's PUBACK.
   */
  receipts?: boolean;
}

/** Shorter than the 60 s default so that a 25 s stream sees re-sends; doubling up to RECEIPT_MAX_BACKOFF_MS. */
export const RECEIPT_TIMEOUT_MS = 2_000;
export const RECEIPT_MAX_BACKOFF_MS = 8_000;

export interface SettleOptions {
  /** How long the store may take to catch up once the agent's queue is empty. Default 60 s. */
  timeoutMs?: number;
  /** If readings are missing, restart the sink worker and count again (printed; for diagnosis). Default true. */
  recheck?: boolean;
}

export const DATABASE = 'faults';

export interface SettledCounts extends Counts {
  /** Readings still in the agent's queue after the drain (should be 0). */
  queued: number;
  /** Only when readings were missing: the counts again after the sink worker reconnected. */
  afterSinkReconnect?: Counts;
}

/**
 * agent (simulated meters, disk queue) → broker → sink worker → influxd, each a real process the scenario can
 * kill, freeze and restart; then `settle()` drains everything and counts reading by reading.
 */
export class Pipeline {
  readonly healths: Array<{ at: number; health: Health }> = [];
  readonly log: string[] = [];
  /** Every SIGKILL `crash()` sent: what and when (ms since the epoch). */
  /** Every SIGKILL, and when its target was back up (once it is). */
  readonly kills: Array<{ target: string; at: number; back?: number }> = [];
  private readonly startedAt = Date.now();

  private constructor(
    readonly scenario: string,
    readonly rng: Rng,
    readonly broker: FaultableBroker,
    readonly influx: Awaited<ReturnType<typeof influxd>>,
    readonly sink: Faultable,
    readonly agent: Faultable,
    readonly observer: MqttClient,
    private readonly stateDir: { path: string; cleanup(): Promise<void> },
    private readonly options: PipelineOptions,
    private readonly mqttOptions: object,
  ) {}

  get site(): string {
    return this.scenario;
  }

  /** Starts every process. Anything already started is stopped again if a later start fails. */
  static async start(options: PipelineOptions): Promise<Pipeline> {
    const seed = faultSeed();
    const rng = makeRng(seed);
    // printed first, so even a run that dies half-way can be replayed
    console.log(`faults[${options.scenario}] seed=${seed} (replay: WATTBUS_FAULT_SEED=${seed})`);
    const started: Array<{ dispose(): Promise<unknown> }> = [];
    const track = <T extends { dispose(): Promise<unknown> }>(x: T): T => {
      started.push(x);
      return x;
    };
    try {
      const site = options.scenario;
      const state = track({ ...(await tempDir(`wattbus-faults-${site}-`)), dispose: () => Promise.resolve() });
      const [b, influx] = await Promise.all([
        broker(options.broker, options.brokerConfig).then(track),
        influxd().then(track),
      ]);
      const mqttOptions = { url: b.url, reconnect_min_ms: 200, reconnect_max_ms: 1000, keepalive_s: 5 };
      const sink = track(
        await app('sink-worker', 'sink-worker', {
          mqtt: mqttOptions,
          consumer: { id: Pipeline.sinkConsumer(options) },
          batch: { max_size: 1000, max_delay_ms: 100 },
          retry: { min_ms: 100, max_ms: 1000 },
          sinks: { influx: { url: influx.url, database: DATABASE } },
          metrics: { port: 0 },
          // well within the agent's RECEIPT_TIMEOUT_MS, as the 5 s default is within the agent's 60 s
          receipts: { interval_ms: 500 },
          ...options.sink,
        }),
      );
      const observer = await mqtt.connectAsync(b.url, {
        clientId: `${site}-observer-${process.pid}`,
        reconnectPeriod: 200,
      });
      track({ dispose: () => observer.endAsync(true) });
      const agentConfig = Pipeline.agentConfig(options, mqttOptions, state.path, false);
      const agent = track(await app('edge-agent', 'edge-agent', agentConfig));
      const p = new Pipeline(site, rng, b, influx, sink, agent, observer, state, options, mqttOptions);
      observer.on('message', (_topic, payload) => {
        try {
          p.healths.push({ at: Date.now(), health: JSON.parse(payload.toString('utf8')) as Health });
        } catch {
          // not ours to judge
        }
      });
      await observer.subscribeAsync(topics.health(site), { qos: 0 });
      return p;
    } catch (err) {
      for (const s of started.reverse()) await s.dispose().catch(() => {});
      throw err;
    }
  }

  private static sinkConsumer(options: PipelineOptions): string {
    return `${options.scenario}-sink`;
  }

  /** The agent's config; `drain`: the same site, state and meters, but every read fails, so it only sends its queue. */
  private static agentConfig(options: PipelineOptions, mqttOptions: object, stateDir: string, drain: boolean): object {
    return {
      site: { id: options.scenario },
      mqtt: mqttOptions,
      state_dir: stateDir,
      health_interval_s: 1,
      ...(options.maxQueued !== undefined && { queue: { max_readings: options.maxQueued } }),
      ...(options.receipts && {
        delivery: {
          receipts_from: [Pipeline.sinkConsumer(options)],
          receipt_timeout_ms: RECEIPT_TIMEOUT_MS,
          max_backoff_ms: RECEIPT_MAX_BACKOFF_MS,
        },
      }),
      meters: Array.from({ length: options.meters ?? 4 }, (_, i) => ({
        id: `m${i + 1}`,
        driver: 'simulated',
        interval_ms: options.intervalMs ?? 100,
        config: { seed: i + 1, pv_kwp: 3, ...(drain && { fail: { every_s: 1, for_s: 1 } }) },
      })),
    };
  }

  /** Logged with the time since start; printed if the scenario fails. */
  note(what: string): void {
    this.log.push(`+${((Date.now() - this.startedAt) / 1000).toFixed(1)}s ${what}`);
  }

  /** SIGKILL, down for `downMs`, start again. */
  async crash(target: Faultable, downMs: number): Promise<void> {
    this.note(`SIGKILL ${target.name}, down ${downMs} ms`);
    const kill: (typeof this.kills)[number] = { target: target.name, at: Date.now() };
    this.kills.push(kill);
    await target.kill9();
    await sleep(downMs);
    await target.up();
    kill.back = Date.now();
    this.note(`${target.name} back`);
  }

  /**
   * Lets the stream run for `durationMs` and runs each fault at its time (ms from now). Faults run one after
   * another; one that overruns the next one's time delays it.
   */
  async stream(durationMs: number, faults: Array<{ at: number; run: () => Promise<void> }>): Promise<void> {
    const t0 = Date.now();
    for (const fault of [...faults].sort((a, b) => a.at - b.at)) {
      await sleep(Math.max(0, t0 + fault.at - Date.now()));
      await fault.run();
    }
    await sleep(Math.max(0, t0 + durationMs - Date.now()));
  }

  /** The sink worker's /healthz and /metrics port, from its log. */
  sinkMetricsUrl(): string {
    const port = /"port":(\d+),"msg":"metrics on/.exec(this.sink.output())?.[1];
    if (!port) throw new Error('the sink worker did not log its metrics port');
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Ends the stream and counts: stops the agent (SIGTERM), runs it again with failing meters until its queue
   * is empty (health says depth 0), reads what it generated and dropped from its state, waits for the store to
   * hold it all (or times out), and prints the counts line.
   */
  async settle({ timeoutMs = 60_000, recheck = true }: SettleOptions = {}): Promise<SettledCounts> {
    this.note('stream ends: agent stopped');
    await this.agent.down();
    const drainStart = Date.now();
    const drainConfig = Pipeline.agentConfig(this.options, this.mqttOptions, this.stateDir.path, true);
    const drain = await app('agent-drain', 'edge-agent', drainConfig);
    try {
      await waitFor(() => this.healths.some((h) => h.at > drainStart && h.health.queue.depth === 0), {
        timeoutMs,
        what: `the agent's queue to drain (last health: ${JSON.stringify(this.healths.at(-1)?.health.queue)})`,
      });
    } catch (err) {
      this.note(`the draining agent's last log lines:\n${drain.output().split('\n').slice(-15).join('\n')}`);
      this.note(`the sink worker's last log lines:\n${this.sink.output().split('\n').slice(-10).join('\n')}`);
      throw err;
    } finally {
      await drain.dispose();
    }
    const state = await readAgentState(this.stateDir.path, this.site);
    const expected = [...state.lastSeq.values()].reduce((a, b) => a + b, 0) - state.dropped;
    this.note(`agent drained; waiting for ${expected} readings in the store`);
    // only this pipeline's site: a scenario may store readings of its own too
    const stored = async () =>
      (await readStoredReadings(this.influx, DATABASE).catch(() => [])).filter((r) => r.tags.site === this.site);
    let rows = await stored();
    try {
      await waitFor(
        async () => {
          rows = await stored();
          return rows.length >= expected;
        },
        { timeoutMs, intervalMs: 500, what: `${expected} readings stored` },
      );
      // anything still arriving (a late redelivery) would show up now
      await sleep(1000);
      rows = await stored();
    } catch (err) {
      this.note((err as Error).message);
    }
    const counts: SettledCounts = { ...account(state, rows), queued: state.queued };
    console.log(
      formatCounts(this.scenario, this.rng.seed, counts) + (state.queued ? ` still_queued=${state.queued}` : ''),
    );
    if (counts.missing > 0 && recheck) {
      // Diagnosis (the counts above stay the verdict unless a scenario says otherwise): are the missing readings
      // lost, or held by the broker for the sink worker's session until it reconnects?
      const events = this.sink.output().match(/"msg":"mqtt (close|offline|reconnect|connect|error)[^"]*"/g) ?? [];
      this.note(`sink worker's mqtt events so far: ${events.map((e) => e.slice(7, -1)).join(', ')}`);
      this.note('diagnosis: sink worker restarted to see whether the broker still holds the missing readings');
      await this.sink.down();
      await this.sink.up();
      await waitFor(async () => (await stored()).length >= expected, { timeoutMs: 15_000 }).catch(() => {});
      counts.afterSinkReconnect = account(state, await stored());
      console.log(formatCounts(`${this.scenario}:after-sink-reconnect`, this.rng.seed, counts.afterSinkReconnect));
      this.note(
        `after a sink reconnect: stored=${counts.afterSinkReconnect.stored} missing=${counts.afterSinkReconnect.missing}`,
      );
    }
    return counts;
  }

  /** What happened, for a failed scenario's message. */
  story(): string {
    return this.log.join('\n');
  }

  /** Stops every process (SIGCONT first, in case one is frozen) and removes the temp dirs. Never throws. */
  async dispose(): Promise<void> {
    await this.observer.endAsync(true).catch(() => {});
    await Promise.allSettled([this.agent, this.sink].map((s) => s.dispose()));
    await Promise.allSettled([this.broker.dispose(), this.influx.dispose(), this.stateDir.cleanup()]);
  }
}
