/**
 * Crafted run.json and segment files fed to `merge`, `report` and `compare` (issue 29 M8, M9 and
 * lows): negative, infinite and string counts, a damaged histogram in a segment's snapshot, a
 * segment index out of range, a list of rows past any real run. Each is exit 2 with one line
 * naming the file and the field; never exit 70, never a stack. Two real `--segment` runs of the
 * real CLI against the mock LLM are the files damaged.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { runCli, tempDir, withMockLlm } from '../cli/helpers.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests damage arbitrary fields of plain JSON
type Json = Record<string, any>;

let dir = '';
const segments: Json[] = [];

before(async () => {
  dir = tempDir();
  await withMockLlm({ port: 0, firstTokenMs: 2, interTokenMs: 1, tokens: [4, 4] }, async (llm) => {
    for (const index of [0, 1]) {
      const out = join(dir, `seg${index}`);
      const r = await runCli(
        [
          'run',
          ...['--target', llm.url, '--protocol', 'openai', '--users', '2', '--iterations', '20'],
          ...['--segment', `${index + 1}/2`, '--out', out, '--format', 'json'],
        ],
        { timeoutMs: 60_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      segments.push(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')));
    }
  });
});

/** Writes `run` (as text when given a string) and returns its path. */
function file(name: string, run: Json | string): string {
  const path = join(dir, name);
  writeFileSync(path, typeof run === 'string' ? run : JSON.stringify(run));
  return path;
}

const copy = (run: Json): Json => JSON.parse(JSON.stringify(run));

function assertRefused(r: { code: number | null; stderr: string }, path: string, field: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.includes(path), r.stderr);
  assert.match(lines[0]!, field);
}

test('the undamaged segments merge (the files the other tests damage are real)', async () => {
  const r = await runCli([
    'merge',
    file('a.json', segments[0]!),
    file('b.json', segments[1]!),
    '--out',
    tempDir(),
  ]);
  assert.equal(r.code, 0, r.stderr);
});

test('M8: merge refuses negative, infinite and string counts, naming the file and the field', async () => {
  const negative = copy(segments[0]!);
  negative.snapshot.totals.failures = -7;
  const infinite = copy(segments[0]!);
  const string = copy(segments[0]!);
  string.snapshot.totals.requests = '12';
  const good = file('good.json', segments[1]!);
  for (const [name, run, field] of [
    ['negative.json', negative, /snapshot.*totals\.failures must be a whole number ≥ 0/],
    // 1e999 is valid JSON and parses as Infinity.
    [
      'infinite.json',
      JSON.stringify(infinite).replace('"elapsedMs":', '"elapsedMs":1e999,"x":'),
      /elapsedMs.*finite/,
    ],
    ['string.json', string, /snapshot.*totals\.requests must be a whole number/],
  ] as const) {
    const path = file(name, run);
    const r = await runCli(['merge', path, good, '--out', tempDir()]);
    assertRefused(r, path, field);
  }
});

test('M9: merge of a segment whose histogram is damaged is exit 2 naming the histogram', async () => {
  const damaged = copy(segments[0]!);
  const name = Object.keys(damaged.snapshot.histograms)[0]!;
  damaged.snapshot.histograms[name] = `${damaged.snapshot.histograms[name].slice(0, 20)}AAAAdamaged`;
  const path = file('damaged.json', damaged);
  const r = await runCli(['merge', path, file('good2.json', segments[1]!), '--out', tempDir()]);
  assertRefused(r, path, new RegExp(`snapshot.*histograms\\."${name}" must be an encoded HDR histogram`));
});

test('merge refuses a segment index out of range', async () => {
  const out = copy(segments[1]!);
  out.config.segment = { index: 5, of: 2 };
  const path = file('range.json', out);
  const r = await runCli(['merge', file('good3.json', segments[0]!), path, '--out', tempDir()]);
  assertRefused(r, path, /config\.segment\.index" should be a whole number from 0 to 1, got 5/);
});

test('report and compare refuse negative totals and overlong row lists', async () => {
  const negative = copy(segments[0]!);
  negative.totals.requests = -3;
  const path = file('neg-total.json', negative);
  assertRefused(
    await runCli(['report', path, '--out', tempDir()]),
    path,
    /totals\.requests" should be ≥ 0, got -3/,
  );
  assertRefused(await runCli(['compare', path, file('ok.json', segments[1]!)]), path, /totals\.requests/);

  const rows = copy(segments[0]!);
  rows.history = Array.from({ length: 7 * 86_400 + 3_601 }, () => ({}));
  const many = file('many-rows.json', rows);
  const began = performance.now();
  assertRefused(
    await runCli(['report', many, '--out', tempDir()]),
    many,
    /"history" has 608401 items, more than 608400/,
  );
  assert.ok(performance.now() - began < 30_000);
});
