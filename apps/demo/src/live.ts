import { filters } from '@wattbus/contract';
import { connectMqtt } from '@wattbus/mqtt';
import type { MqttClient } from 'mqtt';
import { applyMessage, type DemoState } from './state.js';

/**
 * The view's own MQTT client: subscribes to everything under `wattbus/v1/#` (retained status, info and
 * alerts arrive at once) and folds each message into `state`.
 */
export class LiveFeed {
  private client: MqttClient | undefined;

  constructor(
    private readonly url: string,
    private readonly state: DemoState,
    private readonly onMessage: (kind: ReturnType<typeof applyMessage>) => void = () => {},
  ) {}

  start(): void {
    const client = connectMqtt(
      {
        url: this.url,
        reject_unauthorized: true,
        protocol_version: 4,
        keepalive_s: 30,
        reconnect_min_ms: 250,
        reconnect_max_ms: 2000,
      },
      // The demo's own broker on localhost; the view shows whether it is connected.
      { clientId: `wattbus-demo-view-${process.pid}`, onEvent: () => {} },
    );
    this.client = client;
    client.on('connect', () => {
      client.subscribe(filters.all, { qos: 0 });
    });
    client.on('message', (topic, payload) => {
      this.onMessage(applyMessage(this.state, topic, payload, Date.now()));
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => {});
  }
}
