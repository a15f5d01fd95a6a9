import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import type { Logger } from 'pino';
import type { ExactDedupe } from './aedes-dedupe-fix.js';
import type { AccessControl } from './auth/access-control.js';
import type { LimitsConfig } from './config.js';
import { ConnectionGate } from './limits/connection-gate.js';
import { guardStream, type PacketLimits } from './limits/packet-guard.js';
import type { UnsentBytes } from './limits/unsent-bytes.js';
import type { Acceptor, ConnectionInfo } from './listeners/listener.js';
import type { BrokerMetrics } from './metrics.js';
import { checkStrings } from './mqtt-strings-check.js';

export interface AcceptorDeps {
  aedes: Aedes;
  dedupe: ExactDedupe;
  limits: LimitsConfig;
  access: AccessControl;
  connections: WeakMap<object, ConnectionInfo>;
  metrics: BrokerMetrics;
  unsent: UnsentBytes;
  log: Logger;
}

function packetLimits(limits: LimitsConfig): PacketLimits {
  const rate = limits.publish_rate;
  return {
    maxPacketBytes: limits.max_packet_bytes,
    maxBufferedBytes: limits.slow_reader.max_buffered_bytes,
    publishRate:
      rate.per_second > 0 ? { perSecond: rate.per_second, burst: rate.burst, onExceed: rate.on_exceed } : undefined,
  };
}

/**
 * How every listener's connections reach Aedes: the connection limits first (before TLS or MQTT work), then
 * the packet limits on the byte stream, then Aedes, with the connection's details kept for the auth hooks.
 */
export function createAcceptor(deps: AcceptorDeps): Acceptor {
  const { aedes, dedupe, limits, access, connections, metrics, unsent, log } = deps;
  const rate = limits.connection_rate;
  const gate = new ConnectionGate({
    maxConnections: limits.max_connections,
    perAddress: rate.per_second > 0 ? { perSecond: rate.per_second, burst: rate.burst } : undefined,
  });
  const guard = packetLimits(limits);
  return {
    admit: (socket, listener) => {
      const refused = gate.admit(socket);
      if (refused === undefined) return true;
      metrics.connectionsRefused.inc({ reason: refused });
      // debug: a connection storm must not become a log storm; the metric counts them.
      log.debug({ listener, remote: socket.remoteAddress, reason: refused }, 'connection refused');
      return false;
    },
    serve: (stream: Duplex, info: ConnectionInfo, req?: IncomingMessage) => {
      const guarded = guardStream(stream, guard, () => metrics.throttled.inc());
      unsent.track(guarded);
      connections.set(guarded, info);
      const client = aedes.handle(guarded, req);
      dedupe.track(client);
      checkStrings(client);
      guarded.once('close', () => {
        if (client.id) access.release(client.id, client);
      });
    },
  };
}
