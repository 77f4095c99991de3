#!/usr/bin/env node
// Published installs run the compiled CLI; a source checkout runs src/ with Node's type stripping.
import { existsSync, readFileSync } from 'node:fs';

// Checked before anything else loads: an older Node fails deep inside undici or on the .ts
// extension with a stack trace. The needed version is package.json's `engines.node` (">=22.19").
const needed = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node;
const [major, minor] = process.versions.node.split('.').map(Number);
const [needMajor, needMinor] = needed
  .replace(/^>=\s*/, '')
  .split('.')
  .map(Number);
if (major < needMajor || (major === needMajor && minor < (needMinor ?? 0))) {
  process.stderr.write(
    `streamload: Node ${needed.replace(/^>=\s*/, '')} or newer is needed (this is Node ${process.versions.node}); ` +
      'in a checkout, `npm run streamload -- <command>` runs it with the bundled Node 24\n',
  );
  process.exit(1);
}

const dist = new URL('../dist/cli/main.js', import.meta.url);
const entry = existsSync(dist) ? dist : new URL('../src/cli/main.ts', import.meta.url);
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
