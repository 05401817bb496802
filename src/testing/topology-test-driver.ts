/**
 * Runs a topology without a broker, synchronously, for unit tests (Kafka Streams'
 * TopologyTestDriver). It drives the production StreamTask: one task per sub-topology, all on
 * partition 0. Piping a record processes it, and everything it causes, before `pipeInput` returns:
 * records written to a topic the topology reads (repartition topics, `through` topics) are fed to
 * the reading task in the same call.
 *
 * Like Kafka Streams' driver, it commits after every input record: caching stores flush, so a
 * KTable or an aggregation forwards one update per input record. With `flushCachesAfterEachRecord:
 * false` caches only flush on `flush()` (or when full), which shows the deduplication a real
 * application gets between commits.
 *
 * Global stores are filled by piping their topic like any input topic.
 *
 * Created with `await TopologyTestDriver.create(topology)`: opening state stores is async (a
 * persistent store opens files), and a constructor cannot wait for it. Everything after that is
 * synchronous, except `close()`.
 */
import type { ConsumedRecord, Headers } from '../broker/types.js';
import { deadLetterTopic } from '../processor/dead-letter.js';
import type { ExceptionHandlerSetting } from '../processor/exception-handlers.js';
import type { OutgoingRecord, RecordCollector } from '../processor/record-collector.js';
import { StreamTask } from '../processor/stream-task.js';
import type { Serde } from '../serde/types.js';
import type { Topology } from '../topology/topology.js';
import { CapturedTopic } from './captured-topic.js';
import { TestInputTopic } from './test-input-topic.js';
import { TestOutputTopic } from './test-output-topic.js';
import type { TestRecord } from './test-record.js';

export interface TopologyTestDriverOptions {
  /** Default `test-app`: internal topics are `test-app-<name>`, the dead-letter topic `test-app-dlq`. */
  applicationId?: string;
  /** Start of the driver's wall clock (default: now); it moves only with `advanceWallClockTime`. */
  initialWallClockTimeMs?: number;
  /** Default `continue`, as in a real application. */
  deserializationExceptionHandler?: ExceptionHandlerSetting;
  /** Default `continue`, as in a real application. */
  processingExceptionHandler?: ExceptionHandlerSetting;
  stateDir?: string;
  /** Default true: flush caches (a commit) after each input record and each wall-clock advance. */
  flushCachesAfterEachRecord?: boolean;
  /** Byte budget of each task's record cache (default 10 MiB); 0 turns caching off. */
  cacheMaxBytes?: number;
}

export class TopologyTestDriver {
  readonly applicationId: string;
  private wallClockMs: number;
  private readonly tasks: StreamTask[] = [];
  /** Real topic name -> the task that reads it. */
  private readonly readers = new Map<string, StreamTask>();
  private readonly nextOffsets = new Map<string, number>();
  private readonly outputs = new Map<string, CapturedTopic>();
  private readonly flushAfterEachRecord: boolean;
  /** Store durability (a LevelDB batch write) of flushes, awaited by `close()`. */
  private pendingFlushes: Promise<void>[] = [];

  static async create(topology: Topology, options: TopologyTestDriverOptions = {}): Promise<TopologyTestDriver> {
    const driver = new TopologyTestDriver(topology, options);
    // Global tasks first: the other tasks' processors may read global stores in `init`.
    for (const task of driver.tasks) await task.initialize();
    return driver;
  }

  private constructor(topology: Topology, options: TopologyTestDriverOptions) {
    const applicationId = options.applicationId ?? 'test-app';
    this.applicationId = applicationId;
    this.wallClockMs = options.initialWallClockTimeMs ?? Date.now();
    this.flushAfterEachRecord = options.flushCachesAfterEachRecord ?? true;
    const collector: RecordCollector = {
      send: (record) => this.onOutput(record),
      partitionCount: () => 1,
    };
    const globalTasks: StreamTask[] = [];
    const globalStore = (name: string) => {
      for (const task of globalTasks) {
        const store = task.stateStore(name);
        if (store !== undefined) return store;
      }
      return undefined;
    };
    for (const subtopology of [...topology.globalSubtopologies(), ...topology.subtopologies()]) {
      const global = subtopology.id >= topology.subtopologies().length;
      const task = new StreamTask(subtopology, 0, {
        applicationId,
        collector,
        resolveTopic: (name) => topology.resolveTopic(name, applicationId),
        deserializationExceptionHandler: options.deserializationExceptionHandler ?? 'continue',
        processingExceptionHandler: options.processingExceptionHandler ?? 'continue',
        clock: () => this.wallClockMs,
        stateDir: options.stateDir,
        cacheMaxBytes: options.cacheMaxBytes,
        globalStore,
      });
      if (global) globalTasks.push(task);
      this.tasks.push(task);
      for (const { topic } of task.inputPartitions) this.readers.set(topic, task);
    }
  }

  /** An input topic; `topic` must be read by the topology (real name: internal topics include the app id). */
  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestInputTopic<K, V> {
    if (!this.readers.has(topic)) {
      throw new Error(`The topology does not read topic ${topic} (it reads: ${[...this.readers.keys()].join(', ')})`);
    }
    return new TestInputTopic(topic, keySerde, valueSerde, (t, key, value, timestamp, headers) =>
      this.pipe(t, key, value, timestamp ?? this.wallClockMs, headers),
    );
  }

  /** What the topology wrote (and will write) to `topic`. */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, keySerde, valueSerde, this.captured(topic));
  }

  /** Records sent to the dead-letter topic `<appId>-dlq` since the last call, raw, with error headers. */
  dlqRecords(): TestRecord<Buffer | null, Buffer | null>[] {
    const captured = this.captured(deadLetterTopic(this.applicationId));
    const records: TestRecord<Buffer | null, Buffer | null>[] = [];
    for (let raw = captured.next(); raw !== undefined; raw = captured.next()) {
      records.push({ key: raw.key, value: raw.value, timestamp: raw.timestamp, headers: raw.headers });
    }
    return records;
  }

  /** Moves the wall clock forward and runs the wall-clock punctuators that became due. */
  advanceWallClockTime(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advanceWallClockTime: ms must be >= 0, got ${ms}`);
    this.wallClockMs += ms;
    for (const task of this.tasks) task.punctuateWallClock(this.wallClockMs);
    this.settle();
  }

  /**
   * Flushes every task's caches now (what a commit does), processing whatever that forwards; only
   * needed with `flushCachesAfterEachRecord: false`.
   */
  flush(): void {
    this.flushTasks();
    this.processAll();
  }

  /** Records the topology dropped on purpose (too late for their window, ...), across all tasks. */
  droppedRecordsTotal(): number {
    return this.tasks.reduce((total, task) => total + task.droppedRecordsTotal(), 0);
  }

  /** A state store by name, for assertions (from the task whose processors use it). */
  getStateStore<S>(name: string): S {
    for (const task of this.tasks) {
      const store = task.stateStore(name);
      if (store !== undefined) return store as S;
    }
    throw new Error(`No task of this topology has a state store named ${name}`);
  }

  async close(): Promise<void> {
    await Promise.all(this.pendingFlushes);
    for (const task of this.tasks) await task.close();
  }

  private pipe(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void {
    this.readers.get(topic)!.addRecords([this.toConsumed(topic, key, value, timestamp, headers)]);
    this.settle();
  }

  /** Processes everything, then (per record mode) flushes until flushing forwards nothing more. */
  private settle(): void {
    this.processAll();
    if (!this.flushAfterEachRecord) return;
    do this.flushTasks();
    while (this.processAll() > 0);
  }

  /** Caches write through synchronously inside `task.flush()`; only durability is left to await. */
  private flushTasks(): void {
    for (const task of this.tasks) {
      const flushed = task.flush();
      flushed.catch(() => undefined); // reported by close(), which awaits it
      this.pendingFlushes.push(flushed);
    }
    if (this.pendingFlushes.length > 1000) this.pendingFlushes = [Promise.all(this.pendingFlushes).then(() => undefined)];
  }

  private onOutput(record: OutgoingRecord): void {
    this.captured(record.topic).append(record);
    // Fed back now, processed by processAll() once the current record is done: a task is never re-entered.
    this.readers.get(record.topic)?.addRecords([this.toConsumed(record.topic, record.key, record.value, record.timestamp, record.headers)]);
  }

  /** Processes until no task has buffered input left (output of one task may be input of another). */
  private processAll(): number {
    let total = 0;
    let processed: number;
    do {
      processed = 0;
      for (const task of this.tasks) processed += task.process();
      total += processed;
    } while (processed > 0);
    return total;
  }

  private toConsumed(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): ConsumedRecord {
    const offset = this.nextOffsets.get(topic) ?? 0;
    this.nextOffsets.set(topic, offset + 1);
    return { topic, partition: 0, offset, key, value, timestamp, headers };
  }

  private captured(topic: string): CapturedTopic {
    let captured = this.outputs.get(topic);
    if (captured === undefined) {
      captured = new CapturedTopic();
      this.outputs.set(topic, captured);
    }
    return captured;
  }
}
