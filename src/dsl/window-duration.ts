/** Checks of the durations window specs are made of: whole, non-negative milliseconds. */
export function requireDuration(what: string, ms: number, min = 0): number {
  if (!Number.isSafeInteger(ms) || ms < min) throw new RangeError(`${what} must be a whole number of milliseconds >= ${min}, got ${ms}`);
  return ms;
}
