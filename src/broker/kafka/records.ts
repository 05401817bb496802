/**
 * Converting between kafkajs' record shapes and the broker interface's. These run once per record
 * on the hot path, so they allocate only the output object: offsets and timestamps become numbers
 * (exact below 2^53), and a header object is reused whenever kafkajs already holds plain Buffers.
 */
import type { IHeaders, KafkaMessage, Message, PartitionOffset, TopicMessages, TopicOffsets } from 'kafkajs';
import type { ConsumedRecord, Headers, ProducerRecord, TopicPartitionOffset } from '../types.js';

const EMPTY = Buffer.alloc(0);

function toHeaderValue(value: Buffer | string | (Buffer | string)[] | undefined): Buffer {
  // A repeated header key arrives as an array; like Kafka's `lastHeader`, the last one wins.
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === null) return EMPTY;
  return typeof last === 'string' ? Buffer.from(last) : last;
}

function toHeaders(headers: IHeaders | undefined): Headers {
  if (!headers) return {};
  for (const name in headers) {
    if (!Buffer.isBuffer(headers[name])) return convertHeaders(headers);
  }
  return headers as Headers;
}

function convertHeaders(headers: IHeaders): Headers {
  const converted: Headers = {};
  for (const name in headers) converted[name] = toHeaderValue(headers[name]);
  return converted;
}

function toConsumedRecord(topic: string, partition: number, offset: number, message: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset,
    key: message.key,
    value: message.value,
    timestamp: Number(message.timestamp),
    headers: toHeaders(message.headers),
  };
}

/** A fetched batch's records (in offset order) with offsets below `to`, converted. */
export function toConsumedRecords(
  topic: string,
  partition: number,
  messages: KafkaMessage[],
  to = Number.POSITIVE_INFINITY,
): ConsumedRecord[] {
  const records: ConsumedRecord[] = [];
  for (const message of messages) {
    const offset = Number(message.offset);
    if (offset >= to) break;
    records.push(toConsumedRecord(topic, partition, offset, message));
  }
  return records;
}

function toKafkaMessage(record: ProducerRecord): Message {
  return {
    partition: record.partition,
    key: record.key,
    value: record.value,
    timestamp: String(record.timestamp),
    headers: record.headers,
  };
}

/** kafkajs' `sendBatch` shape: one entry per topic, in first-seen order. */
export function toTopicMessages(records: ProducerRecord[]): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const record of records) {
    let messages = byTopic.get(record.topic);
    if (!messages) byTopic.set(record.topic, (messages = []));
    messages.push(toKafkaMessage(record));
  }
  return Array.from(byTopic, ([topic, messages]) => ({ topic, messages }));
}

/** kafkajs' per-topic offsets shape (offsets as strings). */
export function toTopicOffsets(offsets: TopicPartitionOffset[]): TopicOffsets[] {
  const byTopic = new Map<string, PartitionOffset[]>();
  for (const { topic, partition, offset } of offsets) {
    let partitions = byTopic.get(topic);
    if (!partitions) byTopic.set(topic, (partitions = []));
    partitions.push({ partition, offset: String(offset) });
  }
  return Array.from(byTopic, ([topic, partitions]) => ({ topic, partitions }));
}

/** kafkajs' `{ partition, ... }` rows as an array indexed by partition number. */
export function toPartitionArray<Row extends { partition: number }, T>(rows: Row[], value: (row: Row) => T): T[] {
  const result: T[] = new Array(rows.length);
  for (const row of rows) result[row.partition] = value(row);
  return result;
}
