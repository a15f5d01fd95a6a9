import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import {
  type ChannelSample,
  type DriverChannel,
  type DriverContext,
  type MeterDriver,
  MeterReadError,
  PartialReadError,
} from '../driver.js';
import { type FluksoConfig, isHttpUrl } from './config.js';
import { FluksoHttpMeter } from './http-meter.js';
import { topicsFor } from './payload.js';
import { FluksoDataError, FluksoSensors, FluksoSilentSensorError } from './sensors.js';

/**
 * A Fluksometer read through its local MQTT broker: `open` subscribes to the gauge (W) and counter (Wh) topics of
 * the configured sensors, `read` returns the latest values received since the previous read, combined per channel
 * with the sensors' factors and phases. Samples carry the Fluksometer's timestamps.
 */
export class FluksoMeter implements MeterDriver {
  readonly channels: readonly DriverChannel[];
  readonly minIntervalMs = 1000;
  private readonly sensors: FluksoSensors;
  private client: MqttClient | undefined;
  private openedAt = 0;
  private lastError: string | undefined;

  constructor(
    private readonly config: FluksoConfig,
    private readonly ctx: DriverContext,
    /** Our clock, for the arrival times of messages (tests replace it). */
    private readonly clock: () => number = Date.now,
  ) {
    try {
      this.sensors = new FluksoSensors(config.sensors, config.max_power_w);
    } catch (err) {
      throw new Error(`meter ${ctx.meterId}: config.${(err as Error).message}`);
    }
    this.channels = this.sensors.channels;
  }

  async open(): Promise<void> {
    await this.close();
    const client = mqtt.connect(this.config.url, {
      clientId: `wattbus-${this.ctx.meterId}-${randomBytes(4).toString('hex')}`,
      username: this.config.username,
      password: this.config.password,
      clean: true,
      connectTimeout: this.config.connect_timeout_ms,
      reconnectPeriod: 2000,
    });
    client.on('message', (topic, payload) => this.sensors.receive(topic, payload, this.clock()));
    client.on('error', (err) => {
      this.lastError = err.message;
    });
    client.on('connect', () => {
      this.lastError = undefined;
    });
    this.client = client;
    try {
      await this.connected(client);
      // mqtt.js subscribes again by itself after a reconnection
      // rejects when the broker refuses a subscription
      await client.subscribeAsync(this.sensors.sensorIds.flatMap(topicsFor), { qos: 0 });
    } catch (err) {
      await this.close();
      throw new MeterReadError(
        this.ctx.meterId,
        `cannot read from the Fluksometer's broker ${this.config.url}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    this.openedAt = this.clock();
    await this.firstData(client);
  }

  /** Resolves once every sensor has sent a gauge, or after first_data_ms (then reads report the silent ones). */
  private firstData(client: MqttClient): Promise<void> {
    if (this.config.first_data_ms === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        client.off('message', check);
        resolve();
      };
      const check = () => {
        if (this.sensors.complete) done();
      };
      const timer = setTimeout(done, this.config.first_data_ms);
      client.on('message', check);
      check();
    });
  }

  private connected(client: MqttClient): Promise<void> {
    if (client.connected) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.off('connect', onConnect);
        reject(
          new Error(`no connection within ${this.config.connect_timeout_ms} ms (${this.lastError ?? 'no answer'})`),
        );
      }, this.config.connect_timeout_ms);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connect', onConnect);
    });
  }

  /**
   * Silence is measured on our clock, like the arrival of messages. A sensor that sent nothing during the wait
   * for first data fails its channels at once (with first_data_ms 0, after stale_after_s).
   */
  async read(_now: number): Promise<ChannelSample[]> {
    if (!this.client) throw new MeterReadError(this.ctx.meterId, 'not open');
    const staleMs = this.config.stale_after_s * 1000;
    try {
      return this.sensors.take(this.clock(), staleMs, this.openedAt, this.config.first_data_ms > 0);
    } catch (err) {
      if (!(err instanceof FluksoDataError)) throw err;
      const link = this.client.connected
        ? ''
        : ` (not connected to ${this.config.url}: ${this.lastError ?? 'reconnecting'})`;
      const message = `${err.message}${link}`;
      if (err instanceof FluksoSilentSensorError) {
        throw new PartialReadError(this.ctx.meterId, err.samples, message, { cause: err });
      }
      throw new MeterReadError(this.ctx.meterId, message, { cause: err });
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.endAsync(true);
  }
}

/** The meter for the url's scheme: http:// reads the local HTTP API, mqtt(s):// the Fluksometer's broker. */
export function createFluksoMeter(config: FluksoConfig, ctx: DriverContext): MeterDriver {
  return isHttpUrl(config.url) ? new FluksoHttpMeter(config, ctx) : new FluksoMeter(config, ctx);
}
