/**
 * A running Tributary application (Kafka Streams calls it `KafkaStreams`): binds a topology to a
 * broker, creates the internal topics it needs, joins the consumer group named by the application
 * id and processes until closed.
 *
 *   const app = new StreamsApp(builder.build(), { applicationId: 'alerts', brokers: ['127.0.0.1:9092'] });
 *   app.onStateChange((next) => console.log(next));
 *   await app.start();
 *   ...
 *   await app.close();
 *
 * With no `brokers`, the app runs on the embedded broker (in-process, the zero-setup default).
 */
import { EmbeddedBroker } from '../broker/embedded/index.js';
import { KafkaBroker } from '../broker/kafka/index.js';
import type { Broker, Producer } from '../broker/types.js';
import { logger, type Logger } from '../logger.js';
import { deadLetterTopic } from '../processor/dead-letter.js';
import { partitionForKey } from '../broker/partitioner.js';
import type { TopicPartition } from '../broker/types.js';
import type { Serde } from '../serde/types.js';
import { StreamTask } from '../processor/stream-task.js';
import { internalTopicSpecs } from '../topology/internal-topics.js';
import type { Topology } from '../topology/topology.js';
import { AppStateMachine, type AppState, type StateListener } from './app-state.js';
import { resolveConfig, type ResolvedStreamsConfig, type StreamsConfig } from './config.js';
import { BrokerRecordCollector } from './record-collector.js';
import { StreamThread } from './stream-thread.js';
import {
  keyValueView,
  sessionView,
  StoreNotQueryableError,
  windowView,
  type ReadOnlyKeyValueStore,
  type ReadOnlySessionStore,
  type ReadOnlyWindowStore,
} from './interactive-queries.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import type { StateStore } from '../state/types.js';
import type { WindowStore } from '../state/window-store.js';
import { TaskManager } from './task-manager.js';
import { QueryServer, type QueryServerOptions } from './query-server.js';
import { GlobalStateUpdater } from './global-state-updater.js';
import type { TaskContextConfig } from '../processor/task-context-config.js';
import { join } from 'node:path';
import { TaskStateManager } from './task-state-manager.js';
import type { RestoreListener } from '../state/changelog-restorer.js';

export interface KeyQueryMetadata {
  partition: number;
  /** True when this instance holds the key's partition. */
  local: boolean;
  /** `applicationServer` of the instance that holds it, when known. */
  host: string | undefined;
}

export interface StreamsAppOptions {
  /** Told about every store restore: start, progress per batch, end. */
  restoreListener?: RestoreListener;
  /**
   * Use this broker instead of the one the config selects (e.g. one embedded broker shared by
   * several apps). The caller owns it: connects it before `start()` and closes it after `close()`.
   */
  broker?: Broker;
}

export class StreamsApp {
  readonly config: ResolvedStreamsConfig;
  readonly broker: Broker;
  private readonly lifecycle = new AppStateMachine();
  private readonly ownsBroker: boolean;
  private readonly log: Logger;
  private thread: StreamThread | undefined;
  private producer: Producer | undefined;
  private closing: Promise<void> | undefined;
  private fatalError: Error | undefined;
  private stateManager: TaskStateManager | undefined;
  private taskManager: TaskManager | undefined;
  private globalState: GlobalStateUpdater | undefined;
  private partitionCounts: Map<string, number> | undefined;
  private queryServer: QueryServer | undefined;
  private readonly restoreListener: RestoreListener | undefined;

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
    options: StreamsAppOptions = {},
  ) {
    this.config = resolveConfig(config);
    this.log = logger.child({ component: 'streams-app', applicationId: this.config.applicationId });
    this.ownsBroker = options.broker === undefined;
    this.restoreListener = options.restoreListener;
    this.broker =
      options.broker ??
      (this.config.brokers.length > 0
        ? new KafkaBroker({ brokers: this.config.brokers, clientId: this.config.clientId })
        : new EmbeddedBroker({ dataDir: this.config.embeddedDataDir }));
    this.lifecycle.onChange((next, previous) => this.log.info({ from: previous, to: next }, 'state change'));
  }

  get state(): AppState {
    return this.lifecycle.state;
  }

  /** The error that moved the app to ERROR, if any. */
  get error(): Error | undefined {
    return this.fatalError;
  }

  /** Records processed since start. */
  get processedRecords(): number {
    return this.thread?.processedRecords ?? 0;
  }

  /** Records dropped on purpose since start, e.g. arriving later than their window's grace period. */
  get droppedRecords(): number {
    return this.taskManager?.droppedRecordsTotal() ?? 0;
  }

  /**
   * Consumer lag per `topic:partition` owned here, as of each partition's last fetched batch. A
   * partition appears once a batch of it was fetched since it was (re)assigned here.
   */
  lag(): Map<string, number> {
    return new Map(this.thread?.lag ?? []);
  }

  /** Changelog records restored into local stores since start. */
  get restoredRecords(): number {
    return this.stateManager?.restoredRecords ?? 0;
  }

  /** Changelog records applied to standby tasks' stores (warm copies of tasks active elsewhere) since start. */
  get standbyRecords(): number {
    return this.stateManager?.standbyRecords ?? 0;
  }

  /** A read-only view of the key-value store `name` over this instance's tasks. */
  keyValueStore<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    this.queryableStores(name);
    return keyValueView(() => this.queryableStores<KeyValueStore<K, V>>(name));
  }

  /** A read-only view of the window store `name` over this instance's tasks. */
  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    this.queryableStores(name);
    return windowView(() => this.queryableStores<WindowStore<K, V>>(name));
  }

  /** A read-only view of the session store `name` over this instance's tasks. */
  sessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    this.queryableStores(name);
    return sessionView(() => this.queryableStores<SessionStore<K, V>>(name));
  }

  /**
   * Which partition holds `key` in store `storeName`, and which instance (by its
   * `applicationServer`) owns that partition now. `local` says whether this instance answers.
   */
  metadataForKey<K>(storeName: string, key: K, keySerde: Serde<K>): KeyQueryMetadata {
    const sub = this.topology.subtopologies().find((s) => s.stores.some((store) => store.name === storeName));
    if (!sub) throw new StoreNotQueryableError(`no partitioned state store named '${storeName}' in this topology`);
    const topic = this.topology.resolveTopic(sub.sourceTopics[0], this.config.applicationId);
    const partitions = this.partitionCounts?.get(topic);
    if (partitions === undefined) throw new StoreNotQueryableError(`store '${storeName}' is not queryable before start()`);
    const bytes = keySerde.serialize(key, topic);
    if (bytes === null) throw new StoreNotQueryableError('a null key has no partition');
    const partition = partitionForKey(bytes, partitions);
    const owns = (tps: TopicPartition[]) => tps.some((tp) => tp.topic === topic && tp.partition === partition);
    const local = owns(this.thread?.assignment() ?? []);
    const owner = this.thread?.groupAssignment().find((member) => owns(member.partitions));
    return { partition, local, host: local ? this.config.applicationServer : owner?.hostInfo };
  }

  /**
   * Answers interactive queries over HTTP (see QueryServer); stopped by `close()`. Set
   * `applicationServer` to this server's reachable address so other instances can forward to it.
   */
  async serveQueries(options: QueryServerOptions): Promise<number> {
    const server = new QueryServer(this, options);
    const port = await server.listen();
    this.queryServer = server;
    return port;
  }

  private queryableStores<S extends StateStore>(name: string): S[] {
    const known = [...this.topology.subtopologies(), ...this.topology.globalSubtopologies()].flatMap((sub) =>
      sub.stores.map((store) => store.name),
    );
    if (!known.includes(name)) {
      throw new StoreNotQueryableError(`no state store named '${name}' in this topology (stores: ${known.join(', ') || 'none'})`);
    }
    if (this.state !== 'RUNNING' && this.state !== 'REBALANCING') {
      throw new StoreNotQueryableError(`store '${name}' is not queryable while the app is ${this.state}`);
    }
    const global = this.globalState?.store(name);
    if (global) return [global as S];
    const stores: S[] = [];
    for (const task of this.taskManager?.all() ?? []) {
      const store = task.stateStore(name);
      if (store) stores.push(store as S);
    }
    return stores;
  }

  onStateChange(listener: StateListener): () => void {
    return this.lifecycle.onChange(listener);
  }

  /** Resolves once the app reaches `state` (or rejects if it ends in ERROR / NOT_RUNNING first). */
  waitForState(state: AppState, timeoutMs = 60_000): Promise<void> {
    if (this.state === state) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`app did not reach ${state} within ${timeoutMs} ms (now ${this.state})`));
      }, timeoutMs);
      const off = this.onStateChange((next) => {
        if (next === state) {
          clearTimeout(timer);
          off();
          resolve();
        } else if (next === 'ERROR' || next === 'NOT_RUNNING') {
          clearTimeout(timer);
          off();
          reject(this.fatalError ?? new Error(`app reached ${next} while waiting for ${state}`));
        }
      });
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATED') throw new Error(`start() called in state ${this.state}; an app starts once`);
    this.lifecycle.transition('REBALANCING');
    try {
      if (this.ownsBroker) await this.broker.connect();
      const partitionCounts = await this.prepareTopics();
      this.partitionCounts = partitionCounts;
      this.producer = this.broker.producer(
        this.config.processingGuarantee === 'exactly_once_v2'
          ? { transactionalId: `${this.config.applicationId}-${this.config.instanceId}` }
          : {},
      );
      await this.producer.connect();
      const producer = this.producer;
      const collector = new BrokerRecordCollector(
        () => producer,
        partitionCounts,
        this.config.productionExceptionHandler,
        this.log.child({ component: 'record-collector' }),
      );
      const appId = this.config.applicationId;
      const subtopologies = new Map(this.topology.subtopologies().map((sub) => [sub.id, sub]));
      const taskConfig = (taskId: string): TaskContextConfig => ({
        applicationId: appId,
        collector,
        resolveTopic: (name) => this.topology.resolveTopic(name, appId),
        deserializationExceptionHandler: this.config.deserializationExceptionHandler,
        processingExceptionHandler: this.config.processingExceptionHandler,
        clock: Date.now,
        stateDir: stateManager.taskDir(taskId),
        cacheMaxBytes: this.config.cacheMaxBytes,
        globalStore: (name) => this.globalState?.store(name),
      });
      const stateManager = new TaskStateManager({
        broker: this.broker,
        stateDir: this.config.stateDir,
        applicationId: appId,
        exactlyOnce: this.config.processingGuarantee === 'exactly_once_v2',
        restoreListener: this.restoreListener,
        log: this.log,
      });
      this.stateManager = stateManager;
      const tasks = new TaskManager(
        [...subtopologies.values()].map((sub) => ({
          id: sub.id,
          sourceTopics: sub.sourceTopics.map((topic) => this.topology.resolveTopic(topic, appId)),
          stateful: sub.stores.length > 0,
        })),
        (subId, partition) => {
          const taskId = `${subId}_${partition}`;
          const task: StreamTask = new StreamTask(subtopologies.get(subId)!, partition, {
            ...taskConfig(taskId),
            restoreStore: (request) => stateManager.restore(task, request),
          });
          return task;
        },
        stateManager,
      );
      this.taskManager = tasks;
      const globalState = new GlobalStateUpdater(
        this.broker,
        this.topology,
        `${appId}-global-${this.config.instanceId}`,
        (taskId) => ({
          ...taskConfig(taskId),
          stateDir: join(this.config.stateDir, appId, `${taskId}-${this.config.instanceId}`),
        }),
        this.log.child({ component: 'global-state' }),
      );
      this.globalState = globalState;
      if (globalState.enabled) await globalState.start(this.config.globalBootstrapTimeoutMs);
      this.thread = new StreamThread(
        this.broker,
        producer,
        collector,
        tasks,
        this.topology.sourceTopics(this.config.applicationId),
        this.config,
        {
          onRebalanceStart: () => this.lifecycle.transition('REBALANCING'),
          onRebalanceEnd: () => this.lifecycle.transition('RUNNING'),
          onFatalError: (err) => void this.fail(err),
        },
        this.log,
      );
      await this.thread.start();
      // Joined the group; an instance may own no partition at all and still be RUNNING.
      this.lifecycle.transition('RUNNING');
    } catch (err) {
      await this.fail(err as Error);
      throw err;
    }
  }

  /**
   * Creates the internal topics (repartition topics and the dead-letter topic), checks that the
   * user's source topics exist and are co-partitioned, and returns the partition count of every
   * topic the app may write to.
   */
  private async prepareTopics(): Promise<Map<string, number>> {
    const appId = this.config.applicationId;
    const counts = new Map<string, number>();
    // A sink that picks its topic per record may write any existing topic: learn them all then.
    const dynamicSinks = this.topology
      .subtopologies()
      .some((sub) => sub.nodes.some((node) => node.kind === 'sink' && typeof node.topic === 'function'));
    const relevant = dynamicSinks
      ? await this.broker.listTopics()
      : [
          ...this.topology.userSourceTopics(),
          ...this.topology.sinkTopics(),
          ...this.topology.internalTopics(appId).map((t) => t.name),
          deadLetterTopic(appId),
        ];
    for (const topic of new Set(relevant)) {
      const count = await this.broker.partitionCount(topic);
      if (count !== undefined) counts.set(topic, count);
    }
    for (const [role, topics] of [
      ['source', this.topology.userSourceTopics()],
      ['sink', this.topology.sinkTopics()],
    ] as const) {
      const missing = topics.filter((t) => !counts.has(t));
      if (missing.length) {
        throw new Error(`${role} topic(s) ${missing.map((t) => `'${t}'`).join(', ')} do not exist; create them before starting '${appId}'`);
      }
    }
    const existing = new Set(counts.keys());
    const internal = internalTopicSpecs(this.topology.internalTopics(appId), counts);
    const dlq = deadLetterTopic(appId);
    if (!counts.has(dlq)) internal.push({ name: dlq, partitions: 1 });
    const toCreate = internal.filter((t) => !existing.has(t.name));
    if (toCreate.length) await this.broker.createTopics(toCreate);
    for (const t of internal) if (!counts.has(t.name)) counts.set(t.name, t.partitions);
    this.topology.validate(counts, appId);
    return counts;
  }

  private async fail(err: Error): Promise<void> {
    if (this.fatalError || this.closing) return;
    this.fatalError = err;
    this.log.error({ err }, 'application failed');
    this.lifecycle.transition('ERROR');
    await this.thread?.abandon();
  }

  /** Commits, closes tasks and leaves the group. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<void> {
    this.lifecycle.transition('PENDING_SHUTDOWN');
    try {
      if (!this.fatalError) await this.thread?.stop();
      await this.globalState?.stop();
    } finally {
      await this.queryServer?.close();
      await this.producer?.close().catch(() => undefined);
      if (this.ownsBroker) await this.broker.close();
      this.lifecycle.transition('NOT_RUNNING');
    }
  }

  /** Closes gracefully on SIGTERM / SIGINT (a second signal exits at once). */
  closeOnSignals(): this {
    const handler = (signal: NodeJS.Signals) => {
      if (this.closing) process.exit(130);
      this.log.info({ signal }, 'closing on signal');
      this.close().then(
        () => process.exit(0),
        (err: Error) => {
          this.log.error({ err }, 'close failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
    return this;
  }
}
