import { decodeReading, filters, type Reading, rollupTopic } from '@wattbus/contract';
import { RollupEngine, type RollupRecord, Tariffs } from '@wattbus/energy';
import {
  type HeldMessage,
  type ManualAckReceiver,
  openConsumerSession,
  publishDeadLetter,
  ReceiptSender,
} from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { RollupConfig } from './config.js';
import { RollupJournal } from './journal.js';
import { OutConnection } from './out-connection.js';
import { RollupWaits } from './rollup-waits.js';

/** How often rollups are checked for overdue receipts (at most; a shorter receipt timeout checks more often). */
const OVERDUE_CHECK_MS = 1000;

/**
 * readings (persistent session) → rollup engine and its journal → rollups published (QoS1) → PUBACK of the readings.
 * A batch of readings is acknowledged only once it is fsynced in the journal and the broker has every rollup that
 * batch closed or corrected, and receipted to the agents (`receipts`) once fsynced; bad input and readings past the
 * late window go to the dead-letter topic, then are acknowledged. With `delivery.receipts_from`, the journal keeps
 * each drain until the stores' rollup receipts cover its records, publishing overdue ones again. A restart restores
 * the engine from the journal and publishes what was not delivered yet.
 */
export class RollupConsumer {
  private client: MqttClient | undefined;
  private receiver: ManualAckReceiver | undefined;
  private readonly tariffs: Tariffs;
  private readonly engine: RollupEngine;
  private journal: RollupJournal | undefined;
  /** The readings pushed since the last publish, with their acks. */
  private pending: Array<{ ack: () => void; reading: Reading }> = [];
  /** Absent when `receipts.enabled` is false. */
  private readonly readingReceipts: ReceiptSender | undefined;
  /** Absent without `delivery.receipts_from`: rollups are then let go on PUBACK. */
  private readonly waits: RollupWaits | undefined;
  private out: OutConnection | undefined;
  private overdueTimer: NodeJS.Timeout | undefined;
  /** Acks held while the journal holds more than `delivery.max_unreceipted` undelivered rollups. */
  private heldAcks: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  /** Publishes run one after the other, so acks leave in the order the readings came. */
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: RollupConfig,
    private readonly log: Logger,
    configDir: string,
  ) {
    this.tariffs = new Tariffs(config.energy, {
      baseDir: configDir,
      onIssue: (issue) => log.warn({ issue }, 'price data problem: cost unknown where it applies'),
    });
    this.engine = new RollupEngine({ planFor: (site) => this.tariffs.planFor(site), ...config.rollups });
    this.readingReceipts = config.receipts.enabled
      ? new ReceiptSender(
          () => (this.out as OutConnection).client,
          config.consumer.id,
          config.receipts.interval_ms,
          log,
        )
      : undefined;
    const { receipts_from, receipt_timeout_ms, max_backoff_ms } = config.delivery;
    this.waits =
      receipts_from.length > 0
        ? new RollupWaits(
            { consumers: receipts_from, timeoutMs: receipt_timeout_ms, maxBackoffMs: max_backoff_ms },
            (drain) => {
              this.journal?.published(drain);
              this.log.debug({ drain, waiting: this.waits?.size }, 'rollups receipted');
              this.releaseAcks();
            },
          )
        : undefined;
  }

  async start(): Promise<void> {
    await this.tariffs.start();
    const { config, log } = this;
    const { journal, unpublished } = await RollupJournal.open(
      config.journal.dir,
      this.engine,
      config.journal.compact_bytes,
    );
    this.journal = journal;
    log.info({ dir: config.journal.dir, ...this.engine.held, unpublished: unpublished.length }, 'journal restored');
    const waits = this.waits;
    this.out = new OutConnection(config.mqtt, `${config.consumer.id}-out`, log, waits && ((r) => waits.receipt(r)));
    await this.out.start();
    if (waits !== undefined) {
      this.overdueTimer = setInterval(
        () => this.resendOverdue(waits),
        Math.min(OVERDUE_CHECK_MS, config.delivery.receipt_timeout_ms),
      );
    }
    const session = openConsumerSession(config.mqtt, {
      clientId: config.consumer.id,
      filters: [filters.readings],
      maxInFlight: config.consumer.max_in_flight,
      log,
      label: 'readings',
      onMessage: (m) => this.onMessage(m),
    });
    this.client = session.client;
    this.receiver = session.receiver;
    await session.connected;
    for (const { drain, records } of unpublished) {
      this.publishing = this.publishing.then(() => this.send(drain, records).then(() => {}));
    }
  }

  private onMessage(m: HeldMessage): void {
    const decoded = decodeReading(m.topic, m.payload, {
      maxBytes: this.config.max_payload_bytes,
      maxFutureMs: this.config.max_future_ms,
    });
    if (!decoded.ok) {
      this.deadLetter(m, decoded.reason);
      return;
    }
    const outcome = this.engine.push(decoded.value);
    if (outcome === 'too-late') {
      const window = this.config.rollups.late_window_ms;
      const reading = decoded.value;
      // Receipted once dead-lettered, as a store's refusal is: sent again, it would be refused again.
      this.deadLetter(m, `older than the channel's newest reading by more than late_window_ms (${window} ms)`, () =>
        this.readingReceipts?.done(reading),
      );
      return;
    }
    if (outcome === 'accepted') this.journal?.accepted(decoded.value);
    this.pending.push({ ack: m.ack, reading: decoded.value });
    if (this.pending.length >= this.config.batch.max_size) this.publish();
    else this.timer ??= setTimeout(() => this.publish(), this.config.batch.max_delay_ms);
  }

  /**
   * Drains the engine and publishes its records; the readings pushed before are acked once the journal has them on
   * disk and the broker has all the records.
   */
  private publish(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken = this.pending;
    this.pending = [];
    const journal = this.journal as RollupJournal;
    const records = this.engine.drain();
    const drain = journal.drained(records);
    const durable = journal.sync();
    this.publishing = this.publishing.then(async () => {
      try {
        await durable;
      } catch (err) {
        // The engine holds readings the journal may not: only a restart from the journal is consistent again.
        this.log.fatal({ err: (err as Error).message, dir: this.config.journal.dir }, 'journal write failed');
        process.exit(1);
      }
      // On disk: whatever happens next, a restart rolls these readings up from the journal.
      for (const { reading } of taken) this.readingReceipts?.done(reading);
      if (drain !== undefined && !(await this.send(drain, records))) return;
      if (records.length > 0) this.log.debug({ records: records.length, readings: taken.length }, 'rollups published');
      for (const { ack } of taken) this.ackWhenRoom(ack);
    });
    return this.publishing;
  }

  /**
   * Publishes one drain's records; true once the broker has them all. With receipts, the drain is delivered once
   * they are receipted, and a failed publish is retried as an overdue one.
   */
  private async send(drain: number, records: RollupRecord[]): Promise<boolean> {
    const client = (this.out as OutConnection).client;
    this.waits?.sent(drain, records);
    try {
      await Promise.all(records.map((record) => client.publishAsync(...message(record))));
    } catch (err) {
      // Not acked: the broker redelivers these readings to the next session, which publishes the drain from the journal.
      this.log.error({ err: (err as Error).message, records: records.length }, 'rollups not published');
      return false;
    }
    if (this.waits === undefined) this.journal?.published(drain);
    return true;
  }

  /** Publishes again, after what is queued to publish, the rollups whose receipts are overdue. */
  private resendOverdue(waits: RollupWaits): void {
    const overdue = waits.overdue();
    if (overdue.length === 0) return;
    this.log.info(
      { rollups: overdue.length, resent_total: waits.resent },
      'no rollup receipt in time: publishing again',
    );
    const client = (this.out as OutConnection).client;
    this.publishing = this.publishing.then(async () => {
      // A newer revision published meanwhile replaced the older one, which must not follow it.
      const current = overdue.filter((record) => waits.waits(record));
      await Promise.all(current.map((record) => client.publishAsync(...message(record)))).catch((err: Error) =>
        this.log.warn({ err: err.message, rollups: current.length }, 'rollups not published again; will retry'),
      );
    });
  }

  /**
   * Acks a reading now, or once the journal holds no more than `delivery.max_unreceipted` undelivered rollups (those
   * waiting for receipts, and the receipted ones behind an older waiting drain).
   */
  private ackWhenRoom(ack: () => void): void {
    if (this.heldAcks.length > 0 || this.overBound()) this.heldAcks.push(ack);
    else ack();
  }

  private overBound(): boolean {
    return this.waits !== undefined && (this.journal?.held ?? 0) > this.config.delivery.max_unreceipted;
  }

  private releaseAcks(): void {
    if (this.heldAcks.length === 0 || this.overBound()) return;
    const acks = this.heldAcks;
    this.heldAcks = [];
    for (const ack of acks) ack();
  }

  private deadLetter(m: HeldMessage, reason: string, then: () => void = () => {}): void {
    this.log.warn({ topic: m.topic, reason: reason.slice(0, 300), bytes: m.payload.byteLength }, 'dead-lettered');
    publishDeadLetter((this.out as OutConnection).client, this.config.consumer.id, m.topic, m.payload, reason).then(
      () => {
        m.ack();
        then();
      },
      (err) =>
        this.log.error(
          { err: (err as Error).message, topic: m.topic },
          'dead letter not published; message stays unacked',
        ),
    );
  }

  /**
   * Stops taking readings, publishes the rollups of those taken and acks them, within `timeoutMs`, then disconnects.
   * What is not acked by then is redelivered to the next session.
   */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.receiver?.close();
    clearInterval(this.overdueTimer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(timeoutMs - 2000, 0));
    });
    if (this.journal !== undefined) await Promise.race([this.publish(), deadline]);
    clearTimeout(timer);
    this.readingReceipts?.flush();
    await Promise.all([
      this.tariffs.stop(),
      this.journal?.close(),
      this.out?.stop(),
      this.client?.endAsync(false, {}).catch(() => {}),
    ]);
  }
}

function message(record: RollupRecord): [string, string, { qos: 1 }] {
  return [rollupTopic(record.site, record.interval), JSON.stringify({ v: 1, ...record }), { qos: 1 }];
}
