import { readFileSync } from 'node:fs';
import { freePort, type ProcessHandle, REPO_ROOT, startProcess, type TempDir, tempDir } from '@wattbus/testkit';

/**
 * A Cassandra node of its own for tests that kill and restart it. WATTBUS_TEST_CASSANDRA_START is a command
 * that runs one node in the foreground: `<command> <native port> <data dir> <periodic|batch|group>`,
 * listening on 127.0.0.1 with data center datacenter1 (docs/stores.md, Cassandra, shows one).
 */
export interface CassandraNode {
  contactPoint: string;
  /** SIGKILL: a crash, as a power cut would leave the commit log. */
  crash(): Promise<void>;
  /** Starts the node again on the same port and data; resolves once it answers CQL. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

// printed once the native transport is bound ("Starting listening for CQL clients" comes just before)
const READY = /Startup complete/;

export async function startCassandraNode(commitlogSync: string): Promise<CassandraNode> {
  const command = process.env.WATTBUS_TEST_CASSANDRA_START as string;
  const port = await freePort();
  const data: TempDir = await tempDir('wattbus-cassandra-');
  let proc: ProcessHandle | undefined;
  const start = async () => {
    proc = await startProcess(command, [String(port), data.path, commitlogSync], {
      readyWhen: READY,
      readyTimeoutMs: 180_000,
    });
  };
  await start();
  return {
    contactPoint: `127.0.0.1:${port}`,
    crash: async () => {
      await proc?.kill9();
    },
    start,
    stop: async () => {
      await proc?.stop('SIGTERM', 30_000);
      await data.cleanup();
    },
  };
}

/** The `commitlog_sync` that deploy/compose.yaml gives its Cassandra (Cassandra's default: periodic). */
export function deployCommitlogSync(): string {
  const compose = readFileSync(`${REPO_ROOT}/deploy/compose.yaml`, 'utf8');
  return /commitlog_sync: (periodic|batch|group)\b/.exec(compose)?.[1] ?? 'periodic';
}
