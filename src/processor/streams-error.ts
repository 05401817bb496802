/**
 * A failure that must stop the application (an exception handler answered `fail`, or the engine
 * hit an inconsistency). Per-record failures the app can survive never surface as this.
 */
export class StreamsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamsError';
  }
}
