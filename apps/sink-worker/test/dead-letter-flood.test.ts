import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleReading } from '@wattbus/contract';
import { TEST_BROKERS as BROKERS, startApp, type TestBroker, tempDir, waitFor } from '@wattbus/testkit';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const TOPIC = 'wattbus/v1/house-12/main/reading';
const FLOOD = 60;

async function storedSeqs(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    for (const line of (await readFile(join(dir, f), 'utf8')).split('\n')) if (line) seqs.push(JSON.parse(line).seq);
  }
  return seqs.sort((a, b) => a - b);
}

// A dead letter is acked only once the broker has it. Were it published on the connection that stops reading at
// max_in_flight unacked messages, a window full of bad messages would wait for PUBACKs nobody reads.
describe.each(Object.keys(BROKERS) as Array<keyof typeof BROKERS>)(
  'sink-worker on %s: a flood of bad messages',
  (name) => {
    let broker: TestBroker;
    beforeAll(async () => {
      broker = await BROKERS[name]();
    });
    afterAll(() => broker?.stop());

    it('larger than max_in_flight is dead-lettered whole, and the good readings after it are stored', async () => {
      const data = await tempDir('wattbus-dlq-flood-');
      const consumer = `dlq-flood-${name}`;
      const worker = await startApp('sink-worker', {
        mqtt: { url: broker.url },
        consumer: { id: consumer, max_in_flight: 4 },
        batch: { max_size: 10, max_delay_ms: 50 },
        sinks: { file: { dir: data.path } },
      });
      const client = await mqtt.connectAsync(broker.url, { clientId: `dlq-flood-observer-${name}` });
      let letters = 0;
      client.on('message', () => letters++);
      await client.subscribeAsync(`wattbus/v1/dlq/${consumer}`, { qos: 1 });

      await Promise.all(Array.from({ length: FLOOD }, () => client.publishAsync(TOPIC, '{"v":1,', { qos: 1 })));
      for (const seq of [1, 2, 3])
        await client.publishAsync(TOPIC, JSON.stringify({ ...exampleReading(), seq }), { qos: 1 });

      await waitFor(async () => letters === FLOOD && (await storedSeqs(data.path)).length === 3, {
        what: `${FLOOD} dead letters and 3 stored readings`,
        timeoutMs: 30_000,
      });
      expect(await storedSeqs(data.path)).toEqual([1, 2, 3]);
      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(letters).toBe(FLOOD);
      await client.endAsync();
      await data.cleanup();
    });
  },
);
