/**
 * Routes kafkajs' own log lines into the project's pino logger, so one process writes one log
 * format. kafkajs' `[Connection]` namespace logs every error response at ERROR, including the
 * ones kafkajs retries itself (coordinator loading, concurrent transactions, rebalance in progress
 * on a heartbeat); those go to debug, since a real failure surfaces as a rejected call anyway.
 * kafkajs INFO lines (a line per pause/resume call, per join) go to debug too.
 */
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '../../logger.js';

type PinoLevel = 'error' | 'warn' | 'debug';

function pinoLevel(entry: LogEntry): PinoLevel {
  switch (entry.level) {
    case logLevel.ERROR:
      return entry.namespace === 'Connection' ? 'debug' : 'error';
    case logLevel.WARN:
      return 'warn';
    default:
      return 'debug';
  }
}

export function pinoLogCreator(log: Logger): logCreator {
  return () => (entry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry.log;
    log[pinoLevel(entry)]({ ...fields, namespace: entry.namespace }, message);
  };
}

/** kafkajs level for a pino level name: kafkajs then skips building lines nobody would print. */
export function kafkajsLogLevel(level: string): logLevel {
  switch (level) {
    case 'silent':
      return logLevel.NOTHING;
    case 'fatal':
    case 'error':
      return logLevel.ERROR;
    case 'warn':
    case 'info':
      return logLevel.WARN;
    default:
      return logLevel.DEBUG;
  }
}
