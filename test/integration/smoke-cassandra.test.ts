/**
 * Proves the real Cassandra node (our ScyllaDB stand-in: same CQL protocol, same driver) answers:
 * a keyspace with RF 1, a table, 1,000 rows inserted with a prepared statement and read back.
 */
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraContactPoints, uniqueName } from '../helpers/services.js';

describe('Cassandra smoke test', () => {
  const keyspace = uniqueName('smoke');
  let client: cassandra.Client;

  beforeAll(async () => {
    const [host, port] = cassandraContactPoints()[0].split(':');
    client = new cassandra.Client({
      contactPoints: [host],
      protocolOptions: { port: Number(port) },
      localDataCenter: 'datacenter1',
    });
    await client.connect();
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('creates a keyspace and table, writes 1,000 rows with a prepared statement and reads them back', async () => {
    await client.execute(
      `CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
    );
    await client.execute(
      `CREATE TABLE ${keyspace}.readings (device text, ts timestamp, kwh double, PRIMARY KEY (device, ts))`,
    );
    const insert = `INSERT INTO ${keyspace}.readings (device, ts, kwh) VALUES (?, ?, ?)`;
    const base = Date.UTC(2026, 0, 1);
    const rows = Array.from({ length: 1000 }, (_, i) => [`device-${i % 10}`, new Date(base + i * 1000), i / 10]);
    // executeConcurrent always runs the statement prepared.
    await cassandra.concurrent.executeConcurrent(client, insert, rows);

    const count = await client.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.readings`);
    expect(Number(count.first().n)).toBe(1000);

    const one = await client.execute(`SELECT kwh FROM ${keyspace}.readings WHERE device = ? AND ts = ?`, ['device-7', new Date(base + 997 * 1000)], {
      prepare: true,
    });
    expect(one.first().kwh).toBeCloseTo(99.7);

    const perDevice = await client.execute(`SELECT COUNT(*) AS n FROM ${keyspace}.readings WHERE device = ?`, ['device-3'], { prepare: true });
    expect(Number(perDevice.first().n)).toBe(100);
  });
});
