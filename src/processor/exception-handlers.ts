/**
 * What happens to an input record that cannot be deserialized or whose processing throws:
 * `continue` logs it, sends the raw record to the dead-letter topic `<appId>-dlq` and goes on with
 * the next one; `fail` stops the application with a `StreamsError`. A function decides per failure
 * (to count, alert, or fail only on some errors); `continue` still dead-letters the record.
 */
import type { ConsumedRecord } from '../broker/types.js';
import { StreamsError } from './streams-error.js';

export type FailureStage = 'deserialization' | 'processing';

export interface FailureContext {
  readonly stage: FailureStage;
  readonly error: Error;
  readonly taskId: string;
  /** The raw input record; absent when a punctuator failed (no input record is involved). */
  readonly record?: ConsumedRecord;
}

export type HandlerResponse = 'continue' | 'fail';

export type ExceptionHandlerSetting = HandlerResponse | ((failure: FailureContext) => HandlerResponse);

export function handleFailure(setting: ExceptionHandlerSetting, failure: FailureContext): HandlerResponse {
  const response = typeof setting === 'function' ? setting(failure) : setting;
  if (response !== 'continue' && response !== 'fail') {
    throw new StreamsError(`The ${failure.stage} exception handler returned ${JSON.stringify(response)}; expected 'continue' or 'fail'`);
  }
  return response;
}

/** Anything thrown, as an Error (JavaScript code may throw strings or plain objects). */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
