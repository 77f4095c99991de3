/**
 * `--segment i/N --start-at T` runs merged with `streamload merge`, through the real CLI against
 * a deterministic mock LLM (fixed token count, no jitter, no faults): `--iterations 300` as one run
 * and as 2 and 3 segments gives the same totals, the same count in every histogram and the same
 * per-request distributions of events and tokens. (Latencies differ run to run against a live
 * server; exact.test.ts proves the percentiles equal with a share whose samples are fixed.)
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunJson } from '../../src/report/types.ts';
import { startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { readRun, runCli, tempDir } from '../cli/helpers.ts';

const ITERATIONS = 300;
/** Time for every segment's process to start before the common start, on a busy machine. */
const START_LEAD_MS = 15_000;

describe('segments merged exactly', { timeout: 300_000 }, () => {
  let target = '';
  let out = '';
  let close = async () => {};
  before(async () => {
    out = tempDir();
    const llm = await startMockLlm({
      port: 0,
      host: '127.0.0.1',
      firstTokenMs: 5,
      interTokenMs: 1,
      tokens: [8, 8],
    });
    target = llm.url;
    close = () => llm.close();
  });
  after(async () => {
    await close();
    rmSync(out, { recursive: true, force: true });
  });

  const load = [
    '--protocol',
    'openai',
    '--iterations',
    String(ITERATIONS),
    '--users',
    '6',
    '--live-interval',
    '1h',
  ];
  const run = (dir: string, extra: string[] = []) =>
    runCli(['run', '--target', target, ...load, '--format', 'json', '--out', join(out, dir), ...extra], {
      timeoutMs: 120_000,
    });
  /** N segment runs started together with one --start-at; resolves with their folders. */
  async function segments(n: number): Promise<string[]> {
    const startAt = String(Date.now() + START_LEAD_MS);
    const dirs = Array.from({ length: n }, (_, i) => `seg${n}-${i + 1}`);
    const results = await Promise.all(
      dirs.map((dir, i) => run(dir, ['--segment', `${i + 1}/${n}`, '--start-at', startAt])),
    );
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    return dirs.map((d) => join(out, d));
  }
  const merge = (inputs: string[], dir: string) =>
    runCli(['merge', ...inputs, '--out', join(out, dir), '--format', 'json,txt'], { timeoutMs: 60_000 });

  let whole: RunJson;
  /** Same totals (bytes within 1 %) and the same count in every histogram as the single run. */
  function assertSameWork(result: RunJson): void {
    assert.equal(result.partial, null);
    // Bytes depend on the content (ids, timestamps, which question each user asked), not the work.
    const { bytes, ...totals } = result.totals;
    const { bytes: wholeBytes, ...wholeTotals } = whole.totals;
    assert.deepEqual(totals, wholeTotals);
    assert.ok(Math.abs(bytes - wholeBytes) < wholeBytes * 0.01, `${bytes} vs ${wholeBytes} bytes`);
    assert.deepEqual(Object.keys(result.latency).sort(), Object.keys(whole.latency).sort());
    for (const [name, stats] of Object.entries(whole.latency))
      assert.equal(result.latency[name as keyof typeof result.latency]!.count, stats.count, name);
    // What each request received does not depend on timing: every percentile equal.
    for (const name of ['events_per_stream', 'tokens_per_stream']) {
      assert.ok(whole.latency[name] !== undefined, `${name} recorded`);
      assert.deepEqual(result.latency[name], whole.latency[name], name);
    }
  }
  let two: string[] = [];
  let three: string[] = [];

  test('one unsegmented run, then 2 and 3 segments', { timeout: 280_000 }, async () => {
    const single = await run('whole');
    assert.equal(single.code, 0, single.stderr);
    whole = readRun(join(out, 'whole'));
    assert.equal(whole.totals.requests, ITERATIONS);
    two = await segments(2);
    three = await segments(3);
    const parts = three.map(readRun);
    assert.deepEqual(
      parts.map((p) => p.totals.requests),
      [100, 100, 100],
    );
    assert.ok(parts.every((p) => p.snapshot !== undefined && p.startedAt === parts[0]!.startedAt));
  });

  for (const n of [2, 3]) {
    test(`${n} segments merged: totals and every histogram's count equal the single run`, async () => {
      const dirs = n === 2 ? two : three;
      const merged = await merge(dirs, `merged${n}`);
      assert.equal(merged.code, 0, merged.stderr);
      const result = readRun(join(out, `merged${n}`));
      assertSameWork(result);
      // The history, aligned by the common clock, adds up to the totals.
      assert.equal(
        result.history.reduce((t, row) => t + row.requests, 0),
        ITERATIONS,
      );
      assert.equal(result.startedAt, readRun(dirs[0]!).startedAt);
    });
  }

  test('overlapping, mismatched and foreign runs are refused; missing segments make it partial', async () => {
    const overlap = await merge([two[0]!, two[0]!], 'bad1');
    assert.equal(overlap.code, 2);
    assert.match(overlap.stderr, /segment 1\/2 overlaps/);
    const sizes = await merge([two[0]!, three[1]!], 'bad2');
    assert.equal(sizes.code, 2);
    assert.match(sizes.stderr, /not one of 2/);
    const foreign = await merge([two[0]!, join(out, 'whole')], 'bad3');
    assert.equal(foreign.code, 2);
    assert.match(foreign.stderr, /not a segment run/);
    const edited = JSON.parse(readFileSync(join(two[1]!, 'run.json'), 'utf8'));
    edited.config.users = 7;
    writeFileSync(join(out, 'edited.json'), JSON.stringify(edited));
    const config = await merge([join(two[0]!, 'run.json'), join(out, 'edited.json')], 'bad4');
    assert.equal(config.code, 2);
    assert.match(config.stderr, /different run configuration .*users differs/);
    const missing = await merge([three[0]!, three[2]!], 'partial');
    assert.equal(missing.code, 0, missing.stderr);
    const partial = readRun(join(out, 'partial'));
    assert.equal(partial.partial?.lostWorkers, 1);
    assert.match(partial.partial?.notice ?? '', /segment 2\/3 missing/);
    assert.equal(partial.totals.requests, 200);
  });

  test('run --processes 2: children share one start, so every merged second shows the true user count', async () => {
    const r = await runCli(
      [
        'run',
        '--target',
        target,
        '--protocol',
        'openai',
        '--users',
        '4',
        '--spawn-rate',
        '100',
        '--run-time',
        '5s',
        '--processes',
        '2',
        '--live-interval',
        '1h',
        '--format',
        'json',
        '--out',
        join(out, 'processes'),
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
    const rows = readRun(join(out, 'processes')).history;
    // Every full second but the closing one (users retire at the end) has all 4 users.
    const full = rows.slice(0, -1);
    assert.ok(full.length >= 3, `${rows.length} rows`);
    assert.deepEqual(
      full.map((row) => row.users),
      full.map(() => 4),
    );
  });

  for (const n of [2, 3]) {
    test(`--processes ${n}: the same work as the single run`, async () => {
      const r = await run(`processes${n}`, ['--processes', String(n)]);
      assert.equal(r.code, 0, r.stderr);
      assertSameWork(readRun(join(out, `processes${n}`)));
    });
  }

  test('master + 2 workers: the same work as the single run', async () => {
    let port: number | undefined;
    const master = runCli(
      [
        'master',
        '--target',
        target,
        ...load,
        '--format',
        'json',
        '--out',
        join(out, 'master'),
        '--expect-workers',
        '2',
        '--master-port',
        '0',
      ],
      {
        timeoutMs: 120_000,
        onSpawn: (child) =>
          child.stderr!.on('data', (d: Buffer) => {
            port ??= Number(/listening for workers on 127\.0\.0\.1:(\d+)/.exec(String(d))?.[1]) || undefined;
          }),
      },
    );
    for (let i = 0; i < 600 && port === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(port !== undefined, 'the master listens');
    const workers = [1, 2].map(() =>
      runCli(['worker', '--master-host', '127.0.0.1', '--master-port', String(port)], { timeoutMs: 120_000 }),
    );
    const [m, ...w] = await Promise.all([master, ...workers]);
    assert.equal(m!.code, 0, m!.stderr);
    assert.deepEqual(
      w.map((x) => x.code),
      [0, 0],
    );
    assertSameWork(readRun(join(out, 'master')));
  });
});
