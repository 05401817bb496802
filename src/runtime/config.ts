/**
 * Application configuration: the user-facing shape, its defaults, and validation that fails at
 * start with a message naming the offending key (a typo like `comitIntervalMs` must not be ignored).
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExceptionHandlerSetting } from '../processor/exception-handlers.js';
import type { ProductionHandlerSetting } from './record-collector.js';

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

export interface StreamsConfig {
  /** Consumer group id, prefix of internal topics and state directory name. Required. */
  applicationId: string;
  /** Kafka bootstrap servers. Absent or empty: run on the embedded broker (the zero-setup default). */
  brokers?: string[];
  /** Where local state lives: `<stateDir>/<applicationId>/<taskId>/`. Default: `<tmpdir>/tributary`. */
  stateDir?: string;
  /** How often offsets are committed (ms). Default 1000. */
  commitIntervalMs?: number;
  processingGuarantee?: ProcessingGuarantee;
  /** Records handed to processing per fetched batch. Default 10,000. */
  maxBatchRecords?: number;
  /** Wall-clock punctuation tick (ms). Default 100. */
  wallClockTickMs?: number;
  /** What to do with a record whose key or value cannot be deserialized. Default `continue` (log + dead-letter topic). */
  deserializationExceptionHandler?: ExceptionHandlerSetting;
  /** What to do when a processor throws. Default `continue` (log + dead-letter topic). */
  processingExceptionHandler?: ExceptionHandlerSetting;
  /** What to do when the broker refuses output records. Default `fail` (never lose output silently). */
  productionExceptionHandler?: ProductionHandlerSetting;
  /** Bytes of the per-task record cache that coalesces store updates between commits; 0 turns caching off. Default 10 MiB. */
  cacheMaxBytes?: number;
  /** How long start() waits for global stores to read their topics to the end (ms). Default 120,000. */
  globalBootstrapTimeoutMs?: number;
  /** How often a status line (throughput, consumer lag) is logged (ms). Default 30,000. */
  statusLogIntervalMs?: number;
  /**
   * How long the group waits for a silent instance before moving its partitions elsewhere (ms).
   * Default 10,000: a crashed instance's partitions move within seconds.
   */
  sessionTimeoutMs?: number;
  /**
   * How many other instances keep a warm copy of each stateful task's persistent stores, fed from
   * its changelog, so that the task moving there (its instance failed or left) only restores what
   * the copy had not read yet. Default 0. Kafka broker only: the embedded broker runs no standbys.
   */
  numStandbyReplicas?: number;
  /**
   * `host:port` where this instance answers interactive queries (see `StreamsApp.serveQueries`);
   * shared with the group so any instance can route a key to the one that holds it.
   */
  applicationServer?: string;
  /** Embedded broker only: persist the log under this directory so a restarted app resumes. */
  embeddedDataDir?: string;
  /**
   * This instance's identity within the application: names its transactional producer under
   * exactly-once (`<applicationId>-<instanceId>`), so a restarted instance fences its zombie
   * predecessor. Give each instance a stable, distinct id. Default: random per start.
   */
  instanceId?: string;
  /** Kafka client id prefix. Default: the application id. */
  clientId?: string;
}

export interface ResolvedStreamsConfig
  extends Required<Omit<StreamsConfig, 'brokers' | 'embeddedDataDir' | 'clientId' | 'instanceId' | 'applicationServer'>> {
  applicationServer: string | undefined;
  instanceId: string;
  brokers: string[];
  embeddedDataDir: string | undefined;
  clientId: string;
}

export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`invalid config '${key}': ${message}`);
    this.name = 'ConfigError';
  }
}

const KNOWN_KEYS: ReadonlyArray<keyof StreamsConfig> = [
  'applicationId',
  'brokers',
  'stateDir',
  'commitIntervalMs',
  'processingGuarantee',
  'maxBatchRecords',
  'wallClockTickMs',
  'deserializationExceptionHandler',
  'processingExceptionHandler',
  'productionExceptionHandler',
  'cacheMaxBytes',
  'globalBootstrapTimeoutMs',
  'statusLogIntervalMs',
  'sessionTimeoutMs',
  'numStandbyReplicas',
  'applicationServer',
  'embeddedDataDir',
  'instanceId',
  'clientId',
];

function closestKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const known of KNOWN_KEYS) {
    const score = editDistance(lower, known.toLowerCase());
    if (score < bestScore) {
      bestScore = score;
      best = known;
    }
  }
  return bestScore <= 3 ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

function positiveInteger(config: StreamsConfig, key: keyof StreamsConfig, fallback: number): number {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigError(key, `must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegativeInteger(config: StreamsConfig, key: keyof StreamsConfig, fallback: number): number {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ConfigError(key, `must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function applicationServer(config: StreamsConfig): string | undefined {
  const value = config.applicationServer;
  if (value !== undefined && (typeof value !== 'string' || !/^[^:\s]+:\d+$/.test(value))) {
    throw new ConfigError('applicationServer', `must be 'host:port', got ${JSON.stringify(value)}`);
  }
  return value;
}

function handlerSetting(config: StreamsConfig, key: keyof StreamsConfig): ExceptionHandlerSetting {
  const value = config[key];
  if (value === undefined) return 'continue';
  if (value === 'continue' || value === 'fail' || typeof value === 'function') return value as ExceptionHandlerSetting;
  throw new ConfigError(key, `must be 'continue', 'fail' or a function, got ${JSON.stringify(value)}`);
}

function productionSetting(config: StreamsConfig): ProductionHandlerSetting {
  const value = config.productionExceptionHandler;
  if (value === undefined) return 'fail';
  if (value === 'continue' || value === 'fail' || typeof value === 'function') return value;
  throw new ConfigError('productionExceptionHandler', `must be 'continue', 'fail' or a function, got ${JSON.stringify(value)}`);
}

export function resolveConfig(config: StreamsConfig): ResolvedStreamsConfig {
  if (config === null || typeof config !== 'object') throw new ConfigError('(root)', 'config must be an object');
  for (const key of Object.keys(config)) {
    if (!(KNOWN_KEYS as string[]).includes(key)) {
      const hint = closestKey(key);
      throw new ConfigError(key, `unknown key${hint ? ` (did you mean '${hint}'?)` : ''}`);
    }
  }
  const { applicationId } = config;
  if (typeof applicationId !== 'string' || !/^[a-zA-Z0-9._-]{1,200}$/.test(applicationId)) {
    throw new ConfigError(
      'applicationId',
      `required; letters, digits, '.', '_' and '-' only (it names topics and directories), got ${JSON.stringify(applicationId)}`,
    );
  }
  const brokers = config.brokers ?? [];
  if (!Array.isArray(brokers) || brokers.some((b) => typeof b !== 'string' || !/^[^:\s]+:\d+$/.test(b))) {
    throw new ConfigError('brokers', `must be a list of 'host:port', got ${JSON.stringify(config.brokers)}`);
  }
  const guarantee = config.processingGuarantee ?? 'at_least_once';
  if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') {
    throw new ConfigError('processingGuarantee', `must be 'at_least_once' or 'exactly_once_v2', got ${JSON.stringify(guarantee)}`);
  }
  for (const key of ['stateDir', 'embeddedDataDir', 'clientId', 'instanceId'] as const) {
    const value = config[key];
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw new ConfigError(key, `must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  }
  return {
    applicationId,
    brokers,
    stateDir: config.stateDir ?? join(tmpdir(), 'tributary'),
    commitIntervalMs: positiveInteger(config, 'commitIntervalMs', 1000),
    processingGuarantee: guarantee,
    maxBatchRecords: positiveInteger(config, 'maxBatchRecords', 10_000),
    wallClockTickMs: positiveInteger(config, 'wallClockTickMs', 100),
    deserializationExceptionHandler: handlerSetting(config, 'deserializationExceptionHandler'),
    processingExceptionHandler: handlerSetting(config, 'processingExceptionHandler'),
    productionExceptionHandler: productionSetting(config),
    cacheMaxBytes: nonNegativeInteger(config, 'cacheMaxBytes', 10 * 1024 * 1024),
    globalBootstrapTimeoutMs: positiveInteger(config, 'globalBootstrapTimeoutMs', 120_000),
    statusLogIntervalMs: positiveInteger(config, 'statusLogIntervalMs', 30_000),
    sessionTimeoutMs: positiveInteger(config, 'sessionTimeoutMs', 10_000),
    numStandbyReplicas: nonNegativeInteger(config, 'numStandbyReplicas', 0),
    applicationServer: applicationServer(config),
    embeddedDataDir: config.embeddedDataDir,
    clientId: config.clientId ?? applicationId,
    instanceId: config.instanceId ?? randomUUID(),
  };
}
