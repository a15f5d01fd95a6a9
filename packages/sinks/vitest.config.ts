import { defineConfig } from 'vitest/config';

// Live tests against servers that cannot be installed on the CI machine run only when the environment
// points at one (WATTBUS_TEST_CASSANDRA, WATTBUS_TEST_INFLUX2), or names a command that starts a Cassandra
// node the tests may crash (WATTBUS_TEST_CASSANDRA_START); otherwise they are not collected at all.
const live = [
  process.env.WATTBUS_TEST_CASSANDRA && 'test/live/cassandra.live.test.ts',
  process.env.WATTBUS_TEST_CASSANDRA_START && 'test/live/cassandra-faults.live.test.ts',
  process.env.WATTBUS_TEST_INFLUX2 && 'test/live/influx2.live.test.ts',
].filter((f): f is string => Boolean(f));

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/*.test.ts', ...live],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
