import { defineConfig } from 'vitest/config';

// Two groups: `unit` needs no services; `integration` (including the broker conformance suite)
// talks to a real Kafka and Cassandra, started by test/setup/services.ts unless
// KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS point at running ones.
export default defineConfig({
  test: {
    // Tests assert on behaviour, not logs: keep the output readable unless asked for more.
    env: { TRIBUTARY_LOG_LEVEL: process.env.TRIBUTARY_LOG_LEVEL ?? 'error' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
          // Unit tests first: they fail fast, before the services start.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/conformance/**/*.test.ts'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Integration files share one broker; running them two at a time keeps a 2-core box responsive.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // Real SIGKILLs of app instances (child processes), scaling, and a broker restart: run alone,
          // after the integration group, one file at a time (one of them restarts the shared broker).
          name: 'fault',
          include: ['test/fault/**/*.test.ts'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 240_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
