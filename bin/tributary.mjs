#!/usr/bin/env node
// Entry point of the `tributary` command. Registers tsx so the CLI, and the TypeScript topology
// files it loads, run without a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
