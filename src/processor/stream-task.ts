/**
 * The unit of processing: one sub-topology working on one partition number of its input topics
 * (Kafka Streams' StreamTask). The runtime hands it raw records per partition, then calls
 * `process()`, which takes records one at a time (across partitions: lowest timestamp first) and
 * pushes each depth-first, synchronously, from its source through processors to sinks.
 */
import type { ConsumedRecord, TopicPartition, TopicPartitionOffset } from '../broker/types.js';
import { logger, type Logger } from '../logger.js';
import { isRestorable } from '../state/changelog-restorer.js';
import { RecordCache } from '../state/record-cache.js';
import { changelogTopicName, type KeyValueStoreContext } from '../state/store-context.js';
import type { StateStore } from '../state/types.js';
import type { Subtopology } from '../topology/subtopology.js';
import type { Processor, Punctuator } from './api.js';
import { deadLetterRecord } from './dead-letter.js';
import { asError, handleFailure, type FailureStage } from './exception-handlers.js';
import { NodeContext } from './node-context.js';
import { PartitionQueue } from './partition-queue.js';
import type { PunctuationQueue } from './punctuation.js';
import { SinkProcessor } from './sink-processor.js';
import { SourceNodeInstance } from './source-node.js';
import { StreamsError } from './streams-error.js';
import type { TaskContextConfig } from './task-context-config.js';
import { TaskState } from './task-state.js';

interface ProcessorInstance {
  readonly processor: Processor<unknown, unknown, unknown, unknown>;
  readonly context: NodeContext;
}

export class StreamTask {
  /** `<subtopologyId>_<partition>`. */
  readonly id: string;
  readonly inputPartitions: TopicPartition[];
  private readonly state: TaskState;
  private readonly queues: PartitionQueue[] = [];
  private readonly queueByTopic = new Map<string, PartitionQueue>();
  private readonly processors: ProcessorInstance[] = [];
  private readonly log: Logger;
  private initialized = false;
  /** Records skipped as unreadable during the current `process()` call. */
  private skipped = 0;

  constructor(
    private readonly subtopology: Subtopology,
    readonly partition: number,
    private readonly config: TaskContextConfig,
  ) {
    this.id = `${subtopology.id}_${partition}`;
    this.state = new TaskState(config.applicationId, this.id, config.clock, (name) => config.globalStore?.(name));
    this.log = logger.child({ component: 'stream-task', taskId: this.id });
    this.instantiateNodes();
    this.inputPartitions = this.queues.map((queue) => ({ topic: queue.topic, partition }));
  }

  /**
   * Opens the state stores (sharing one record cache, logging to the task's collector), restores
   * the logged ones through `config.restoreStore`, then runs every processor's `init` (in
   * topology order).
   */
  async initialize(): Promise<void> {
    const state = this.state;
    const context: KeyValueStoreContext = {
      applicationId: this.config.applicationId,
      taskId: this.id,
      partition: this.partition,
      stateDir: this.config.stateDir,
      changelog: this.config.collector,
      recordTimestamp: () => state.recordTimestampMs,
      recordCache: new RecordCache(this.config.cacheMaxBytes),
    };
    for (const builder of this.subtopology.stores) {
      const store = builder.build();
      if (store.name !== builder.name) throw new StreamsError(`Store builder ${builder.name} built a store named ${store.name}`);
      state.stores.set(store.name, store);
      await store.init(context);
    }
    const restore = this.config.restoreStore;
    if (restore !== undefined) {
      for (const builder of this.subtopology.stores) {
        const store = state.stores.get(builder.name)!;
        if (!builder.loggingEnabled || !isRestorable(store)) continue;
        await restore({
          storeName: store.name,
          changelogTopic: changelogTopicName(this.config.applicationId, store.name),
          partition: this.partition,
          taskId: this.id,
          target: store.restoreTarget(),
        });
      }
    }
    for (const { processor, context: nodeContext } of this.processors) processor.init?.(nodeContext);
    this.initialized = true;
  }

  /** Buffers raw records of one input partition, in offset order; the array is kept, not copied. */
  addRecords(records: readonly ConsumedRecord[]): void {
    if (records.length === 0) return;
    const { topic, partition } = records[0];
    const queue = this.queueByTopic.get(topic);
    if (queue === undefined || partition !== this.partition) {
      throw new StreamsError(`Task ${this.id} does not read ${topic}-${partition}`);
    }
    queue.add(records);
  }

  /**
   * Processes everything buffered. Returns how many input records were consumed (processed,
   * or skipped and dead-lettered).
   */
  process(): number {
    if (!this.initialized) throw new StreamsError(`Task ${this.id} must be initialized before it processes records`);
    const state = this.state;
    const streamPunctuation = state.streamTimePunctuation;
    let processed = 0;
    this.skipped = 0;
    for (let queue = this.nextQueue(); queue !== undefined; queue = this.nextQueue()) {
      const record = queue.head()!;
      const raw = queue.headRaw();
      if (record.timestamp > state.streamTimeMs) state.streamTimeMs = record.timestamp;
      state.currentRecord = raw;
      state.recordTimestampMs = record.timestamp;
      try {
        queue.source.context.forward(record);
      } catch (error) {
        this.onFailure('processing', error, raw);
      }
      queue.advance();
      processed++;
      if (state.streamTimeMs >= streamPunctuation.nextDueMs) this.punctuate(streamPunctuation, state.streamTimeMs);
    }
    state.currentRecord = undefined;
    return processed + this.skipped;
  }

  /** Runs the wall-clock punctuators due at `nowMs`. */
  punctuateWallClock(nowMs: number): void {
    if (nowMs >= this.state.wallClockPunctuation.nextDueMs) this.punctuate(this.state.wallClockPunctuation, nowMs);
  }

  /** Next offset to read, per input partition consumed since the last `markCommitted()`. */
  offsetsToCommit(): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const queue of this.queues) {
      const offset = queue.offsetToCommit();
      if (offset !== undefined) offsets.push({ topic: queue.topic, partition: queue.partition, offset });
    }
    return offsets;
  }

  markCommitted(): void {
    for (const queue of this.queues) queue.markCommitted();
    this.state.commitRequested = false;
  }

  /** True when a processor called `context.requestCommit()` since the last commit. */
  commitRequested(): boolean {
    return this.state.commitRequested;
  }

  /**
   * Flushes the state stores before a commit. Caching stores write through, and so forward their
   * changes downstream, synchronously during this call, in store order (upstream stores first);
   * the promise settles once every store has made its writes durable.
   */
  flush(): Promise<void> {
    this.enterTaskTime();
    const flushes: Promise<void>[] = [];
    for (const store of this.state.stores.values()) flushes.push(store.flush());
    return Promise.all(flushes).then(() => undefined);
  }

  /** Flushes the stores (their caches forward to live processors), closes the processors, then the stores. */
  async close(): Promise<void> {
    await this.flush();
    for (const { processor } of this.processors) processor.close?.();
    for (const store of this.state.stores.values()) await store.close();
    this.state.stores.clear();
    this.initialized = false;
  }

  streamTime(): number {
    return this.state.streamTimeMs;
  }

  /** Records processors dropped on purpose, e.g. too late for their window (`dropped-records-total`). */
  droppedRecordsTotal(): number {
    return this.state.droppedRecordsTotal;
  }

  /** One of this task's open state stores (for the test driver and interactive queries). */
  stateStore(name: string): StateStore | undefined {
    return this.state.stores.get(name);
  }

  /** Builds the live nodes; definitions come parents first, so every parent exists when its child is wired. */
  private instantiateNodes(): void {
    const contexts = new Map<string, NodeContext>();
    const resolveTopic = (name: string): string => this.config.resolveTopic(name);
    for (const node of this.subtopology.nodes) {
      if (node.kind === 'source') {
        const context = new NodeContext(this.state, node.name, []);
        contexts.set(node.name, context);
        const source = new SourceNodeInstance(node, context);
        for (const topic of node.topics) {
          const queue = new PartitionQueue(resolveTopic(topic), this.partition, source, (raw, error) => this.onBadRecord(raw, error));
          this.queues.push(queue);
          this.queueByTopic.set(queue.topic, queue);
        }
        continue;
      }
      const receiver =
        node.kind === 'sink' ? new SinkProcessor(node, this.config.collector, resolveTopic) : this.instantiateProcessor(node.name, node.supplier, node.stores, contexts);
      for (const parent of node.parents) contexts.get(parent)!.addChild(node.name, receiver);
    }
  }

  private instantiateProcessor(
    name: string,
    supplier: () => Processor<unknown, unknown, unknown, unknown>,
    stores: readonly string[],
    contexts: Map<string, NodeContext>,
  ): Processor<unknown, unknown, unknown, unknown> {
    const context = new NodeContext(this.state, name, stores);
    contexts.set(name, context);
    const processor = supplier();
    this.processors.push({ processor, context });
    return processor;
  }

  /** The queue whose head has the lowest timestamp (ties: the first), or undefined when all are drained. */
  private nextQueue(): PartitionQueue | undefined {
    const queues = this.queues;
    if (queues.length === 1) return queues[0].head() === undefined ? undefined : queues[0];
    let best: PartitionQueue | undefined;
    let bestTimestamp = Infinity;
    for (const queue of queues) {
      const head = queue.head();
      if (head !== undefined && head.timestamp < bestTimestamp) {
        best = queue;
        bestTimestamp = head.timestamp;
      }
    }
    return best;
  }

  /** Outside of a record (punctuation, flush), records are stamped with stream time. */
  private enterTaskTime(): void {
    this.state.currentRecord = undefined;
    this.state.recordTimestampMs = this.state.streamTimeMs;
  }

  private punctuate(queue: PunctuationQueue, nowMs: number): void {
    this.enterTaskTime();
    queue.punctuate(nowMs, (punctuator: Punctuator, time: number) => {
      try {
        punctuator(time);
      } catch (error) {
        this.onFailure('processing', error, undefined);
      }
    });
  }

  private onBadRecord(raw: ConsumedRecord, error: unknown): void {
    this.onFailure('deserialization', error, raw);
    this.skipped++;
  }

  /**
   * Applies the exception handler of `stage`: `fail` stops the app with a StreamsError; `continue`
   * logs and dead-letters the raw record (a failed punctuation has none: it is only logged).
   */
  private onFailure(stage: FailureStage, thrown: unknown, raw: ConsumedRecord | undefined): void {
    if (thrown instanceof StreamsError) throw thrown;
    const error = asError(thrown);
    const setting = stage === 'deserialization' ? this.config.deserializationExceptionHandler : this.config.processingExceptionHandler;
    const where = raw === undefined ? 'a punctuator' : `record ${raw.topic}-${raw.partition}@${raw.offset}`;
    if (handleFailure(setting, { stage, error, taskId: this.id, record: raw }) === 'fail') {
      throw new StreamsError(`Task ${this.id}: ${stage} of ${where} failed: ${error.message}`, { cause: error });
    }
    this.log.warn({ err: error, stage, topic: raw?.topic, partition: raw?.partition, offset: raw?.offset }, `${stage} of ${where} failed; skipped`);
    if (raw !== undefined) this.config.collector.send(deadLetterRecord(this.config.applicationId, stage, error, raw));
  }
}
