import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['wattbus-source'] },
  ssr: { resolve: { conditions: ['wattbus-source'] } },
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
