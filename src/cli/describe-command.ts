import { StreamsBuilder } from '../dsl/streams-builder.js';
import { loadAppDefinition } from './load-app-definition.js';

export async function describeCommand(file: string, options: { mermaid?: boolean }): Promise<void> {
  const def = await loadAppDefinition(file);
  const builder = new StreamsBuilder();
  def.topology(builder);
  const description = builder.build().describe();
  process.stdout.write(`${options.mermaid ? description.toMermaid() : description.toString()}\n`);
}
