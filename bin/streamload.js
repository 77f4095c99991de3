#!/usr/bin/env node
// Published installs run the compiled CLI; a source checkout runs src/ with Node's type stripping.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(dist) ? dist : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
