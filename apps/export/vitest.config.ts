import { defineConfig } from 'vitest/config';

// The Cassandra and InfluxDB 2 round trips need servers CI cannot install: each is collected only when
// WATTBUS_TEST_CASSANDRA / WATTBUS_TEST_INFLUX2 points at one (as in packages/sinks), and run by hand.
const live = [
  process.env.WATTBUS_TEST_CASSANDRA && 'test/live/cassandra.live.test.ts',
  process.env.WATTBUS_TEST_CASSANDRA && 'test/live/cassandra-rollups.live.test.ts',
  process.env.WATTBUS_TEST_INFLUX2 && 'test/live/influx2.live.test.ts',
].filter((f): f is string => Boolean(f));

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: { include: ['src/**/*.test.ts', 'test/*.test.ts', ...live], testTimeout: 120_000, hookTimeout: 120_000 },
});
