import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // every scenario file runs its own pipeline of real processes; a few at once fit the 2-core machine
    pool: 'forks',
    poolOptions: { forks: { minForks: 1, maxForks: 4 } },
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
