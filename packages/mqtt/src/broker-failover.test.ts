import { freePort, makeTestPki, startMosquitto, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { expect, it } from 'vitest';
import { connectMqtt, type MqttEvent } from './connect.js';

it('moves to the next broker of its list when its broker dies, round robin, and back to the first when it returns', {
  timeout: 60_000,
}, async () => {
  const [a, b] = await Promise.all([startMosquitto(), startMosquitto()]);
  const events: MqttEvent[] = [];
  const client = connectMqtt(
    {
      url: [a.url, b.url],
      reject_unauthorized: true,
      protocol_version: 4,
      keepalive_s: 30,
      reconnect_min_ms: 100,
      reconnect_max_ms: 400,
    },
    { clientId: 'failover-test', onEvent: (e) => events.push(e) },
  );
  const connects = () => events.flatMap((e) => (e.type === 'connect' ? [e.url] : []));
  const scheduled = () => events.flatMap((e) => (e.type === 'reconnect-scheduled' ? [e.url] : []));
  const received: string[] = [];
  client.on('message', (_topic, payload) => received.push(payload.toString()));
  try {
    await waitFor(() => client.connected, { what: 'the first connection' });
    expect(connects()).toEqual([a.url]);
    await client.subscribeAsync('failover/to-client', { qos: 1 });

    await a.kill9();
    await waitFor(() => client.connected && connects().length === 2, { what: 'a connection to the second broker' });
    expect(connects()).toEqual([a.url, b.url]);
    // Publish and subscribe work there: B's own clients see the client's message, and its resubscription gets theirs.
    const onB = await mqtt.connectAsync(b.url, { clientId: 'failover-watcher', reconnectPeriod: 0 });
    const seenOnB: string[] = [];
    onB.on('message', (_topic, payload) => seenOnB.push(payload.toString()));
    await onB.subscribeAsync('failover/from-client', { qos: 1 });
    await client.publishAsync('failover/from-client', 'via B', { qos: 1 });
    await waitFor(() => seenOnB.includes('via B'), { what: "the client's publish, on B" });
    await onB.publishAsync('failover/to-client', 'from B', { qos: 1 });
    await waitFor(() => received.includes('from B'), { what: "B's publish, at the client" });
    await onB.endAsync();

    // B dies too, A is still down: every attempt fails and the next goes to the other broker, until A is back.
    await b.kill9();
    await waitFor(() => scheduled().length >= 6, { what: 'attempts at both dead brokers' });
    await a.restart();
    await waitFor(() => client.connected && connects().length === 3, { what: 'the connection back to the first' });
    expect(connects()).toEqual([a.url, b.url, a.url]);
    const tried = scheduled();
    expect(tried).toEqual(tried.map((_, i) => (i % 2 === 0 ? b.url : a.url)));
    expect(tried.at(-1)).toBe(a.url);
    // Each refused attempt is reported with the URL it went to (the error message names the same port).
    const refused = events.filter((e) => e.type === 'error' && e.code === 'ECONNREFUSED');
    expect(refused.length).toBeGreaterThanOrEqual(4);
    for (const e of refused) if (e.type === 'error') expect(e.message).toContain(`:${new URL(e.url).port}`);
    expect(new Set(refused.map((e) => (e.type === 'error' ? e.url : '')))).toEqual(new Set([a.url, b.url]));
  } finally {
    await client.endAsync(true);
    await Promise.all([a.stop(), b.stop()]);
  }
});

it('uses the TLS files of mqtt: for every broker of the list (mutual TLS, each host name checked)', {
  timeout: 60_000,
}, async () => {
  const pki = await makeTestPki();
  const client = await pki.clientCertificate('failover-tls');
  const tlsBroker = async () => {
    const port = await freePort();
    const broker = await startMosquitto({
      extraConfig: [
        `listener ${port} 127.0.0.1`,
        `cafile ${pki.caFile}`,
        `certfile ${pki.server.cert}`,
        `keyfile ${pki.server.key}`,
        'require_certificate true',
      ].join('\n'),
    });
    return { broker, port };
  };
  const [a, b] = await Promise.all([tlsBroker(), tlsBroker()]);
  // the server certificate is for localhost and 127.0.0.1: one URL each
  const urls = [`mqtts://localhost:${a.port}`, `mqtts://127.0.0.1:${b.port}`];
  const events: MqttEvent[] = [];
  const mqttClient = connectMqtt(
    {
      url: urls,
      ca: pki.caFile,
      cert: client.cert,
      key: client.key,
      reject_unauthorized: true,
      protocol_version: 4,
      keepalive_s: 30,
      reconnect_min_ms: 100,
      reconnect_max_ms: 400,
    },
    { clientId: 'failover-tls-test', onEvent: (e) => events.push(e) },
  );
  const connects = () => events.flatMap((e) => (e.type === 'connect' ? [e.url] : []));
  try {
    await waitFor(() => mqttClient.connected, { what: 'a TLS connection to the first broker' });
    await a.broker.kill9();
    await waitFor(() => mqttClient.connected && connects().length === 2, { what: 'a TLS connection to the second' });
    expect(connects()).toEqual(urls);
    await mqttClient.publishAsync('failover/tls', 'over TLS to B', { qos: 1 });
    expect(events.filter((e) => e.type === 'error' && /TLS|certificate/i.test(e.message))).toEqual([]);
  } finally {
    await mqttClient.endAsync(true);
    await Promise.all([a.broker.stop(), b.broker.stop()]);
    await pki.cleanup();
  }
});
