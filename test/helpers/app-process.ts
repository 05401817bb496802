/**
 * Runs an application instance as a child process (`node --import tsx <script> <json config>`), so
 * tests can kill it for real (SIGKILL: no close, no commit, no checkpoint) or stop it gracefully
 * (SIGTERM). The script reports on stdout in JSON lines with an `ev` field (see
 * test/fault/worker.ts); other stdout/stderr lines are kept as a tail for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface AppEvent {
  ev: string;
  /** Wall-clock time the child printed it (ms). */
  t: number;
  [field: string]: unknown;
}

export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface AppProcessOptions {
  /** Extra environment for the child (TRIBUTARY_LOG_LEVEL defaults to `error`). */
  env?: Record<string, string>;
  /** Prefix for failure messages, e.g. `b#3`. */
  label?: string;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const TAIL_LINES = 40;

export class AppProcess {
  readonly events: AppEvent[] = [];
  readonly exited: Promise<AppExit>;
  readonly label: string;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly waiters = new Set<() => void>();
  private exit: AppExit | undefined;

  private constructor(script: string, config: unknown, options: AppProcessOptions) {
    this.label = options.label ?? script;
    this.child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], {
      cwd: repoRoot,
      env: { ...process.env, TRIBUTARY_LOG_LEVEL: 'error', TRIBUTARY_LOG_FORMAT: 'json', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
        this.notify();
      });
    });
    lines(this.child.stdout!, (line) => {
      const event = parseEvent(line);
      if (event) {
        this.events.push(event);
        this.notify();
      } else this.keep(line);
    });
    lines(this.child.stderr!, (line) => this.keep(line));
  }

  /** Starts `script` (relative to the repository root, or absolute) with `config` as its argument. */
  static start(script: string, config: unknown, options: AppProcessOptions = {}): AppProcess {
    return new AppProcess(script, config, options);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Set once the process has exited. */
  get exitStatus(): AppExit | undefined {
    return this.exit;
  }

  /** The latest event of kind `ev`, if any. */
  last(ev: string): AppEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i].ev === ev) return this.events[i];
    return undefined;
  }

  /** Resolves with the first event (already seen or to come) matching `predicate`; rejects if the process exits or time runs out first. */
  waitFor(predicate: (event: AppEvent) => boolean, timeoutMs: number, what = 'the expected event'): Promise<AppEvent> {
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const check = () => {
        const found = this.events.find(predicate);
        if (found) return done(() => resolve(found));
        if (this.exit) done(() => reject(this.failure(`exited (${describeExit(this.exit!)}) before ${what}`)));
      };
      const done = (settle: () => void) => {
        if (timer) clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      timer = setTimeout(() => done(() => reject(this.failure(`no ${what} within ${timeoutMs} ms`))), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILL: the process dies at once, mid-whatever-it-was-doing. */
  async kill(): Promise<AppExit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM and wait for a graceful exit (code 0); SIGKILLs and throws if that takes over `timeoutMs` or fails. */
  async stop(timeoutMs = 30_000): Promise<AppExit> {
    if (this.exit) throw this.failure(`had already exited (${describeExit(this.exit)}) when asked to stop`);
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw this.failure(`did not close within ${timeoutMs} ms of SIGTERM`);
    }
    if (result.code !== 0) throw this.failure(`closed with ${describeExit(result)}`);
    return result;
  }

  /** For cleanup: SIGKILL if still running, never throws. */
  async dispose(): Promise<void> {
    if (!this.exit) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** An error naming this instance, with its last output lines. */
  failure(message: string): Error {
    const output = this.tail.length ? `\n--- last output of ${this.label} ---\n${this.tail.join('\n')}` : '';
    return new Error(`${this.label}: ${message}${output}`);
  }

  private keep(line: string): void {
    this.tail.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function describeExit(exit: AppExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function parseEvent(line: string): AppEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return typeof parsed.ev === 'string' ? (parsed as AppEvent) : undefined;
  } catch {
    return undefined;
  }
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) if (part.trim()) onLine(part);
  });
  stream.on('end', () => {
    if (rest.trim()) onLine(rest);
  });
}

