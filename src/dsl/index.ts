export { StreamsBuilder } from './streams-builder.js';
export { KStream } from './kstream.js';
export { BranchedKStream, type BranchKey } from './branched-kstream.js';
export type { Branched, Consumed, Named, Produced, Repartitioned } from './options.js';
export type { ForeachAction, KeyValueMapper, Predicate, ValueMapper } from './processors/stateless.js';
export type { TrackedSerde } from './tracked-serde.js';
