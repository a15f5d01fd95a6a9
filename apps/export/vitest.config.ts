import { defineConfig } from 'vitest/config';

// The Cassandra round trip needs a server CI cannot install: it is collected only when WATTBUS_TEST_CASSANDRA
// points at one (as in packages/sinks), and run by hand.
const live = [process.env.WATTBUS_TEST_CASSANDRA && 'test/live/cassandra.live.test.ts'].filter((f): f is string =>
  Boolean(f),
);

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: { include: ['src/**/*.test.ts', 'test/*.test.ts', ...live], testTimeout: 60_000, hookTimeout: 60_000 },
});
