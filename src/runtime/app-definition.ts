/**
 * What a topology file exports for the CLI (`tributary run <file>`, `tributary describe <file>`):
 * the application id, the topology, the user topics it needs, and optionally a simulator that
 * produces sample input (what `npm start` runs on the embedded broker).
 */
import type { Broker, TopicSpec } from '../broker/types.js';
import type { StreamsBuilder } from '../dsl/streams-builder.js';
import type { StreamsConfig } from './config.js';

export interface Simulator {
  /** Stops producing; resolves when everything produced so far is acknowledged. */
  stop(): Promise<void>;
}

export interface AppDefinition {
  applicationId: string;
  /** User topics the app reads and writes; `tributary run` creates the missing ones. */
  topics: TopicSpec[];
  /** Adds the app's streams and tables to `builder`. */
  topology(builder: StreamsBuilder): void;
  /** Config beyond applicationId and brokers (those come from the CLI). */
  config?: Omit<StreamsConfig, 'applicationId' | 'brokers'>;
  /** Produces sample input until stopped (`tributary run --simulate`). */
  simulate?(broker: Broker): Simulator;
}

/** Identity function that gives a topology file's default export its type. */
export function defineApp(definition: AppDefinition): AppDefinition {
  return definition;
}
