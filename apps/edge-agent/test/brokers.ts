import mqtt, { type MqttClient } from 'mqtt';

export { TEST_BROKERS as BROKERS, type TestBroker } from '@wattbus/testkit';

export interface Received {
  topic: string;
  payload: unknown;
  retain: boolean;
}

let observers = 0;

/** An independent MQTT client that records every message on `filter`, with its retain flag. */
export async function observe(url: string, filter: string): Promise<{ messages: Received[]; client: MqttClient }> {
  const client = await mqtt.connectAsync(url, {
    clientId: `observer-${process.pid}-${++observers}`,
    reconnectPeriod: 0,
  });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: JSON.parse(payload.toString('utf8')), retain: packet.retain });
  });
  await client.subscribeAsync(filter, { qos: 1 });
  return { messages, client };
}
