import type { MqttClient } from 'mqtt';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetainedSnapshotOptions {
  /** The snapshot is taken as complete once no message came for this long after the SUBACK… */
  settleMs?: number;
  /** …or after this long in any case. */
  maxWaitMs?: number;
}

/**
 * Subscribes (QoS1) and resolves once the broker's retained messages on `filters` have arrived. MQTT marks no end
 * of them, so that is once none has come for `settleMs`, or after `maxWaitMs`. The messages go to the client's
 * 'message' listeners as usual.
 */
export async function subscribeRetained(
  client: MqttClient,
  filters: string[],
  { settleMs = 150, maxWaitMs = 5000 }: RetainedSnapshotOptions = {},
): Promise<void> {
  let lastAt = Date.now();
  const seen = () => {
    lastAt = Date.now();
  };
  client.on('message', seen);
  try {
    await client.subscribeAsync(filters, { qos: 1 });
    const started = Date.now();
    lastAt = started;
    while (Date.now() - lastAt < settleMs && Date.now() - started < maxWaitMs) await sleep(25);
  } finally {
    client.off('message', seen);
  }
}
