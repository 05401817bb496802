/**
 * The one logger setup used everywhere. JSON lines by default (what log shippers want); pretty,
 * human-readable output when stdout is a terminal, or when asked with TRIBUTARY_LOG_FORMAT=pretty.
 * Level from TRIBUTARY_LOG_LEVEL (default `info`). Components take a child logger:
 * `logger.child({ component: 'stream-thread' })`.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

function wantsPretty(): boolean {
  const format = process.env.TRIBUTARY_LOG_FORMAT;
  if (format === 'json') return false;
  if (format === 'pretty') return true;
  return process.stdout.isTTY === true;
}

function createRootLogger(): Logger {
  const level = process.env.TRIBUTARY_LOG_LEVEL ?? 'info';
  if (wantsPretty()) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l' } } });
  }
  return pino({ level });
}

export const logger: Logger = createRootLogger();
