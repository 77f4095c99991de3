/**
 * `streamload compare` and `run --repeat` end to end: real runs against the mock LLM with jitter
 * (first token 200 ms ± 20 ms), through the real CLI. The A/A and A/B rates over many pairs are a
 * benchmark (`npm run bench:compare`), not a test; here: one verdict of each kind, and bad input.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { runCli, tempDir } from '../cli/helpers.ts';

const MOCK = { port: 0, interTokenMs: 20, jitterMs: 20, tokens: [16, 16] as const };
let base: MockLlm;
let slower: MockLlm;
after(async () => {
  await base?.close();
  await slower?.close();
});

const LOAD = ['--protocol', 'openai', '--users', '8', '--spawn-rate', '100', '--live-interval', '60s'];

/** One run of `seconds`; the folder it wrote. */
async function run(target: string, seconds: number, ...extra: string[]): Promise<string> {
  const out = tempDir();
  const r = await runCli(
    ['run', '--target', target, ...LOAD, '--run-time', `${seconds}s`, '--out', out, ...extra],
    {
      timeoutMs: 170_000,
    },
  );
  assert.equal(r.code, 0, r.stderr);
  return out;
}

interface Json {
  regressed: string[];
  metrics: { id: string; verdict: string | null; ci: [number, number] | null; method: string | null }[];
}

let first = '';
let second = '';
let worse = '';
let repeats = '';
before(async () => {
  base = await startMockLlm({ ...MOCK, seed: 1, firstTokenMs: 200 });
  slower = await startMockLlm({ ...MOCK, seed: 2, firstTokenMs: 260 });
  first = await run(base.url, 5);
  second = await run(base.url, 5);
  worse = await run(slower.url, 5);
  repeats = await run(base.url, 3, '--repeat', '3', '--repeat-pause', '200ms');
});

test('identical configurations: exit 0, every judged metric with its evidence', {
  timeout: 300_000,
}, async () => {
  const r = await runCli(['compare', first, second, '--format', 'json']);
  assert.equal(r.code, 0, r.stdout);
  const json = JSON.parse(r.stdout) as Json;
  assert.deepEqual(json.regressed, []);
  const ids = json.metrics.map((m) => m.id);
  for (const id of [
    'ttft.p50',
    'tpot.p95',
    'inter_event.p99',
    'ttfe.p50',
    'request_duration.p99',
    'requests_per_s',
    'output_tokens_per_s',
    'error_rate',
  ])
    assert.ok(ids.includes(id), `${id} in ${ids.join(' ')}`);
  const ttft = json.metrics.find((m) => m.id === 'ttft.p50')!;
  assert.equal(ttft.method, 'block bootstrap');
  assert.ok(ttft.ci !== null && ttft.ci[0] < ttft.ci[1]);
  // min and max are shown, never judged.
  assert.equal(json.metrics.find((m) => m.id === 'ttft.max')!.verdict, null);

  const text = await runCli(['compare', join(first, 'run.json'), second]);
  assert.equal(text.code, 0, text.stdout);
  assert.match(
    text.stdout,
    /Metric +streamload-test-\S+ +streamload-test-\S+ +Change +95% CI of change +p \(Holm\) +Verdict/,
  );
  assert.match(text.stdout, /^No regression\./m);
  // The same seed, the same verdicts.
  assert.equal((await runCli(['compare', first, second, '--format', 'json'])).stdout, r.stdout);
});

test('first token 200 → 260 ms: exit 1 and ttft named regressed', { timeout: 300_000 }, async () => {
  const r = await runCli(['compare', first, worse, '--format', 'json']);
  assert.equal(r.code, 1, r.stdout);
  const json = JSON.parse(r.stdout) as Json;
  assert.ok(json.regressed.includes('ttft.p50'), json.regressed.join(' '));
  assert.equal(json.metrics.find((m) => m.id === 'ttft.p50')!.verdict, 'regressed');
  const md = await runCli(['compare', first, worse, '--format', 'md']);
  assert.equal(md.code, 1);
  assert.match(md.stdout, /\| ttft\.p50 \(ms\) \|.*\| REGRESSED \|/);
  // A tolerance above the change: no longer a regression for ttft.
  const tolerant = await runCli([
    'compare',
    first,
    worse,
    '--format',
    'json',
    '--tolerance',
    'ttft=100ms,request_duration=50%,inter_event=50%,requests_per_s=50%,output_tokens_per_s=50%',
  ]);
  assert.ok(
    !(JSON.parse(tolerant.stdout) as Json).regressed.some((id) => id.startsWith('ttft.')),
    tolerant.stdout,
  );
});

test('--repeat 3 writes three complete runs and their spread', { timeout: 300_000 }, async () => {
  for (const rep of ['rep-1', 'rep-2', 'rep-3'])
    for (const file of ['run.json', 'report.html', 'report.md', 'summary.txt', 'stats.csv', 'junit.xml'])
      assert.ok(existsSync(join(repeats, rep, file)), `${rep}/${file}`);
  assert.ok(!existsSync(join(repeats, 'rep-4')));
  const spread = readFileSync(join(repeats, 'repeat-summary.txt'), 'utf8');
  assert.match(spread, /ttft p50 \(ms\) +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+/);
  const json = JSON.parse(readFileSync(join(repeats, 'repeat-summary.json'), 'utf8')) as { runs: string[] };
  assert.deepEqual(json.runs, ['rep-1', 'rep-2', 'rep-3']);
});

test('a folder of repeats against a run, and repeats against repeats', { timeout: 300_000 }, async () => {
  const r = await runCli(['compare', repeats, worse, '--format', 'json']);
  assert.equal(r.code, 1, r.stdout);
  const json = JSON.parse(r.stdout) as Json & { base: { files: string[] } };
  assert.equal(json.base.files.length, 3);
  assert.ok(json.regressed.includes('ttft.p50'), json.regressed.join(' '));
  // Three runs a side: the runs' own spread is the evidence.
  const three = await runCli([
    'compare',
    repeats,
    '--vs',
    join(repeats, 'rep-1'),
    first,
    second,
    '--format',
    'json',
  ]);
  assert.ok(three.code === 0 || three.code === 1, three.stderr);
  const ttft = (JSON.parse(three.stdout) as Json).metrics.find((m) => m.id === 'ttft.p50')!;
  assert.equal(ttft.method, 'Welch t over runs');
});

test('trend: the runs in time order with a chart per metric', { timeout: 300_000 }, async () => {
  const md = await runCli(['trend', repeats, first]);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^# Trend of 4 runs/m);
  // The repeats ran after `first`: oldest first.
  assert.ok(md.stdout.indexOf('| rep-1 |') > md.stdout.indexOf(`| ${first.split('/').at(-1)} |`), md.stdout);
  assert.match(md.stdout, /\| ttft p50 \(ms\) \| `[▁▂▃▄▅▆▇█]{4}` \|/);
  const page = join(tempDir(), 'trend.html');
  const html = await runCli(['trend', repeats, first, '--format', 'html', '--out', page]);
  assert.equal(html.code, 0, html.stderr);
  const text = readFileSync(page, 'utf8');
  assert.equal(text.match(/<svg /g)?.length, (md.stdout.match(/^\| .* \| `/gm) ?? []).length);
  assert.ok(!text.includes('<script'), 'no script: opens offline, nothing to inject into');
});

test('bad input: exit 2 with one line naming the file and what is wrong', { timeout: 300_000 }, async () => {
  const dir = tempDir();
  const runJson = JSON.parse(readFileSync(join(first, 'run.json'), 'utf8')) as Record<string, unknown>;
  const notRun = join(dir, 'not-a-run.json');
  writeFileSync(notRun, '{"hello": 1}');
  const noBlocks = join(dir, 'no-blocks.json');
  writeFileSync(noBlocks, JSON.stringify({ ...runJson, blocks: undefined }));
  const otherProtocol = join(dir, 'sse.json');
  writeFileSync(
    otherProtocol,
    JSON.stringify({ ...runJson, config: { ...(runJson.config as object), protocol: 'sse' } }),
  );
  // Hostile files: a block count that would buy minutes of resampling, a block that is no histogram.
  const blocks = runJson.blocks as { seconds: number; histograms: Record<string, (string | null)[]> };
  const tooMany = join(dir, 'too-many.json');
  writeFileSync(
    tooMany,
    JSON.stringify({
      ...runJson,
      blocks: {
        ...blocks,
        histograms: { ...blocks.histograms, ttft: new Array(100_000).fill(blocks.histograms.ttft![0]) },
      },
    }),
  );
  const garbage = join(dir, 'garbage.json');
  writeFileSync(
    garbage,
    JSON.stringify({
      ...runJson,
      blocks: { ...blocks, histograms: { ...blocks.histograms, ttft: ['HISTFAAAAnot-base64'] } },
    }),
  );
  const cases: [string[], RegExp][] = [
    [['compare', first, tooMany], /too-many\.json: blocks\.histograms\.ttft has 100000 blocks, at most 60/],
    [
      ['compare', first, garbage],
      /garbage\.json: blocks\.histograms\.ttft\[0\]: not an encoded HDR histogram/,
    ],
    [['compare', first, notRun], /not-a-run\.json: schema is undefined/],
    [['compare', first, noBlocks], /no-blocks\.json: no per-second histograms for ttf/],
    [['compare', first, otherProtocol], /sse\.json: protocol "sse" differs from "openai" in .*--force/],
    [['compare', first, join(dir, 'missing')], /missing: no such file or folder/],
    [['compare', first], /expected BASE CAND/],
    [
      ['compare', first, second, '--tolerance', 'ttft.p97=10%'],
      /--tolerance: no compared metric is named "ttft\.p97"/,
    ],
    [['compare', first, second, '--format', 'xml'], /--format: expected txt, md or json/],
    [['run', '--target', base.url, '--repeat', '0'], /--repeat/],
    [['trend', notRun], /not-a-run\.json: schema is undefined/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}\n${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const forced = await runCli(['compare', first, otherProtocol, '--force']);
  assert.ok(forced.code === 0 || forced.code === 1, forced.stderr);
  assert.match(forced.stdout, /configuration differs: protocol: "openai" → "sse"/);
});
