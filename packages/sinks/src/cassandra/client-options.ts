import { auth, type ClientOptions, ExecutionProfile, policies, types } from 'cassandra-driver';
import type { CassandraConfig } from './config.js';

export const WRITE_PROFILE = 'wattbus-write';

/** First reconnection attempt right away, then 250 ms doubling up to `reconnect_max_ms`. */
export const reconnectionPolicy = (config: CassandraConfig) =>
  new policies.reconnection.ExponentialReconnectionPolicy(250, config.reconnect_max_ms, true);

const consistencyName = (config: CassandraConfig) =>
  config.consistency.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof types.consistencies;

/**
 * The driver's options. The reconnection policy matters most: the driver's default waits up to 10 minutes
 * between attempts to reach a node it saw go down, and every write fails with "All host(s) tried" until an
 * attempt succeeds, so after a long outage writes would resume minutes after the node is back.
 */
export function clientOptions(config: CassandraConfig): ClientOptions {
  return {
    contactPoints: config.contact_points,
    localDataCenter: config.local_data_center,
    ...(config.username !== undefined && {
      authProvider: new auth.PlainTextAuthProvider(config.username, config.password ?? ''),
    }),
    policies: { reconnection: reconnectionPolicy(config) },
    profiles: [new ExecutionProfile(WRITE_PROFILE, { consistency: types.consistencies[consistencyName(config)] })],
    queryOptions: { prepare: true, isIdempotent: true },
  };
}
