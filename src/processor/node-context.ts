/**
 * The ProcessorContext of one node in one task. Each node gets its own, so `forward` needs no
 * "current node" bookkeeping: it calls this node's children directly, depth-first, synchronously.
 */
import type { Cancellable, ProcessorContext, PunctuationType, Punctuator, RecordMetadata, StreamRecord } from './api.js';
import type { TaskState } from './task-state.js';

/** A node that takes records: a processor or a sink. */
export interface RecordReceiver {
  process(record: StreamRecord<unknown, unknown>): void;
}

export class NodeContext implements ProcessorContext<unknown, unknown> {
  private readonly children: RecordReceiver[] = [];
  private readonly childrenByName = new Map<string, RecordReceiver>();

  constructor(
    private readonly task: TaskState,
    readonly nodeName: string,
    private readonly storeNames: readonly string[],
  ) {}

  addChild(name: string, child: RecordReceiver): void {
    this.children.push(child);
    this.childrenByName.set(name, child);
  }

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): string {
    return this.task.taskId;
  }

  forward(record: StreamRecord<unknown, unknown>, childName?: string): void {
    if (childName === undefined) {
      const children = this.children;
      for (let i = 0; i < children.length; i++) children[i].process(record);
      return;
    }
    const child = this.childrenByName.get(childName);
    if (child === undefined) {
      throw new Error(`${this.nodeName} has no child named ${childName} (children: ${[...this.childrenByName.keys()].join(', ') || 'none'})`);
    }
    child.process(record);
  }

  recordMetadata(): RecordMetadata | undefined {
    return this.task.currentRecord;
  }

  currentStreamTimeMs(): number {
    return this.task.streamTimeMs;
  }

  currentSystemTimeMs(): number {
    return this.task.clock();
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isFinite(intervalMs) || intervalMs < 1) {
      throw new Error(`${this.nodeName}: punctuation interval must be at least 1 ms, got ${intervalMs}`);
    }
    // Stream-time schedules are aligned to 0, so the first one fires with the first record;
    // wall-clock ones first fire one interval from now.
    return type === 'stream-time'
      ? this.task.streamTimePunctuation.schedule(0, intervalMs, punctuator)
      : this.task.wallClockPunctuation.schedule(this.task.clock() + intervalMs, intervalMs, punctuator);
  }

  getStateStore<S>(name: string): S {
    const store = this.storeNames.includes(name) ? this.task.stores.get(name) : this.task.globalStore(name);
    if (store === undefined) {
      throw new Error(
        `${this.nodeName} is not connected to state store ${name} (connected: ${this.storeNames.join(', ') || 'none'}); ` +
          'connect it with addStateStore(builder, processorName) or process(supplier, storeName)',
      );
    }
    return store as S;
  }

  countDroppedRecord(): void {
    this.task.droppedRecordsTotal++;
  }

  requestCommit(): void {
    this.task.commitRequested = true;
  }
}
