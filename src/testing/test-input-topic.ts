import type { Headers } from '../broker/types.js';
import type { Serde } from '../serde/types.js';
import type { TestInputRecord } from './test-record.js';

/** Where an input topic hands serialized records: the driver, which processes them right away. */
export type PipeRaw = (topic: string, key: Buffer | null, value: Buffer | null, timestamp: number | undefined, headers: Headers) => void;

export class TestInputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly pipeRaw: PipeRaw,
  ) {}

  /** Serializes and processes one record, including everything it causes downstream, before returning. */
  pipeInput(key: K, value: V, timestamp?: number, headers: Headers = {}): void {
    const keyBytes = this.keySerde.serialize(key, this.topic, headers);
    const valueBytes = this.valueSerde.serialize(value, this.topic, headers);
    this.pipeRaw(this.topic, keyBytes, valueBytes, timestamp, headers);
  }

  /** Pipes the records one by one, in order. */
  pipeRecords(records: Iterable<TestInputRecord<K, V>>): void {
    for (const record of records) this.pipeInput(record.key, record.value, record.timestamp, record.headers);
  }
}
