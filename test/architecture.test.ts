/**
 * Dependency direction: src/cli/ is the top layer (argv, exit codes, the terminal), so nothing else
 * may import it; the web UI and the CLI are siblings that share the run session in src/session/, so
 * web/ never imports cli/ and cli/ only starts the web UI through its public entry, never the other
 * way round. Reads the import lines of every src/**\/*.ts (static, `export … from` and dynamic).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}

/** Relative specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

interface Edge {
  from: string;
  to: string;
}

function edges(): Edge[] {
  const found: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), match[1] as string);
      found.push({ from: relative(ROOT, file), to: relative(ROOT, target) });
    }
  }
  return found;
}

const inside = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);

test('the import scan sees the project (guards against a regex that matches nothing)', () => {
  const all = edges();
  assert.ok(all.length > 200, `only ${all.length} imports found`);
  assert.ok(all.some((e) => e.from === 'src/cli/main.ts'));
});

test('no module outside src/cli/ imports from src/cli/', () => {
  const upward = edges().filter((e) => !inside(e.from, 'src/cli') && inside(e.to, 'src/cli'));
  assert.deepEqual(
    upward.map((e) => `${e.from} -> ${e.to}`),
    [],
    'move what they need below the CLI (src/errors.ts, src/config/units.ts, src/session/)',
  );
});

test('src/web/ never imports src/cli/ (they share src/session/ instead of importing each other)', () => {
  const all = edges();
  const webToCli = all.filter((e) => inside(e.from, 'src/web') && inside(e.to, 'src/cli'));
  assert.deepEqual(
    webToCli.map((e) => `${e.from} -> ${e.to}`),
    [],
  );
});

test('src/config/ never imports src/report/ (a report reads the config and its threshold results, not the reverse)', () => {
  const configToReport = edges().filter((e) => inside(e.from, 'src/config') && inside(e.to, 'src/report'));
  assert.deepEqual(
    configToReport.map((e) => `${e.from} -> ${e.to}`),
    [],
    'move the type it needs down into src/config/ or src/metrics/ and let report/ import it',
  );
});

/**
 * Process state (k6's cmd/state): argv, env, cwd, stdio, signals, IPC and the exit code belong to
 * the entry points in src/cli/, which hand a GlobalState (src/global-state.ts) down. Read-only facts
 * (pid, version, cpuUsage, memoryUsage, execPath, hrtime, platform) are not state and stay allowed.
 * Unit tests beside the code (`*.test.ts`) may use the real process.
 */
const PROCESS_STATE =
  /\bprocess\s*\.\s*(argv|env|stdout|stderr|stdin|exit|exitCode|on|once|off|send|connected|disconnect|cwd)\b|\{[^}]*\}\s*=\s*process\b/;

/** Code lines only: block comments, `//` lines and JSDoc lines say `process.env` without using it. */
function codeLines(text: string): { line: number; code: string }[] {
  const withoutBlocks = text.replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '));
  return withoutBlocks
    .split('\n')
    .map((code, i) => ({ line: i + 1, code }))
    .filter(({ code }) => !code.trim().startsWith('//'));
}

test('outside src/cli/, no module touches process state (argv, env, cwd, stdio, signals, IPC, exit code)', () => {
  const found: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const path = relative(ROOT, file);
    if (inside(path, 'src/cli') || path.endsWith('.test.ts')) continue;
    for (const { line, code } of codeLines(readFileSync(file, 'utf8')))
      if (PROCESS_STATE.test(code)) found.push(`${path}:${line}: ${code.trim()}`);
  }
  assert.deepEqual(found, [], 'take a GlobalState (or the Output/env it needs) from the caller instead');
});

test('the process-state scan finds a use and passes over a comment (guards the pattern)', () => {
  const hits = (text: string) => codeLines(text).filter(({ code }) => PROCESS_STATE.test(code)).length;
  assert.equal(hits('const a = process.env.A;\nprocess.stdout.write("x");\nconst { argv } = process;'), 3);
  assert.equal(hits('/** reads `process.env` */\n// process.exit()\nconst v = process.version;'), 0);
  assert.equal(hits('const t = process.hrtime.bigint(); const p = process.pid;'), 0);
});
