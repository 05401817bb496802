/**
 * The reference rows: consume → produce every record unchanged, batch by batch, with no
 * deserialization. They measure what the transport alone can do, so an engine row's ratio to its
 * reference says how much the engine costs on top.
 *
 * Both commit offsets about once a second (the engine's default commit interval). The kafkajs one
 * writes with the durability Tributary's Kafka producer uses (idempotent, acks=all), so it does the
 * same broker work per record as the engine, minus the engine.
 */
import { Partitioners, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Broker, ProducerRecord, TopicPartitionOffset } from '../../src/broker/types.js';
import { now } from './timing.js';

const COMMIT_INTERVAL_MS = 1000;
/** Buffered output above which the pipelined pipe waits for the producer (the engine's bound too). */
const MAX_PENDING_OUTPUT = 100_000;
/**
 * kafkajs writes each partition's share of a `sendBatch` as one record batch and does not split
 * it; a batch over the broker's `message.max.bytes` (1 MiB by default) is refused whole
 * (MESSAGE_TOO_LARGE). A fetched batch re-produced as is can land just over it, so sends are cut
 * so that no partition gets more than this many (estimated) bytes per request.
 */
const MAX_PARTITION_BYTES_PER_REQUEST = 512 * 1024;
/** Per-record overhead in a v2 record batch, roughly (length, attributes, deltas, header count). */
const RECORD_OVERHEAD_BYTES = 24;

function sizeOf(message: Message): number {
  const key = message.key;
  const value = message.value;
  return (
    RECORD_OVERHEAD_BYTES +
    (key == null ? 0 : typeof key === 'string' ? Buffer.byteLength(key) : key.length) +
    (value == null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length)
  );
}

/**
 * Splits `messages` (each with its partition set) into consecutive requests in which no partition
 * exceeds MAX_PARTITION_BYTES_PER_REQUEST; a partition's records keep their order across requests.
 */
export function splitForRequests(messages: Message[]): Message[][] {
  const requests: Message[][] = [];
  // Per partition: the request its next record goes to, and the bytes it has there already.
  const at = new Map<number, { request: number; bytes: number }>();
  for (const message of messages) {
    const size = sizeOf(message);
    const partition = message.partition ?? -1;
    let slot = at.get(partition);
    if (!slot) at.set(partition, (slot = { request: 0, bytes: 0 }));
    if (slot.bytes > 0 && slot.bytes + size > MAX_PARTITION_BYTES_PER_REQUEST) {
      slot.request++;
      slot.bytes = 0;
    }
    slot.bytes += size;
    (requests[slot.request] ??= []).push(message);
  }
  return requests;
}

async function sendAll(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  for (const request of splitForRequests(messages)) {
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: request }] });
  }
}

export interface RunningPipe {
  /** The error that stopped the pipe, if any. */
  readonly error: Error | undefined;
  close(): Promise<void>;
}

/** Pass-through over Tributary's `Broker` interface (any adapter). */
export async function startBrokerPassThrough(
  broker: Broker,
  options: { input: string; output: string; groupId: string; maxBatchRecords: number },
): Promise<RunningPipe> {
  const { input, output, groupId, maxBatchRecords } = options;
  const producer = broker.producer();
  await producer.connect();
  const consumer = broker.consumer({ groupId, topics: [input], autoOffsetReset: 'earliest', maxBatchRecords });
  const uncommitted = new Map<number, number>();
  let lastCommit = now();
  const pipe: { error: Error | undefined; close(): Promise<void> } = {
    error: undefined,
    async close() {
      await consumer.close().catch(() => undefined);
      await producer.close().catch(() => undefined);
    },
  };
  await consumer.run(
    async (batch) => {
      const records = batch.records;
      if (records.length === 0) return;
      const out: ProducerRecord[] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const r = records[i];
        out[i] = { topic: output, partition: batch.partition, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers };
      }
      await producer.send(out);
      uncommitted.set(batch.partition, records[records.length - 1].offset + 1);
      if (now() - lastCommit >= COMMIT_INTERVAL_MS) {
        const offsets: TopicPartitionOffset[] = [...uncommitted].map(([partition, offset]) => ({ topic: input, partition, offset }));
        uncommitted.clear();
        lastCommit = now();
        await consumer.commit(offsets);
      }
    },
    (err) => {
      pipe.error = err;
    },
  );
  return pipe;
}

/**
 * Pass-through with plain kafkajs: a consumer group with `eachBatch`, records forwarded as the
 * Buffers kafkajs decoded (keys, values, timestamps, headers; partition unchanged).
 *
 * - `awaited`: one `producer.sendBatch` per fetched batch (two if it is over 512 KiB, see
 *   MAX_PARTITION_BYTES_PER_REQUEST), awaited before the next batch; offsets auto-committed once a
 *   second. The straightforward way to write it.
 * - `pipelined`: the send is started but not awaited, so the next batch is fetched while it is in
 *   flight; one send at a time, what arrives meanwhile goes out as the next (larger) batch (the
 *   scheme Tributary's record collector uses). Offsets are committed once a second after the
 *   output sent so far is acknowledged.
 */
export async function startKafkajsPassThrough(
  kafka: Kafka,
  options: {
    input: string;
    output: string;
    groupId: string;
    mode: 'awaited' | 'pipelined';
    /**
     * Pipelined mode only: turns each input value into the output value, or drops the record
     * (undefined). Makes the pipe a hand-written kafkajs app instead of a pass-through.
     */
    mapValue?: (value: Buffer | null) => Buffer | undefined;
  },
): Promise<RunningPipe> {
  const { input, output, groupId, mode, mapValue } = options;
  if (mapValue && mode !== 'pipelined') throw new Error('mapValue needs the pipelined mode');
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  // Same fetch wait as Tributary's Kafka consumer; byte limits are kafkajs' defaults in both.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  const pipe: { error: Error | undefined; close(): Promise<void> } = {
    error: undefined,
    async close() {
      await consumer.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
    },
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    pipe.error = payload.error;
  });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [input], fromBeginning: true });

  if (mode === 'awaited') {
    await consumer.run({
      autoCommitInterval: COMMIT_INTERVAL_MS,
      eachBatch: async ({ batch }) => {
        const messages = batch.messages;
        if (messages.length === 0) return;
        const out: Message[] = new Array(messages.length);
        for (let i = 0; i < messages.length; i++) {
          const m = messages[i];
          out[i] = { key: m.key, value: m.value, partition: batch.partition, timestamp: m.timestamp, headers: m.headers };
        }
        await sendAll(producer, output, out);
      },
    });
    return pipe;
  }

  let buffer: Message[] = [];
  let sending: Promise<void> | undefined;
  const kick = (): void => {
    if (sending || buffer.length === 0 || pipe.error) return;
    const messages = buffer;
    buffer = [];
    sending = sendAll(producer, output, messages)
      .then(
        () => undefined,
        (err: Error) => {
          pipe.error ??= err;
        },
      )
      .finally(() => {
        sending = undefined;
        kick();
      });
  };
  const flush = async (): Promise<void> => {
    kick();
    while (sending) {
      await sending;
      kick();
    }
    if (pipe.error) throw pipe.error;
  };
  const uncommitted = new Map<number, string>();
  let lastCommit = now();
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const messages = batch.messages;
      if (messages.length === 0) return;
      if (mapValue) {
        for (const m of messages) {
          const value = mapValue(m.value);
          if (value === undefined) continue;
          // The key is unchanged, so is its partition (same partition count in and out).
          buffer.push({ key: m.key, value, partition: batch.partition, timestamp: m.timestamp, headers: m.headers });
        }
      } else {
        for (const m of messages) {
          buffer.push({ key: m.key, value: m.value, partition: batch.partition, timestamp: m.timestamp, headers: m.headers });
        }
      }
      kick();
      uncommitted.set(batch.partition, String(Number(batch.lastOffset()) + 1));
      if (now() - lastCommit >= COMMIT_INTERVAL_MS) {
        lastCommit = now();
        const offsets = [...uncommitted].map(([partition, offset]) => ({ topic: input, partition, offset }));
        uncommitted.clear();
        await flush();
        await consumer.commitOffsets(offsets);
      } else if (buffer.length > MAX_PENDING_OUTPUT) {
        await flush();
      }
    },
  });
  return pipe;
}
