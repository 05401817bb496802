import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AppDefinition } from '../runtime/app-definition.js';

/** Imports a topology file and checks that its default export looks like `defineApp(...)`'s. */
export async function loadAppDefinition(file: string): Promise<AppDefinition> {
  const url = pathToFileURL(resolve(file)).href;
  const module = (await import(url)) as { default?: Partial<AppDefinition> };
  const def = module.default;
  if (!def || typeof def.topology !== 'function' || typeof def.applicationId !== 'string' || !Array.isArray(def.topics)) {
    throw new Error(`${file}: the default export must be defineApp({ applicationId, topics, topology })`);
  }
  return def as AppDefinition;
}
