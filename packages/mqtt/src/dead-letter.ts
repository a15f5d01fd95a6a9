import { makeDeadLetter, topics } from '@wattbus/contract';
import type { MqttClient } from 'mqtt';

/** Publishes a dead letter (QoS1) to `wattbus/v1/dlq/<consumer>`; resolves once the broker has it. */
export async function publishDeadLetter(
  client: MqttClient,
  consumer: string,
  topic: string,
  payload: Uint8Array,
  reason: string,
): Promise<void> {
  const letter = makeDeadLetter({ consumer, topic, payload, reason });
  await client.publishAsync(topics.dlq(consumer), JSON.stringify(letter), { qos: 1 });
}
