import type { OutgoingRecord } from '../processor/record-collector.js';

/** Everything the topology wrote to one topic, read front to back (reading consumes). */
export class CapturedTopic {
  private readonly records: OutgoingRecord[] = [];
  private position = 0;

  append(record: OutgoingRecord): void {
    this.records.push(record);
  }

  next(): OutgoingRecord | undefined {
    return this.position < this.records.length ? this.records[this.position++] : undefined;
  }

  remaining(): number {
    return this.records.length - this.position;
  }
}
