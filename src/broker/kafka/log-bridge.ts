/**
 * Routes kafkajs' own log lines into the project's pino logger, so one process writes one log
 * format. kafkajs logs at ERROR every error response (`Connection`) and every failed produce
 * attempt (`Producer`), including the many it retries itself (coordinator loading, concurrent
 * transactions right after a commit, rebalance in progress); those go to debug, since a real
 * failure surfaces as a rejected call anyway. kafkajs INFO lines (one per pause/resume call, per
 * join) go to debug too.
 */
import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { Logger } from '../../logger.js';

type PinoLevel = 'error' | 'warn' | 'debug';

const ERRORS_SURFACED_AS_REJECTIONS = new Set(['Connection', 'Producer']);

function pinoLevel(entry: LogEntry): PinoLevel {
  switch (entry.level) {
    case logLevel.ERROR:
      return ERRORS_SURFACED_AS_REJECTIONS.has(entry.namespace) ? 'debug' : 'error';
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
