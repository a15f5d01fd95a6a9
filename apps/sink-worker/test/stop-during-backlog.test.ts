import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleReading } from '@wattbus/contract';
import { readStoredReadings, startApp, startInfluxd, startMosquitto, tempDir, waitFor } from '@wattbus/testkit';
import { Client } from 'cassandra-driver';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';

const BACKLOG = 50_000;
const TOPIC = 'wattbus/v1/house-12/main/reading';

/** Sequence numbers of every JSON-lines row the file sink wrote under `dir`. */
async function fileSeqs(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.endsWith('.jsonl')) continue;
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      if (line) seqs.push((JSON.parse(line) as { seq: number }).seq);
    }
  }
  return seqs;
}

/** With WATTBUS_TEST_CASSANDRA=host:port (a live node, see packages/sinks), the Cassandra sink too. */
const CASSANDRA = process.env.WATTBUS_TEST_CASSANDRA;

const cassandra = async () => {
  const keyspace = `wattbus_stop_${process.pid}`;
  const localDataCenter = process.env.WATTBUS_TEST_CASSANDRA_DC ?? 'datacenter1';
  const client = new Client({ contactPoints: [CASSANDRA as string], localDataCenter });
  return {
    config: {
      cassandra: {
        contact_points: [CASSANDRA],
        local_data_center: localDataCenter,
        keyspace,
        replication: { class: 'SimpleStrategy', replication_factor: 1 },
      },
    },
    storedSeqs: async () => {
      const seqs: number[] = [];
      try {
        // every page, not only the first 5,000 rows
        for await (const row of await client.execute(`SELECT seq FROM ${keyspace}.readings`))
          seqs.push(Number(row.seq));
      } catch {
        // the keyspace does not exist before the worker's first open
      }
      return seqs;
    },
    cleanup: async () => {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await client.shutdown();
    },
  };
};

const SINKS = {
  ...(CASSANDRA && { cassandra }),
  file: async () => {
    const dir = await tempDir('wattbus-stop-file-');
    return {
      config: { file: { dir: dir.path, formats: ['jsonl'] } },
      storedSeqs: () => fileSeqs(dir.path),
      cleanup: () => dir.cleanup(),
    };
  },
  influx: async () => {
    const influx = await startInfluxd();
    return {
      config: { influx: { url: influx.url, database: 'stop', site_tags: [] } },
      storedSeqs: async () => (await readStoredReadings(influx, 'stop').catch(() => [])).map((r) => r.seq),
      cleanup: () => influx.stop(),
    };
  },
};

describe.each(Object.entries(SINKS))('sink-worker with a %s sink', (sinkType, startSink) => {
  it(`stops on SIGTERM by itself while draining a ${BACKLOG}-reading backlog, and the next worker stores the rest`, async () => {
    // The broker sends 200 unacked messages at most and the worker holds 100 at most, so it drains about 100 per
    // write: the SIGTERM comes mid-backlog, with a full window held.
    const [broker, sink] = await Promise.all([
      startMosquitto({ extraConfig: 'max_inflight_messages 200' }),
      startSink(),
    ]);
    const config = {
      mqtt: { url: broker.url },
      consumer: { id: `stop-${sinkType}`, max_in_flight: 100 },
      sinks: sink.config,
    };
    // The persistent session exists, then the backlog piles up for it.
    await (await startApp('sink-worker', config)).stop();
    const pub = await mqtt.connectAsync(broker.url, { clientId: `stop-publisher-${sinkType}` });
    const base = exampleReading();
    for (let from = 1; from <= BACKLOG; from += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          pub.publishAsync(TOPIC, JSON.stringify({ ...base, seq: from + i, ts: base.ts + (from + i) * 1000 }), {
            qos: 1,
          }),
        ),
      );
    }
    await pub.endAsync();

    const draining = await startApp('sink-worker', config);
    // SIGTERM once the first write is stored: mid-backlog however fast this machine drains (since batches close
    // as soon as the window is drained, a second more let the file sink store over half of it on a quiet machine).
    await waitFor(async () => (await sink.storedSeqs()).length > 0, { what: 'the first write', intervalMs: 20 });
    // Escalation to SIGKILL only after 60 s: a worker that hangs shows as a null exit code, not as a slow test.
    expect(await draining.stop('SIGTERM', 60_000)).toBe(0);
    expect(new Set(await sink.storedSeqs()).size).toBeLessThan(BACKLOG / 2);

    // the same session, at the default window: only the draining worker had to be slow
    const next = await startApp('sink-worker', { ...config, consumer: { id: config.consumer.id } });
    const seqs = await waitFor(
      async () => {
        const s = await sink.storedSeqs();
        return new Set(s).size === BACKLOG ? s : undefined;
      },
      { what: `all ${BACKLOG} readings stored`, timeoutMs: 60_000 },
    );
    expect([...new Set(seqs)].sort((a, b) => a - b)).toEqual(Array.from({ length: BACKLOG }, (_, i) => i + 1));
    if (sinkType !== 'file') expect(seqs).toHaveLength(BACKLOG); // stores keyed by series and time: once each
    expect(await next.stop()).toBe(0);
    await Promise.all([broker.stop(), sink.cleanup()]);
  });
});
