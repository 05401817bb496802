/** A topology that cannot run as defined; thrown while it is being built or validated, never per record. */
export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}
