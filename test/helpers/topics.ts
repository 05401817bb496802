/** Test helpers over the Broker interface: produce keyed JSON records, read a whole topic back. */
import { partitionForKey } from '../../src/broker/partitioner.js';
import type { Broker, ConsumedRecord, IsolationLevel, ProducerRecord } from '../../src/broker/types.js';

export async function produce(
  broker: Broker,
  topic: string,
  records: Array<{ key: string | null; value: string | Buffer | null; timestamp?: number }>,
): Promise<void> {
  const partitions = await broker.partitionCount(topic);
  if (partitions === undefined) throw new Error(`topic '${topic}' does not exist`);
  const producer = broker.producer();
  await producer.connect();
  try {
    let rr = 0;
    const batch: ProducerRecord[] = records.map((r) => {
      const key = r.key === null ? null : Buffer.from(r.key);
      return {
        topic,
        partition: key === null ? rr++ % partitions : partitionForKey(key, partitions),
        key,
        value: r.value === null ? null : Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value),
        timestamp: r.timestamp ?? Date.now(),
      };
    });
    // Sends of at most 5,000 records or ~512 KiB, under Kafka's default request limit per partition.
    let chunk: ProducerRecord[] = [];
    let bytes = 0;
    for (const record of batch) {
      const size = 80 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
      if (chunk.length > 0 && (chunk.length >= 5000 || bytes + size > 512 * 1024)) {
        await producer.send(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(record);
      bytes += size;
    }
    if (chunk.length > 0) await producer.send(chunk);
  } finally {
    await producer.close();
  }
}

/** Every record currently in `topic`, partition by partition in offset order. */
export async function readAll(broker: Broker, topic: string, isolationLevel?: IsolationLevel): Promise<ConsumedRecord[]> {
  const [begin, end] = await Promise.all([broker.beginningOffsets(topic), broker.endOffsets(topic)]);
  const out: ConsumedRecord[] = [];
  for (let p = 0; p < end.length; p++) {
    if (end[p] > begin[p]) {
      await broker.readPartition({ topic, partition: p }, begin[p], end[p], (batch) => out.push(...batch), { isolationLevel });
    }
  }
  return out;
}

/** Polls `topic` until it holds at least `count` records (or fails after `timeoutMs`). */
export async function waitForRecords(broker: Broker, topic: string, count: number, timeoutMs = 60_000): Promise<ConsumedRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const total = (await broker.endOffsets(topic)).reduce((a, b) => a + b, 0);
    if (total >= count) return readAll(broker, topic);
    if (Date.now() > deadline) throw new Error(`topic '${topic}' has ${total} records after ${timeoutMs} ms, expected ${count}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
