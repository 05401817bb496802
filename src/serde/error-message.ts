/** The message of whatever was thrown, for embedding in a SerdeError's own message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
