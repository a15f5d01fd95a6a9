import { isAddressInUse, stablePort } from '@wattbus/testkit';
import { app, type FaultableBroker } from './services.js';

/**
 * `n` nodes of our broker app in cluster mode over the Redis at `redisUrl`, each on a stablePort() of its own so that
 * a node SIGKILLed and started again is where its clients' URL lists expect it.
 */
export async function clusterNodes(redisUrl: string, n: number, heartbeatMs: number): Promise<FaultableBroker[]> {
  const nodes: FaultableBroker[] = [];
  for (let i = 1; i <= n; i++) nodes.push(await clusterNode(redisUrl, `node-${i}`, heartbeatMs));
  return nodes;
}

async function clusterNode(redisUrl: string, nodeId: string, heartbeatMs: number): Promise<FaultableBroker> {
  for (let attempt = 1; ; attempt++) {
    const port = await stablePort();
    try {
      const node = await app(nodeId, 'broker', {
        listeners: { tcp: { host: '127.0.0.1', port } },
        auth: { allow_anonymous: true },
        cluster: { redis_url: redisUrl, node_id: nodeId, heartbeat_ms: heartbeatMs },
      });
      return { ...node, url: `mqtt://127.0.0.1:${port}` };
    } catch (err) {
      if (attempt >= 3 || !isAddressInUse(err)) throw err;
    }
  }
}
