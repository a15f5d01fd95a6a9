import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // one file per broker, each with its own broker, influxd, sink worker, alerter and portal: both at once
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
