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

/**
 * The layers of src/, bottom to top, declared once. A folder (or a file directly in src/) may import
 * only itself and the layers below it; folders in one layer are siblings and never import each other.
 * Why each sits where it does:
 * - util/, errors.ts, version.ts, global-state.ts: helpers, the error taxonomy and the injected
 *   process state every layer uses; they import nothing of ours.
 * - metrics/, sse/: the measuring core (histograms, snapshots) and the SSE parser/encoder.
 * - config/: the option kernel: what an option is (option.ts), the value kinds and parsers
 *   (values.ts, units.ts), config files, limits and redaction. It knows no feature: each feature
 *   declares its options as a fragment in its own folder, over the kernel.
 * - slo/, segments/: pass/fail rules (thresholds, per-request objectives over metrics) and the
 *   segment/share arithmetic of a scaled-out run (controls/, engine/, report/ and distributed/
 *   split by it), each with its options.
 * - protocols/, controls/, monitor/: what a request says and means; what may hold a request back;
 *   the target's resources during a run (/proc, the Docker engine, Prometheus scrapes); each with
 *   its options.
 * - engine/: executors, virtual users, the hot path; drives protocols/ and controls/. Its load
 *   shape, arrivals, transport and scenario options are its fragments.
 * - run-config/: the run's option table (every fragment composed), RunConfig, its resolution from
 *   flags, file, env and defaults, the worker protocol's check and run.json's config schema.
 * - report/: run.json and its renderings (and merging segments' outcomes); run.json's config is
 *   typed by run-config/.
 * - run.ts: one run in this process, engine/ + report/ composed; its RunHandle is the seam above.
 * - distributed/: runs shares of a run (run.ts) in other processes and merges them.
 * - session/, find-limit/, setup/, targets/: what one command does (a run session with its live view
 *   and reports; the find-limit search; Dify setup; the embedded targets), siblings over the layers above.
 * - web/: the web UI, which starts runs through session/.
 * - cli/, index.ts: the entry points (the command line; the package's programmatic API).
 * Unit tests (`*.test.ts`) are checked too, except the ones in ALLOWED_UPWARD.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['util', 'errors.ts', 'version.ts', 'global-state.ts'],
  ['metrics', 'sse'],
  ['config'],
  ['slo', 'segments'],
  ['protocols', 'controls', 'monitor'],
  ['engine'],
  ['run-config'],
  ['report'],
  ['run.ts'],
  ['distributed'],
  ['session', 'find-limit', 'setup', 'targets'],
  ['web'],
  ['cli', 'index.ts'],
];

/**
 * Upward imports still allowed, each with its reason: `from -> to` file paths. Keep it short; only a
 * unit test belongs here (nothing imports a test, so it cannot close a cycle of the shipped modules).
 */
const ALLOWED_UPWARD: ReadonlyMap<string, string> = new Map<string, string>([]);

/** `src/config/fields.ts` → `config`; `src/run.ts` → `run.ts`; outside src/ → undefined. */
function unitOf(path: string): string | undefined {
  if (!inside(path, 'src')) return undefined;
  return path.slice('src/'.length).split('/')[0];
}

function layerOf(unit: string): number {
  return LAYERS.findIndex((layer) => layer.includes(unit));
}

/** Every import from one unit to another that is not strictly below it, as a readable line. */
function upwardImports(all: readonly Edge[]): string[] {
  const found: string[] = [];
  for (const e of all) {
    const from = unitOf(e.from);
    const to = unitOf(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    if (ALLOWED_UPWARD.has(`${e.from} -> ${e.to}`)) continue;
    const [a, b] = [layerOf(from), layerOf(to)];
    if (a >= 0 && b >= 0 && b < a) continue;
    found.push(`${e.from} -> ${e.to} (${from} -> ${to}: layer ${a} imports layer ${b})`);
  }
  return found;
}

test('every folder and top-level file of src/ has a layer (a new one must be placed)', () => {
  const units = new Set(
    sourceFiles(SRC)
      .map((f) => unitOf(relative(ROOT, f)))
      .filter((u) => u !== undefined),
  );
  assert.deepEqual(
    [...units].filter((u) => layerOf(u) < 0),
    [],
  );
  assert.deepEqual(
    LAYERS.flat().filter((u) => !units.has(u)),
    [],
    'a layer names a folder that no longer exists',
  );
});

test('imports point down the layers: no folder imports its own layer or one above it', () => {
  assert.deepEqual(
    upwardImports(edges()),
    [],
    'move what the lower layer needs down (see LAYERS for the order and why)',
  );
});

test('the layer check names an upward import and its edge (guards the check)', () => {
  const found = upwardImports([
    { from: 'src/config/fields.ts', to: 'src/distributed/shares.ts' },
    { from: 'src/engine/x.ts', to: 'src/config/y.ts' },
    { from: 'src/protocols/a.ts', to: 'src/controls/b.ts' },
  ]);
  assert.deepEqual(found, [
    'src/config/fields.ts -> src/distributed/shares.ts (config -> distributed: layer 2 imports layer 9)',
    'src/protocols/a.ts -> src/controls/b.ts (protocols -> controls: layer 4 imports layer 4)',
  ]);
});

/** Every import circle among the files of src/ (type-level imports included): Tarjan's strongly connected components. */
function importCircles(all: readonly Edge[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const e of all) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) circles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return circles;
}

test('no import circles in src/, type-level imports included', () => {
  assert.deepEqual(
    importCircles(edges()).map((c) => c.join(' → ')),
    [],
    'a circle means two files are one concern or share a third: move the shared part into its own file',
  );
});

test('the circle check finds a circle through a type import (guards the check)', () => {
  const found = importCircles([
    { from: 'src/a.ts', to: 'src/b.ts' },
    { from: 'src/b.ts', to: 'src/c.ts' },
    { from: 'src/c.ts', to: 'src/a.ts' },
    { from: 'src/c.ts', to: 'src/d.ts' },
  ]);
  assert.deepEqual(found, [['src/a.ts', 'src/b.ts', 'src/c.ts']]);
});

/**
 * Files over MAX_LINES are read in more than one sitting; a longer one needs its reason here.
 * Tests are measured too (a long test file is many concerns).
 */
const MAX_LINES = 400;
const LONG_FILES: ReadonlyMap<string, string> = new Map<string, string>([]);

test(`no file in src/ over ${MAX_LINES} lines (or a commented exception)`, () => {
  const long = sourceFiles(SRC)
    .map((file) => ({ path: relative(ROOT, file), lines: readFileSync(file, 'utf8').split('\n').length }))
    .filter(({ path, lines }) => lines > MAX_LINES && !LONG_FILES.has(path))
    .map(({ path, lines }) => `${path}: ${lines} lines`);
  assert.deepEqual(long, [], 'split it by job, or give LONG_FILES its reason');
});

/**
 * A path built at runtime (`new URL('../cli/main.ts', import.meta.url)`: a child's entry, a
 * module to resolve) is a dependency no import scan sees: it too points down the layers, or the
 * entry is handed down by the layer that may name it (src/cli/entries.ts).
 */
const RUNTIME_PATH = /new URL\(\s*[`'"](\.{1,2}\/[^`'"$]*)/g;

/** Runtime paths allowed across units of one layer, each with its reason. */
const ALLOWED_PATHS: ReadonlyMap<string, string> = new Map([
  [
    'src/cli/entries.ts -> src/index',
    "a scenario's `import 'streamload'` is the package entry, beside the CLI in the top layer",
  ],
]);

function runtimePathsUp(files: readonly { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    for (const match of text.matchAll(RUNTIME_PATH)) {
      const target = relative(ROOT, resolve(ROOT, dirname(path), match[1] as string));
      // `../index${ext}`: the extension is computed, the unit is the file.
      const unit = unitOf(target);
      const to = unit !== undefined && layerOf(unit) < 0 && layerOf(`${unit}.ts`) >= 0 ? `${unit}.ts` : unit;
      const from = unitOf(path);
      if (from === undefined || to === undefined || from === to) continue;
      if (ALLOWED_PATHS.has(`${path} -> ${target}`)) continue;
      if (layerOf(to) < layerOf(from)) continue;
      found.push(`${path} -> ${target} (${from} -> ${to})`);
    }
  }
  return found;
}

test('runtime path references point down the layers too (entries are handed down, not climbed to)', () => {
  const files = sourceFiles(SRC)
    .filter((file) => !file.endsWith('.test.ts'))
    .map((file) => ({ path: relative(ROOT, file), text: readFileSync(file, 'utf8') }));
  assert.deepEqual(runtimePathsUp(files), []);
});

test('the runtime path check names a path that climbs (guards the check)', () => {
  assert.deepEqual(
    runtimePathsUp([
      { path: 'src/engine/x.ts', text: `const MAIN = new URL(\`../cli/main\${ext}\`, import.meta.url);` },
      { path: 'src/engine/scenario/y.ts', text: "new URL('../../index.ts', import.meta.url)" },
      { path: 'src/report/z.ts', text: "new URL('../../schemas/run.schema.json', import.meta.url)" },
      { path: 'src/cli/entries.ts', text: "new URL('./main.ts', import.meta.url)" },
      { path: 'src/cli/other.ts', text: `new URL(\`../index\${EXT}\`, import.meta.url)` },
    ]),
    [
      'src/engine/x.ts -> src/cli/main (engine -> cli)',
      'src/engine/scenario/y.ts -> src/index.ts (engine -> index.ts)',
      'src/cli/other.ts -> src/index (cli -> index.ts)',
    ],
  );
});
