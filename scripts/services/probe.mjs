// Readiness probe used by services.sh: exits 0 once the service answers a real request.
//   node probe.mjs kafka 127.0.0.1:9092       (a metadata request)
//   node probe.mjs cassandra 127.0.0.1:9042   (SELECT release_version FROM system.local)
const [kind, address] = process.argv.slice(2);

async function probeKafka() {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 2000 }).admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [] });
  } finally {
    await admin.disconnect();
  }
}

async function probeCassandra() {
  const { Client } = (await import('cassandra-driver')).default;
  const [host, port] = address.split(':');
  const client = new Client({ contactPoints: [host], protocolOptions: { port: Number(port) }, localDataCenter: 'datacenter1' });
  try {
    const rs = await client.execute('SELECT release_version FROM system.local');
    console.log(rs.first().release_version);
  } finally {
    await client.shutdown();
  }
}

try {
  await (kind === 'kafka' ? probeKafka() : probeCassandra());
  process.exit(0);
} catch (err) {
  console.error(String(err?.message ?? err));
  process.exit(1);
}
