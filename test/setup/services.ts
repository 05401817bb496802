/**
 * Vitest global setup for the integration group: makes sure a real Kafka and Cassandra answer.
 * If KAFKA_BROKERS / CASSANDRA_CONTACT_POINTS are set, those are used as they are; otherwise the
 * project's own services script starts them (first use fetches the jars with Maven) and the
 * teardown stops what this setup started, unless TRIBUTARY_KEEP_SERVICES=1.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

const script = fileURLToPath(new URL('../../scripts/services/services.sh', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    cassandraContactPoints: string[];
  }
}

function runScript(args: string[]): string {
  return execFileSync('bash', [script, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

export default function setup(project: TestProject) {
  const wanted: string[] = [];
  if (!process.env.KAFKA_BROKERS) wanted.push('kafka');
  if (!process.env.CASSANDRA_CONTACT_POINTS) wanted.push('cassandra');

  const before = wanted.length ? runScript(['status']) : '';
  const startedHere = wanted.filter((svc) => !before.includes(`${svc} running`));
  if (wanted.length) runScript(['up', ...wanted]);

  const kafkaPort = process.env.KAFKA_PORT ?? '9092';
  const cassandraPort = process.env.CASSANDRA_PORT ?? '9042';
  project.provide('kafkaBrokers', (process.env.KAFKA_BROKERS ?? `127.0.0.1:${kafkaPort}`).split(','));
  project.provide(
    'cassandraContactPoints',
    (process.env.CASSANDRA_CONTACT_POINTS ?? `127.0.0.1:${cassandraPort}`).split(','),
  );

  return () => {
    if (startedHere.length && process.env.TRIBUTARY_KEEP_SERVICES !== '1') runScript(['down', ...startedHere]);
  };
}
