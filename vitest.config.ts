import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Dawn (webgpu package) and SwiftShader are heavy; forks keep each file's GPU instance isolated.
    pool: 'forks',
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
