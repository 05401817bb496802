import type { Serde } from '../serde/types.js';
import type { CapturedTopic } from './captured-topic.js';
import type { TestRecord } from './test-record.js';

/** Reads what the topology wrote to a topic, deserialized; each record is read once. */
export class TestOutputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly captured: CapturedTopic,
  ) {}

  isEmpty(): boolean {
    return this.captured.remaining() === 0;
  }

  /** The next record; throws when there is none (a test expecting output should fail loudly). */
  readRecord(): TestRecord<K, V> {
    const raw = this.captured.next();
    if (raw === undefined) throw new Error(`No more records in output topic ${this.topic}`);
    return {
      key: this.keySerde.deserialize(raw.key, this.topic, raw.headers),
      value: this.valueSerde.deserialize(raw.value, this.topic, raw.headers),
      timestamp: raw.timestamp,
      headers: raw.headers,
    };
  }

  readKeyValue(): [K, V] {
    const record = this.readRecord();
    return [record.key, record.value];
  }

  readValue(): V {
    return this.readRecord().value;
  }

  readRecordsToList(): TestRecord<K, V>[] {
    const records: TestRecord<K, V>[] = [];
    while (!this.isEmpty()) records.push(this.readRecord());
    return records;
  }

  readKeyValuesToList(): [K, V][] {
    return this.readRecordsToList().map((record) => [record.key, record.value]);
  }

  readValuesToList(): V[] {
    return this.readRecordsToList().map((record) => record.value);
  }
}
