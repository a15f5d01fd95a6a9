import { type PublishOutcome, RawMqtt } from './raw-mqtt.js';
import { alerterVerdict, HOSTILE, type Hostile, sinkVerdict, type Verdict } from './verdict.js';

export interface Sent extends Hostile {
  outcome: PublishOutcome;
  sink: Verdict;
  alerter: Verdict;
}

/**
 * Publishes house-12's messages over raw connections with its valid password, one after another, opening a new
 * connection whenever the broker closed the last one (Aedes disconnects on an ACL-denied publish or a bad topic;
 * mosquitto acknowledges denied publishes and drops them). Each message is judged by the contract when it is sent.
 */
export class HostileSender {
  readonly sent: Sent[] = [];
  connections = 0;
  refusedLogins = 0;
  private client: RawMqtt | undefined;

  constructor(private readonly login: { port: number; ca: Buffer; password: string }) {}

  private async connection(): Promise<RawMqtt | undefined> {
    if (this.client && !this.client.closed) return this.client;
    this.connections++;
    const { client, code } = await RawMqtt.open({ ...this.login, clientId: `${HOSTILE}-hostile`, username: HOSTILE });
    if (code !== 0) {
      this.refusedLogins++;
      await client.end();
      return undefined;
    }
    this.client = client;
    return client;
  }

  /** Sends each message and waits for its PUBACK (or the close); up to `window` at once on one connection. */
  async send(messages: readonly Hostile[], window = 1): Promise<void> {
    for (let i = 0; i < messages.length; i += window) {
      const batch = messages.slice(i, i + window);
      const client = await this.connection();
      const outcomes = await Promise.all(
        batch.map((m) => (client ? client.publish(m.topic, m.payload, m.retain) : Promise.resolve('closed' as const))),
      );
      const now = Date.now();
      batch.forEach((m, k) => {
        this.sent.push({
          ...m,
          outcome: outcomes[k] ?? 'closed',
          sink: sinkVerdict(m, now),
          alerter: alerterVerdict(m, now),
        });
      });
    }
  }

  /** A message the broker publishes for house-12 as its Will, when its connection drops without a DISCONNECT. */
  async will(message: Hostile, alsoSubscribe: string): Promise<void> {
    this.connections++;
    const { client, code } = await RawMqtt.open({
      ...this.login,
      clientId: `${HOSTILE}-will`,
      username: HOSTILE,
      will: { topic: message.topic.toString(), payload: message.payload, retain: message.retain ?? false },
    });
    if (code === 0) await client.subscribe(alsoSubscribe);
    client.drop();
    const now = Date.now();
    // a refused login leaves no Will to publish
    const [sink, alerter] =
      code === 0 ? [sinkVerdict(message, now), alerterVerdict(message, now)] : (['unseen', 'unseen'] as const);
    this.sent.push({ ...message, outcome: code === 0 ? 'acked' : 'closed', sink, alerter });
  }

  async close(): Promise<void> {
    await this.client?.end();
  }
}
