import { DEPLOY_ACL, type Fixture } from '@wattbus/broker-targets';
import { freePort, type ProcessHandle, type RedisHandle, retryWhileAddressInUse, startApp } from '@wattbus/testkit';

/** One broker process of a test cluster, on its own port. */
export interface ClusterNodeHandle {
  name: string;
  url: string;
  output(): string;
  /** SIGKILL: no goodbye to Redis, the other nodes or its clients. */
  kill9(): Promise<void>;
  /** Starts it again on the same port (after kill9). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

// A dead node is noticed after 3 heartbeats and its clients' Wills published after 4 to 7 (Aedes): within seconds,
// yet long enough for a client to be back on another node first.
export const TEST_HEARTBEAT_MS = 1000;

/**
 * `n` wattbus-broker processes sharing one Redis, each with the deployed ACL and the fixture's password file; with
 * `cluster: false` the same processes stand alone (each its own in-memory store): what the tests must tell apart.
 */
export async function startClusterNodes(
  fixture: Fixture,
  redis: RedisHandle,
  n: number,
  options: { cluster?: boolean } = {},
): Promise<ClusterNodeHandle[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const name = `node-${i + 1}`;
      const port = await freePort();
      const config = {
        listeners: { tcp: { host: '127.0.0.1', port } },
        auth: { password_file: fixture.passwordFile, acl_file: DEPLOY_ACL },
        ...(options.cluster !== false && {
          cluster: { redis_url: redis.url, node_id: name, heartbeat_ms: TEST_HEARTBEAT_MS },
        }),
      };
      let proc: ProcessHandle | undefined = await startApp('broker', config);
      return {
        name,
        url: `mqtt://127.0.0.1:${port}`,
        output: () => proc?.output() ?? '',
        kill9: async () => {
          await proc?.kill9();
          proc = undefined;
        },
        start: async () => {
          proc = await retryWhileAddressInUse(() => startApp('broker', config));
        },
        stop: async () => {
          await proc?.stop();
          proc = undefined;
        },
      };
    }),
  );
}
