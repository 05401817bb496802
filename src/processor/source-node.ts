/**
 * A source node in a task: turns a raw input record into a typed StreamRecord (deserialization and
 * event time) and hands it to its children.
 */
import type { ConsumedRecord } from '../broker/types.js';
import type { Serde } from '../serde/types.js';
import type { SourceNode, TimestampExtractor } from '../topology/nodes.js';
import type { StreamRecord } from './api.js';
import type { NodeContext } from './node-context.js';

export class InvalidTimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTimestampError';
  }
}

export class SourceNodeInstance {
  private readonly keySerde: Serde<unknown>;
  private readonly valueSerde: Serde<unknown>;
  private readonly timestampExtractor: TimestampExtractor<unknown, unknown> | undefined;

  constructor(
    node: SourceNode,
    readonly context: NodeContext,
  ) {
    this.keySerde = node.keySerde;
    this.valueSerde = node.valueSerde;
    this.timestampExtractor = node.timestampExtractor;
  }

  /** Throws when the record cannot be read: a serde error, or an extractor that throws or gives no valid time. */
  toRecord(raw: ConsumedRecord, partitionTimeMs: number): StreamRecord<unknown, unknown> {
    const key = this.keySerde.deserialize(raw.key, raw.topic, raw.headers);
    const value = this.valueSerde.deserialize(raw.value, raw.topic, raw.headers);
    const timestamp = this.timestampExtractor === undefined ? raw.timestamp : this.timestampExtractor(key, value, raw, partitionTimeMs);
    if (!(timestamp >= 0)) {
      throw new InvalidTimestampError(`Invalid timestamp ${timestamp} for record ${raw.topic}-${raw.partition}@${raw.offset}`);
    }
    return { key, value, timestamp, headers: raw.headers };
  }
}
